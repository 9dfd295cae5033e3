import Crypto

/// Strong entity tags from the body's SHA-256, so equal bytes give equal tags on every server and restart.
public enum ETag {
    /// `"<64 hex digits>"`, quoted as RFC 9110 8.8.3 requires.
    public static func strong(for body: some Sequence<UInt8>) -> String {
        let digest = SHA256.hash(data: Array(body))
        let hex = Array("0123456789abcdef".utf8)
        var out: [UInt8] = [UInt8(ascii: "\"")]
        for byte in digest {
            out.append(hex[Int(byte >> 4)])
            out.append(hex[Int(byte & 15)])
        }
        out.append(UInt8(ascii: "\""))
        return String(decoding: out, as: UTF8.self)
    }

    /// Whether an If-None-Match value (`*`, or a comma list of tags, weak `W/` or strong) matches `tag`.
    ///
    /// RFC 9110 13.1.2: If-None-Match uses the weak comparison, so `W/"x"` matches `"x"`.
    public static func ifNoneMatch(_ header: String, matches tag: String) -> Bool {
        let wanted = opaque(tag)
        for candidate in header.split(separator: ",") {
            let trimmed = candidate.trimmingWhitespace()
            if trimmed == "*" { return true }
            if opaque(trimmed) == wanted { return true }
        }
        return false
    }

    /// The quoted opaque part, without a `W/` weakness marker.
    private static func opaque(_ tag: some StringProtocol) -> Substring {
        let text = Substring(tag)
        return text.hasPrefix("W/") ? text.dropFirst(2) : text
    }
}

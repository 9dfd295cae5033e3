/// Percent-decoding for request targets and `application/x-www-form-urlencoded` (WHATWG URL standard, 5.1).
public enum URLEncoding {
    /// Why a percent-encoded string could not be decoded.
    enum Failure: Error, Hashable, Sendable {
        case badEscape(String)
        case notUTF8
    }

    /// Decodes `%XX` escapes and, when `plusIsSpace` (query strings and forms), `+` as a space.
    static func decode(_ bytes: some Collection<UInt8>, plusIsSpace: Bool) throws(Failure) -> String {
        var out: [UInt8] = []
        out.reserveCapacity(bytes.count)
        var index = bytes.startIndex
        while index != bytes.endIndex {
            let byte = bytes[index]
            if byte == UInt8(ascii: "%") {
                let first = bytes.index(after: index)
                guard first != bytes.endIndex, bytes.index(after: first) != bytes.endIndex,
                    let high = hexValue(bytes[first]), let low = hexValue(bytes[bytes.index(after: first)])
                else {
                    let rest = bytes[index...].prefix(3)
                    throw .badEscape(String(decoding: rest, as: UTF8.self))
                }
                out.append(high << 4 | low)
                index = bytes.index(first, offsetBy: 2)
                continue
            }
            out.append(plusIsSpace && byte == UInt8(ascii: "+") ? UInt8(ascii: " ") : byte)
            index = bytes.index(after: index)
        }
        guard let text = String(validating: out, as: UTF8.self) else { throw .notUTF8 }
        return text
    }

    /// `name=value&name=value` pairs in order; a pair without `=` has an empty value, empty pairs are skipped.
    static func pairs(_ bytes: some Collection<UInt8>) throws(FormDataError) -> [(String, String)] {
        var result: [(String, String)] = []
        for pair in bytes.split(separator: UInt8(ascii: "&"), omittingEmptySubsequences: true) {
            let parts = pair.split(separator: UInt8(ascii: "="), maxSplits: 1, omittingEmptySubsequences: false)
            let rawName = parts[0]
            let rawValue = parts.count > 1 ? parts[1] : rawName[rawName.endIndex...]
            let name: String
            do {
                name = try decode(rawName, plusIsSpace: true)
            } catch {
                throw .malformedName(String(decoding: rawName.prefix(64), as: UTF8.self), error.reason)
            }
            do {
                result.append((name, try decode(rawValue, plusIsSpace: true)))
            } catch {
                throw .malformedValue(field: name, error.reason)
            }
        }
        return result
    }

    /// Percent-encodes everything but unreserved characters (RFC 3986 2.3), for links built from values.
    public static func encode(_ text: String) -> String {
        var out = ""
        for byte in text.utf8 {
            switch byte {
            case UInt8(ascii: "A")...UInt8(ascii: "Z"), UInt8(ascii: "a")...UInt8(ascii: "z"),
                UInt8(ascii: "0")...UInt8(ascii: "9"), UInt8(ascii: "-"), UInt8(ascii: "."), UInt8(ascii: "_"),
                UInt8(ascii: "~"):
                out.unicodeScalars.append(Unicode.Scalar(byte))
            default:
                let hex = Array("0123456789ABCDEF".utf8)
                out += "%" + String(Unicode.Scalar(hex[Int(byte >> 4)])) + String(Unicode.Scalar(hex[Int(byte & 15)]))
            }
        }
        return out
    }

    private static func hexValue(_ byte: UInt8) -> UInt8? {
        switch byte {
        case UInt8(ascii: "0")...UInt8(ascii: "9"): byte - UInt8(ascii: "0")
        case UInt8(ascii: "a")...UInt8(ascii: "f"): byte - UInt8(ascii: "a") + 10
        case UInt8(ascii: "A")...UInt8(ascii: "F"): byte - UInt8(ascii: "A") + 10
        default: nil
        }
    }
}

extension URLEncoding.Failure {
    var reason: String {
        switch self {
        case .badEscape(let escape): "'\(escape)' is not a valid percent-escape (% and two hex digits)"
        case .notUTF8: "the decoded bytes are not UTF-8"
        }
    }
}

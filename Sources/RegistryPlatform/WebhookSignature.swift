import Crypto
import Foundation

/// The webhook's signature, Stripe-like: header `Payment-Signature: t=<unix seconds>,v1=<hex>` where the hex is
/// HMAC-SHA256 over `"<t>.<body>"` with the secret shared with the provider.
///
/// Why the timestamp: a captured request cannot be replayed after `tolerance` (5 minutes by default), and within
/// it the event id makes a replay change nothing.
public struct WebhookSignature: Sendable {
    public static let headerName = "Payment-Signature"
    /// How far the signed timestamp may be from the platform's clock, either way.
    public static let defaultTolerance: TimeInterval = 300

    /// Kept as bytes: `SymmetricKey` is not `Sendable`, the key is made per use.
    private let secret: [UInt8]
    public let tolerance: TimeInterval

    public init(secret: [UInt8], tolerance: TimeInterval = WebhookSignature.defaultTolerance) {
        self.secret = secret
        self.tolerance = tolerance
    }

    /// The header value for `body` sent at `time`.
    public func header(for body: [UInt8], at time: Date) -> String {
        let timestamp = Int64(time.timeIntervalSince1970.rounded(.down))
        return "t=\(timestamp),v1=\(hex(mac(timestamp: String(timestamp), body: body)))"
    }

    /// Checks a received header against the body; throws naming what is wrong.
    public func verify(header: String?, body: [UInt8], now: Date) throws(WebhookSignatureError) {
        guard let header, !header.isEmpty else { throw .missing }
        var timestampText: String?
        var signatures: [String] = []
        for part in header.split(separator: ",") {
            let pair = part.trimmingCharacters(in: .whitespaces).split(separator: "=", maxSplits: 1)
            guard pair.count == 2 else { continue }
            switch pair[0] {
            case "t": timestampText = String(pair[1])
            case "v1": signatures.append(String(pair[1]))
            default: continue
            }
        }
        guard let timestampText, let timestamp = Int64(timestampText), !signatures.isEmpty else {
            throw .malformed
        }
        let age = now.timeIntervalSince1970 - Double(timestamp)
        guard abs(age) <= tolerance else { throw .stale(seconds: Int64(min(max(age, -9e18), 9e18).rounded())) }
        let expected = mac(timestamp: timestampText, body: body)
        // Constant-time comparison: the MAC check must not leak how many leading bytes matched.
        guard
            signatures.contains(where: { candidate in
                guard let bytes = Self.bytes(fromHex: candidate), bytes.count == expected.count else { return false }
                return zip(bytes, expected).reduce(UInt8(0)) { $0 | ($1.0 ^ $1.1) } == 0
            })
        else { throw .mismatch }
    }

    private func mac(timestamp: String, body: [UInt8]) -> [UInt8] {
        var hmac = HMAC<SHA256>(key: SymmetricKey(data: secret))
        hmac.update(data: Array(timestamp.utf8) + [UInt8(ascii: ".")])
        hmac.update(data: body)
        return Array(hmac.finalize())
    }

    private func hex(_ bytes: [UInt8]) -> String {
        let digits = Array("0123456789abcdef".utf8)
        var out: [UInt8] = []
        out.reserveCapacity(bytes.count * 2)
        for byte in bytes {
            out.append(digits[Int(byte >> 4)])
            out.append(digits[Int(byte & 0x0f)])
        }
        return String(decoding: out, as: UTF8.self)
    }

    private static func bytes(fromHex text: String) -> [UInt8]? {
        let characters = Array(text.utf8)
        guard characters.count % 2 == 0, characters.count <= 128 else { return nil }
        func value(_ c: UInt8) -> UInt8? {
            switch c {
            case 48...57: c - 48
            case 97...102: c - 87
            case 65...70: c - 55
            default: nil
            }
        }
        var out: [UInt8] = []
        var index = 0
        while index < characters.count {
            guard let high = value(characters[index]), let low = value(characters[index + 1]) else { return nil }
            out.append(high << 4 | low)
            index += 2
        }
        return out
    }
}

public enum WebhookSignatureError: Error, Hashable, Sendable, CustomStringConvertible {
    case missing
    case malformed
    /// The signed time is this many seconds before (positive) or after (negative) the platform's clock.
    case stale(seconds: Int64)
    case mismatch

    public var description: String {
        switch self {
        case .missing: "the request carries no \(WebhookSignature.headerName) header"
        case .malformed: "the \(WebhookSignature.headerName) header is not of the form t=<unix>,v1=<hex>"
        case .stale(let seconds): "the signature's timestamp is \(seconds) s away from now (more than allowed)"
        case .mismatch: "the signature does not match the body"
        }
    }
}

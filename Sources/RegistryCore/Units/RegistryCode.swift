/// The code of a Kyoto registry (`CDM`, ISO 3166 alpha-2 of a Party such as `CH`, or `EU`), or of the ITL.
///
/// DES carries it as a free string; we accept two or three upper-case ASCII letters so that a typo or an injected
/// value is refused at the edge instead of reaching the ledger.
public struct RegistryCode: Hashable, Sendable, Codable, Comparable, CustomStringConvertible,
    ExpressibleByStringLiteral
{
    public let rawValue: String

    public init(_ rawValue: String) throws(RegistryCodeError) {
        let bytes = Array(rawValue.utf8)
        guard (2...3).contains(bytes.count), bytes.allSatisfy({ $0 >= 65 && $0 <= 90 }) else {
            throw RegistryCodeError(value: rawValue)
        }
        self.rawValue = rawValue
    }

    /// For literals in code and tests; a bad literal is a programming error.
    public init(stringLiteral value: String) {
        do { try self.init(value) } catch { preconditionFailure("\(error)") }
    }

    public static let cdm: RegistryCode = "CDM"
    public static let itl: RegistryCode = "ITL"

    public var description: String { rawValue }
    public static func < (lhs: RegistryCode, rhs: RegistryCode) -> Bool { lhs.rawValue < rhs.rawValue }

    public init(from decoder: any Decoder) throws {
        let container = try decoder.singleValueContainer()
        let raw = try container.decode(String.self)
        do { try self.init(raw) } catch {
            throw DecodingError.dataCorruptedError(in: container, debugDescription: error.description)
        }
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        try container.encode(rawValue)
    }
}

public struct RegistryCodeError: Error, Hashable, Sendable, CustomStringConvertible {
    public let value: String
    public var description: String { "registry code '\(value)' is not two or three upper-case letters" }
}

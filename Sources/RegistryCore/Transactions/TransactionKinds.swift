/// DES transaction type codes (DOMAIN.md section 4).
public enum TransactionType: Int, Hashable, Sendable, Codable, CaseIterable, CustomStringConvertible {
    case issuance = 1
    case conversion = 2
    case externalTransfer = 3
    case cancellation = 4
    case retirement = 5
    case replacement = 6
    case carryOver = 7
    case expiryDateChange = 8
    case internalTransfer = 10

    public var description: String {
        switch self {
        case .issuance: "issuance"
        case .conversion: "conversion"
        case .externalTransfer: "external transfer"
        case .cancellation: "cancellation"
        case .retirement: "retirement"
        case .replacement: "replacement"
        case .carryOver: "carry-over"
        case .expiryDateChange: "expiry date change"
        case .internalTransfer: "internal transfer"
        }
    }
}

/// DES transaction status codes. Final: completed, terminated, rejected, cancelled.
public enum TransactionStatus: Int, Hashable, Sendable, Codable, CaseIterable, CustomStringConvertible {
    case proposed = 1
    case checkedNoDiscrepancy = 2
    case checkedDiscrepancy = 3
    case completed = 4
    case terminated = 5
    case rejected = 6
    case cancelled = 7
    case accepted = 8

    public var isFinal: Bool {
        switch self {
        case .completed, .terminated, .rejected, .cancelled: true
        default: false
        }
    }

    public var description: String {
        switch self {
        case .proposed: "proposed"
        case .checkedNoDiscrepancy: "checked (no discrepancy)"
        case .checkedDiscrepancy: "checked (discrepancy)"
        case .completed: "completed"
        case .terminated: "terminated"
        case .rejected: "rejected"
        case .cancelled: "cancelled"
        case .accepted: "accepted"
        }
    }
}

/// A transaction identifier: the proposing registry's code followed by digits (`CDM123456`).
public struct TransactionIdentifier: Hashable, Sendable, Codable, Comparable, CustomStringConvertible {
    public let rawValue: String

    public init(_ rawValue: String) throws(TransactionIdentifierError) {
        let bytes = Array(rawValue.utf8)
        let letters = bytes.prefix(while: { $0 >= 65 && $0 <= 90 })
        let digits = bytes.dropFirst(letters.count)
        guard (2...3).contains(letters.count), (1...50).contains(digits.count),
            digits.allSatisfy({ $0 >= 48 && $0 <= 57 })
        else { throw TransactionIdentifierError(value: rawValue) }
        self.rawValue = rawValue
    }

    /// The registry that proposed the transaction.
    public var registry: RegistryCode {
        // The initializer checked the letters, so this cannot fail.
        try! RegistryCode(String(rawValue.utf8.prefix(while: { $0 >= 65 && $0 <= 90 }).map { Character(UnicodeScalar($0)) }))
    }

    public var description: String { rawValue }
    public static func < (lhs: Self, rhs: Self) -> Bool { lhs.rawValue < rhs.rawValue }

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

public struct TransactionIdentifierError: Error, Hashable, Sendable, CustomStringConvertible {
    public let value: String
    public var description: String {
        "transaction identifier '\(value)' is not a registry code followed by digits (e.g. CDM123456)"
    }
}

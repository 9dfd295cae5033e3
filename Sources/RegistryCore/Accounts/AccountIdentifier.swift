/// An account as DES names it, `(registryCode, accountType, accountIdentifier)`, plus the commitment period digit
/// of its human form `CC-TTT-ID-P-DD`.
///
/// The two check digits are ISO 7064 MOD 97-10 (the IBAN scheme): letters become 10...35, the digits of registry,
/// type, identifier and period are concatenated, and the check digits make the whole number `≡ 1 (mod 97)`.
public struct AccountIdentifier: Hashable, Sendable, Codable, Comparable, CustomStringConvertible {
    public let registry: RegistryCode
    public let type: AccountType
    public let id: Int64
    /// 0 for accounts not bound to a commitment period (`CDM-100-1100-0`), else 1 or 2.
    public let commitmentPeriod: Int

    public init(registry: RegistryCode, type: AccountType, id: Int64, commitmentPeriod: Int = 0)
        throws(AccountIdentifierError)
    {
        guard (0...999).contains(type.rawValue) else { throw .badAccountType(String(type.rawValue)) }
        guard id >= 0 else { throw .badIdentifier(String(id)) }
        guard (0...9).contains(commitmentPeriod) else { throw .badCommitmentPeriod(String(commitmentPeriod)) }
        self.registry = registry
        self.type = type
        self.id = id
        self.commitmentPeriod = commitmentPeriod
    }

    /// Parses `CC-TTT-ID-P-DD`. The short form without check digits (`CDM-100-1100-0`), as the CDM registry
    /// publishes its well-known accounts, is accepted too; check digits that are present must be right.
    public init(parsing text: String) throws(AccountIdentifierError) {
        let parts = text.split(separator: "-", omittingEmptySubsequences: false).map(String.init)
        guard parts.count == 4 || parts.count == 5 else { throw .malformed(text) }
        let registry: RegistryCode
        do { registry = try RegistryCode(parts[0]) } catch { throw .badRegistry(parts[0]) }
        guard parts[1].count == 3, let type = Int(parts[1]), parts[1].allSatisfy(\.isASCIIDigit) else {
            throw .badAccountType(parts[1])
        }
        guard !parts[2].isEmpty, parts[2].count <= 18, parts[2].allSatisfy(\.isASCIIDigit), let id = Int64(parts[2])
        else { throw .badIdentifier(parts[2]) }
        guard parts[3].count == 1, let period = Int(parts[3]), parts[3].allSatisfy(\.isASCIIDigit) else {
            throw .badCommitmentPeriod(parts[3])
        }
        try self.init(registry: registry, type: AccountType(type), id: id, commitmentPeriod: period)
        if parts.count == 5 {
            guard parts[4].count == 2, parts[4].allSatisfy(\.isASCIIDigit) else { throw .malformed(text) }
            guard parts[4] == checkDigits else {
                throw .wrongCheckDigits(text: text, expected: checkDigits)
            }
        }
    }

    /// The two ISO 7064 MOD 97-10 check digits.
    public var checkDigits: String {
        var remainder = 0
        func feed(_ digits: String) {
            for byte in digits.utf8 { remainder = (remainder * 10 + Int(byte - 48)) % 97 }
        }
        for byte in registry.rawValue.utf8 { feed(String(Int(byte) - 55)) }  // A=10 ... Z=35
        feed(typeText)
        feed(String(id))
        feed(String(commitmentPeriod))
        feed("00")
        let check = 98 - remainder
        return check < 10 ? "0\(check)" : String(check)
    }

    private var typeText: String {
        let digits = String(type.rawValue)
        return String(repeating: "0", count: max(0, 3 - digits.count)) + digits
    }

    /// `CC-TTT-ID-P` without check digits.
    public var shortForm: String { "\(registry)-\(typeText)-\(id)-\(commitmentPeriod)" }

    /// `CC-TTT-ID-P-DD`.
    public var description: String { "\(shortForm)-\(checkDigits)" }

    public static func < (lhs: AccountIdentifier, rhs: AccountIdentifier) -> Bool {
        (lhs.registry, lhs.type, lhs.id, lhs.commitmentPeriod) < (rhs.registry, rhs.type, rhs.id, rhs.commitmentPeriod)
    }
}

extension AccountIdentifier {
    /// The Adaptation Fund share-of-proceeds account, `CDM-100-1100-0`.
    public static let adaptationFund = try! AccountIdentifier(registry: .cdm, type: .partyHolding, id: 1100)
}

public enum AccountIdentifierError: Error, Hashable, Sendable, CustomStringConvertible {
    case malformed(String)
    case badRegistry(String)
    case badAccountType(String)
    case badIdentifier(String)
    case badCommitmentPeriod(String)
    case wrongCheckDigits(text: String, expected: String)

    public var description: String {
        switch self {
        case .malformed(let text): "'\(text)' is not an account identifier of the form CC-TTT-ID-P-DD"
        case .badRegistry(let text): "account identifier: '\(text)' is not a registry code"
        case .badAccountType(let text): "account identifier: '\(text)' is not a three-digit account type"
        case .badIdentifier(let text): "account identifier: '\(text)' is not a non-negative account number"
        case .badCommitmentPeriod(let text): "account identifier: '\(text)' is not a one-digit commitment period"
        case .wrongCheckDigits(let text, let expected):
            "account identifier '\(text)' has wrong check digits (expected \(expected))"
        }
    }
}

extension Character {
    var isASCIIDigit: Bool { isASCII && isNumber }
}

/// An account of this registry as the ledger keeps it: identifier, holder, kind and state.
public struct Account: Hashable, Sendable, Codable, CustomStringConvertible {
    public var identifier: AccountIdentifier
    /// The holder's name as shown in reports (the project participant, "Adaptation Fund", "Pending account", ...).
    public var name: String
    public var kind: AccountKind
    public var state: AccountState

    public init(identifier: AccountIdentifier, name: String, kind: AccountKind, state: AccountState = .open) {
        self.identifier = identifier
        self.name = name
        self.kind = kind
        self.state = state
    }

    public var type: AccountType { identifier.type }

    public var description: String { "\(identifier) (\(name), \(kind), \(state))" }
}

/// Whether an account may move units at all (DOMAIN.md section 4: account closed is DES code 5906).
public enum AccountState: String, Hashable, Sendable, Codable, CaseIterable, CustomStringConvertible {
    case open
    /// Frozen by the registry administrator: neither sends nor receives until unblocked.
    case blocked
    /// Final: a closed account never sends or receives again, and is closed only when empty.
    case closed

    public var description: String { rawValue }
}

/// The kind of a CDM registry account (DOMAIN.md section 3).
public enum AccountKind: Hashable, Sendable, Codable, CustomStringConvertible {
    /// Holding account of a non-Annex I Party or its project participants.
    case permanentHolding
    /// Holding account of an Annex I participant whose national registry was not yet connected; its units were
    /// later forwarded to `associatedRegistry` in one transaction.
    case temporaryHolding(associatedRegistry: RegistryCode)
    /// An account the registry runs itself: pending, cancellation and replacement accounts.
    case registryOperated

    public var isHolding: Bool {
        switch self {
        case .permanentHolding, .temporaryHolding: true
        case .registryOperated: false
        }
    }

    public var description: String {
        switch self {
        case .permanentHolding: "permanent holding"
        case .temporaryHolding(let registry): "temporary holding for \(registry)"
        case .registryOperated: "registry-operated"
        }
    }
}

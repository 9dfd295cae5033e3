/// One peer-registry or capability rule with its effective interval and the decision it comes from.
public struct PeerRule: Hashable, Sendable {
    public let id: String
    public let kind: PeerRuleKind
    /// The registries the rule concerns, matched against the acquiring registry.
    public let registries: RegistryScope
    public let interval: EffectiveInterval
    /// For capability rules: the functions that are unavailable.
    public let capabilities: Set<TransactionCapability>
    /// Restricts the rule to requests with at least one matching block; nil means every request.
    public let units: UnitFilter?
    /// The DES response code the refusal corresponds to (e.g. 5904 inconsistent with Party policy), if one exists.
    public let responseCode: Int?
    /// The decision, notice or FAQ the rule comes from, quoted in every refusal so operators can check it.
    public let source: String

    public init(
        id: String, kind: PeerRuleKind, registries: RegistryScope, interval: EffectiveInterval,
        capabilities: Set<TransactionCapability> = [], units: UnitFilter? = nil, responseCode: Int? = nil,
        source: String
    ) {
        self.id = id
        self.kind = kind
        self.registries = registries
        self.interval = interval
        self.capabilities = capabilities
        self.units = units
        self.responseCode = responseCode
        self.source = source
    }

    /// Whether this rule refuses the request; evaluated only for instants inside the interval.
    func applies(to request: TransactionRequestFacts) -> Bool {
        guard registries.contains(request.acquiringRegistry) else { return false }
        if let units, !request.blocks.contains(where: units.matches) { return false }
        switch kind {
        case .refusesUnits, .refusesTransfers, .unreachable:
            // Peer rules are about another registry receiving units, which only an external transfer does.
            return request.transactionType == .externalTransfer
        case .capabilityUnavailable:
            return !capabilities.isDisjoint(with: request.capabilities)
        }
    }

    /// The operator-facing reason, naming the registry and the interval as written in the rule file.
    func message(for request: TransactionRequestFacts) -> String {
        let registry = request.acquiringRegistry
        switch kind {
        case .refusesUnits:
            return "\(registry) refuses \(units.map { "\($0)" } ?? "these units") \(interval)"
        case .refusesTransfers:
            return "\(registry) takes no transfers \(interval)"
        case .unreachable:
            return "\(registry) cannot be reached \(interval)"
        case .capabilityUnavailable:
            let names = capabilities.intersection(request.capabilities).map(\.description).sorted()
            let scope = units.map { " for \($0)" } ?? ""
            return "\(names.joined(separator: " and "))\(scope) is unavailable \(interval)"
        }
    }
}

/// What a rule does when it applies.
public enum PeerRuleKind: String, Hashable, Sendable, Codable, CaseIterable {
    /// The acquiring registry refuses units matching the rule's unit filter (CH and CP1 units from 2015-04-30).
    case refusesUnits
    /// The acquiring registry takes no transfers at all (GB from 2021-01-01).
    case refusesTransfers
    /// The acquiring registry cannot be reached through the ITL (EU registries before the CITL link, migration).
    case unreachable
    /// A function of this registry is unavailable (forwarding in 2008-10, CP2 before 2013-07-12).
    case capabilityUnavailable
}

/// The registries a rule concerns: all of them, or a set (resolved from codes and named groups).
public enum RegistryScope: Hashable, Sendable {
    case all
    case only(Set<RegistryCode>)

    public func contains(_ registry: RegistryCode) -> Bool {
        switch self {
        case .all: true
        case .only(let registries): registries.contains(registry)
        }
    }
}

/// Which unit blocks a rule concerns; every list given must contain the block's value.
public struct UnitFilter: Hashable, Sendable, CustomStringConvertible {
    public let unitTypes: Set<UnitType>?
    public let originalCommitmentPeriods: Set<CommitmentPeriod>?
    public let applicableCommitmentPeriods: Set<CommitmentPeriod>?

    public init(
        unitTypes: Set<UnitType>? = nil, originalCommitmentPeriods: Set<CommitmentPeriod>? = nil,
        applicableCommitmentPeriods: Set<CommitmentPeriod>? = nil
    ) {
        self.unitTypes = unitTypes
        self.originalCommitmentPeriods = originalCommitmentPeriods
        self.applicableCommitmentPeriods = applicableCommitmentPeriods
    }

    public func matches(_ block: UnitBlockFacts) -> Bool {
        (unitTypes?.contains(block.unitType) ?? true)
            && (originalCommitmentPeriods?.contains(block.originalCommitmentPeriod) ?? true)
            && (applicableCommitmentPeriods?.contains(block.applicableCommitmentPeriod) ?? true)
    }

    public var description: String {
        var parts: [String] = []
        if let unitTypes { parts.append(unitTypes.map(\.description).sorted().joined(separator: "/")) }
        if let periods = originalCommitmentPeriods {
            parts.append("original commitment period " + periods.map(\.description).sorted().joined(separator: "/"))
        }
        if let periods = applicableCommitmentPeriods {
            parts.append("applicable commitment period " + periods.map(\.description).sorted().joined(separator: "/"))
        }
        return "units of " + parts.joined(separator: ", ")
    }
}

import Foundation

/// The peer registry rules in force over time (DOMAIN.md section 6), checked before anything is reserved.
///
/// Rules are data (deploy/peer-rules.json) because peers change their policies by decision, not by release:
/// an operator adds a rule with its effective date and source, and the daemon refuses matching requests from then.
public struct PeerRuleBook: Hashable, Sendable {
    /// In file order; the first rule that refuses a request is the one reported.
    public let rules: [PeerRule]
    /// Named sets of registry codes (e.g. `eu-registries`) that rules refer to.
    public let registryGroups: [String: Set<RegistryCode>]

    public init(rules: [PeerRule], registryGroups: [String: Set<RegistryCode>] = [:]) {
        self.rules = rules
        self.registryGroups = registryGroups
    }

    /// Decodes and validates a rule file; any problem is reported with its rule id and field, and nothing loads.
    public init(json: Data) throws(PeerRuleBookError) {
        let root: RuleFileValue
        do {
            root = try JSONDecoder().decode(RuleFileValue.self, from: json)
        } catch {
            throw PeerRuleBookError(ruleID: nil, location: "file", field: nil, problem: .notJSON("\(error)"))
        }
        let file = try RuleFileEntry(root, ruleID: nil, location: "file")
        try file.allowOnly(["registryGroups", "rules", "description"])
        var groups: [String: Set<RegistryCode>] = [:]
        for (index, value) in try file.array("registryGroups", required: false).enumerated() {
            let entry = try RuleFileEntry(value, ruleID: nil, location: "registryGroups[\(index)]")
            let name = try entry.string("name")
            let group = try RuleFileEntry(value, ruleID: nil, location: "registry group '\(name)'")
            try group.allowOnly(["name", "registries", "source"])
            _ = try group.string("source")
            // Group names are lower case so they can never be mistaken for a registry code such as EU.
            guard (try? RegistryCode(name)) == nil, name != "*" else {
                throw group.error("name", .badValue(name, expected: "a group name that is not a registry code"))
            }
            guard groups[name] == nil else { throw group.error("name", .duplicateGroup) }
            var codes: Set<RegistryCode> = []
            for code in try group.strings("registries") {
                do { codes.insert(try RegistryCode(code)) } catch {
                    throw group.error("registries", .badValue(code, expected: "a registry code"))
                }
            }
            groups[name] = codes
        }
        var rules: [PeerRule] = []
        var seen: Set<String> = []
        for (index, value) in try file.array("rules").enumerated() {
            let rule = try Self.rule(value, index: index, groups: groups)
            guard seen.insert(rule.id).inserted else {
                throw PeerRuleBookError(
                    ruleID: rule.id, location: "rule '\(rule.id)'", field: "id", problem: .duplicateID)
            }
            rules.append(rule)
        }
        self.init(rules: rules, registryGroups: groups)
    }

    /// The first rule in force at `date` that refuses the request, or allowed.
    public func evaluate(_ request: TransactionRequestFacts, at date: Date) -> RuleDecision {
        for rule in rules where rule.interval.contains(date) && rule.applies(to: request) {
            return .refused(
                RuleRefusal(
                    ruleID: rule.id, message: rule.message(for: request), source: rule.source,
                    responseCode: rule.responseCode))
        }
        return .allowed
    }

    /// The rules in force at an instant (for operators and the registry simulator).
    public func rules(effectiveAt date: Date) -> [PeerRule] { rules.filter { $0.interval.contains(date) } }

    // MARK: Decoding one rule

    private static func rule(_ value: RuleFileValue, index: Int, groups: [String: Set<RegistryCode>])
        throws(PeerRuleBookError) -> PeerRule
    {
        let anonymous = try RuleFileEntry(value, ruleID: nil, location: "rules[\(index)]")
        let id = try anonymous.string("id")
        let entry = try RuleFileEntry(value, ruleID: id, location: "rule '\(id)'")
        try entry.allowOnly([
            "id", "kind", "registries", "from", "until", "capabilities", "units", "responseCode", "source", "note",
        ])
        let kindText = try entry.string("kind")
        guard let kind = PeerRuleKind(rawValue: kindText) else { throw entry.error("kind", .unknownKind(kindText)) }
        let registries = try scope(entry, groups: groups)
        let from = try entry.instant("from")
        let until = try entry.instant("until")
        guard let interval = EffectiveInterval(from: from, until: until) else {
            throw entry.error(
                "from", .fromNotBeforeUntil(from: from?.text ?? "-", until: until?.text ?? "-"))
        }
        var capabilities: Set<TransactionCapability> = []
        if kind == .capabilityUnavailable {
            for text in try entry.strings("capabilities") {
                guard let capability = TransactionCapability(rawValue: text) else {
                    throw entry.error("capabilities", .unknownCapability(text))
                }
                capabilities.insert(capability)
            }
        } else if entry.has("capabilities") {
            throw entry.error("capabilities", .notAllowedForKind(kind))
        }
        let units = try unitFilter(entry)
        if kind == .refusesUnits, units == nil { throw entry.error("units", .requiredForKind(kind)) }
        if kind == .unreachable, units != nil { throw entry.error("units", .notAllowedForKind(kind)) }
        var responseCode: Int?
        if entry.has("responseCode") {
            let code = try entry.integer("responseCode")
            guard (1000...9999).contains(code) else {
                throw entry.error("responseCode", .badValue(String(code), expected: "a four-digit DES response code"))
            }
            responseCode = code
        }
        return PeerRule(
            id: id, kind: kind, registries: registries, interval: interval, capabilities: capabilities, units: units,
            responseCode: responseCode, source: try entry.string("source"))
    }

    private static func scope(_ entry: RuleFileEntry, groups: [String: Set<RegistryCode>])
        throws(PeerRuleBookError) -> RegistryScope
    {
        var codes: Set<RegistryCode> = []
        for text in try entry.strings("registries") {
            if text == "*" { return .all }
            if let group = groups[text] {
                codes.formUnion(group)
            } else if let code = try? RegistryCode(text) {
                codes.insert(code)
            } else {
                throw entry.error("registries", .unknownRegistry(text))
            }
        }
        return .only(codes)
    }

    private static func unitFilter(_ entry: RuleFileEntry) throws(PeerRuleBookError) -> UnitFilter? {
        guard let value = entry.value("units") else { return nil }
        let units = try RuleFileEntry(value, ruleID: entry.ruleID, location: entry.location, fieldPrefix: "units.")
        try units.allowOnly(["unitTypes", "originalCommitmentPeriods", "applicableCommitmentPeriods"])
        func codes<T: RawRepresentable<Int>>(_ field: String, _ expected: String) throws(PeerRuleBookError) -> Set<T>? {
            guard units.has(field) else { return nil }
            var result: Set<T> = []
            for code in try units.integers(field) {
                guard let value = T(rawValue: code) else {
                    throw units.error(field, .badValue(String(code), expected: expected))
                }
                result.insert(value)
            }
            return result
        }
        let filter = UnitFilter(
            unitTypes: try codes("unitTypes", "a DES unit type (1-7)"),
            originalCommitmentPeriods: try codes("originalCommitmentPeriods", "a commitment period (0, 1, 2)"),
            applicableCommitmentPeriods: try codes("applicableCommitmentPeriods", "a commitment period (0, 1, 2)"))
        guard
            filter.unitTypes != nil || filter.originalCommitmentPeriods != nil
                || filter.applicableCommitmentPeriods != nil
        else { throw entry.error("units", .empty) }
        return filter
    }
}

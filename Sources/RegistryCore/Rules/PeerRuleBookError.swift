/// A rule file that cannot be loaded, naming the rule (or group) and field at fault. Nothing is loaded.
public struct PeerRuleBookError: Error, Hashable, Sendable, CustomStringConvertible {
    /// The rule's id when it has one; nil for file-level problems, groups, or a rule without a usable id.
    public let ruleID: String?
    /// Where in the file: "rule 'GB-CLOSED'", "rules[3]", "registry group 'eu-registries'", "file".
    public let location: String
    /// The field at fault, nil when the problem is the whole entry or file.
    public let field: String?
    public let problem: Problem

    public enum Problem: Hashable, Sendable, CustomStringConvertible {
        case notJSON(String)
        case missingField
        case unknownField
        case wrongType(expected: String, found: String)
        case empty
        case unknownKind(String)
        case badDate(String)
        case fromNotBeforeUntil(from: String, until: String)
        case unknownRegistry(String)
        case unknownCapability(String)
        case badValue(String, expected: String)
        case duplicateID
        case duplicateGroup
        case notAllowedForKind(PeerRuleKind)
        case requiredForKind(PeerRuleKind)

        public var description: String {
            switch self {
            case .notJSON(let detail): "is not valid JSON (\(detail))"
            case .missingField: "is missing"
            case .unknownField: "is not a known field (a typo would silently disable a rule)"
            case .wrongType(let expected, let found): "must be \(expected), found \(found)"
            case .empty: "must not be empty"
            case .unknownKind(let kind):
                "'\(kind)' is not a rule kind (one of: "
                    + PeerRuleKind.allCases.map(\.rawValue).joined(separator: ", ") + ")"
            case .badDate(let text):
                "'\(text)' is not a date-time with a time zone (e.g. 2012-06-03T10:00:00+02:00)"
            case .fromNotBeforeUntil(let from, let until):
                "from \(from) is not before until \(until), so the rule would never apply"
            case .unknownRegistry(let text):
                "'\(text)' is neither a registry code, '*', nor a defined registry group"
            case .unknownCapability(let text):
                "'\(text)' is not a capability (one of: "
                    + TransactionCapability.allCases.map(\.rawValue).joined(separator: ", ") + ")"
            case .badValue(let text, let expected): "'\(text)' is not \(expected)"
            case .duplicateID: "is used by another rule"
            case .duplicateGroup: "is defined twice"
            case .notAllowedForKind(let kind): "is not allowed for rules of kind \(kind.rawValue)"
            case .requiredForKind(let kind): "is required for rules of kind \(kind.rawValue)"
            }
        }
    }

    public init(ruleID: String?, location: String, field: String?, problem: Problem) {
        self.ruleID = ruleID
        self.location = location
        self.field = field
        self.problem = problem
    }

    public var description: String {
        let field = field.map { " field '\($0)'" } ?? ""
        return "peer rules: \(location)\(field) \(problem)"
    }
}

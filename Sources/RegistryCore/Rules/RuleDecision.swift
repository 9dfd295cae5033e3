/// The outcome of checking a requested transaction against the peer rules, before anything is reserved.
public enum RuleDecision: Hashable, Sendable {
    case allowed
    case refused(RuleRefusal)

    public var isAllowed: Bool { self == .allowed }
}

/// Why a transaction may not be made: the rule, a message for the operator, and the decision behind it.
public struct RuleRefusal: Error, Hashable, Sendable, CustomStringConvertible {
    public let ruleID: String
    public let message: String
    public let source: String
    /// The DES response code a peer or the ITL would give for this, where one exists (for the registry simulator).
    public let responseCode: Int?

    public init(ruleID: String, message: String, source: String, responseCode: Int?) {
        self.ruleID = ruleID
        self.message = message
        self.source = source
        self.responseCode = responseCode
    }

    public var description: String {
        let code = responseCode.map { " [DES \($0)]" } ?? ""
        return "refused by rule \(ruleID)\(code): \(message) (source: \(source))"
    }
}

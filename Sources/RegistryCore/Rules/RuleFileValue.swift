/// A JSON value as read from the rule file, so validation can name the rule and field of every problem
/// (a synthesized `Decodable` would report a coding path instead, and stop at the first type mismatch).
enum RuleFileValue: Hashable, Sendable, Decodable {
    case null
    case bool(Bool)
    case number(Double)
    case string(String)
    case array([RuleFileValue])
    case object([String: RuleFileValue])

    init(from decoder: any Decoder) throws {
        let container = try decoder.singleValueContainer()
        if container.decodeNil() {
            self = .null
        } else if let value = try? container.decode(Bool.self) {
            self = .bool(value)
        } else if let value = try? container.decode(Double.self) {
            self = .number(value)
        } else if let value = try? container.decode(String.self) {
            self = .string(value)
        } else if let value = try? container.decode([RuleFileValue].self) {
            self = .array(value)
        } else {
            self = .object(try container.decode([String: RuleFileValue].self))
        }
    }

    /// The JSON type name, for "expected X, found Y" messages.
    var typeName: String {
        switch self {
        case .null: "null"
        case .bool: "a boolean"
        case .number: "a number"
        case .string: "a string"
        case .array: "an array"
        case .object: "an object"
        }
    }
}

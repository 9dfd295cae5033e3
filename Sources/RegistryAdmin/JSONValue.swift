import Foundation

/// Any JSON value. Whole numbers stay `Int64`, so quantities and serial numbers up to 2^63-1 survive exactly.
public enum JSONValue: Hashable, Sendable, Codable, CustomStringConvertible {
    case null
    case bool(Bool)
    case integer(Int64)
    case number(Double)
    case string(String)
    case array([JSONValue])
    case object([String: JSONValue])

    public init(from decoder: any Decoder) throws {
        let container = try decoder.singleValueContainer()
        if container.decodeNil() {
            self = .null
        } else if let value = try? container.decode(Bool.self) {
            self = .bool(value)
        } else if let value = try? container.decode(Int64.self) {
            self = .integer(value)
        } else if let value = try? container.decode(Double.self) {
            self = .number(value)
        } else if let value = try? container.decode(String.self) {
            self = .string(value)
        } else if let value = try? container.decode([JSONValue].self) {
            self = .array(value)
        } else {
            self = .object(try container.decode([String: JSONValue].self))
        }
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        switch self {
        case .null: try container.encodeNil()
        case .bool(let value): try container.encode(value)
        case .integer(let value): try container.encode(value)
        case .number(let value): try container.encode(value)
        case .string(let value): try container.encode(value)
        case .array(let value): try container.encode(value)
        case .object(let value): try container.encode(value)
        }
    }

    public var stringValue: String? {
        if case .string(let value) = self { return value }
        return nil
    }

    public var integerValue: Int64? {
        switch self {
        case .integer(let value): value
        case .number(let value): Int64(exactly: value)
        default: nil
        }
    }

    public var boolValue: Bool? {
        if case .bool(let value) = self { return value }
        return nil
    }

    public var arrayValue: [JSONValue]? {
        if case .array(let value) = self { return value }
        return nil
    }

    public var objectValue: [String: JSONValue]? {
        if case .object(let value) = self { return value }
        return nil
    }

    public subscript(key: String) -> JSONValue? { objectValue?[key] }

    /// Compact JSON with sorted keys (stable output for logs and tests).
    public var description: String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        guard let data = try? encoder.encode(self) else { return "null" }
        return String(decoding: data, as: UTF8.self)
    }
}

extension JSONValue: ExpressibleByStringLiteral, ExpressibleByIntegerLiteral, ExpressibleByBooleanLiteral,
    ExpressibleByArrayLiteral, ExpressibleByDictionaryLiteral, ExpressibleByNilLiteral
{
    public init(stringLiteral value: String) { self = .string(value) }
    public init(integerLiteral value: Int64) { self = .integer(value) }
    public init(booleanLiteral value: Bool) { self = .bool(value) }
    public init(arrayLiteral elements: JSONValue...) { self = .array(elements) }
    public init(dictionaryLiteral elements: (String, JSONValue)...) {
        self = .object(Dictionary(elements, uniquingKeysWith: { _, last in last }))
    }
    public init(nilLiteral: ()) { self = .null }
}

/// Typed access to a request's arguments; every failure names the argument and the command.
public struct AdminArguments: Sendable {
    public let command: String
    public let values: [String: JSONValue]

    public init(_ request: AdminRequest) {
        command = request.command
        values = request.arguments
    }

    public func string(_ name: String) throws(AdminError) -> String {
        guard let value = values[name] else { throw .missingArgument(name, command: command) }
        guard let text = value.stringValue else { throw .invalidArgument(name, command: command, "must be a string") }
        return text
    }

    public func optionalString(_ name: String) throws(AdminError) -> String? {
        guard let value = values[name], value != .null else { return nil }
        return try string(name)
    }

    public func integer(_ name: String) throws(AdminError) -> Int64 {
        guard let value = values[name] else { throw .missingArgument(name, command: command) }
        if let number = value.integerValue { return number }
        // registryctl's generic `call` passes what the operator typed; accept digits given as a string.
        if let text = value.stringValue, let number = Int64(text) { return number }
        throw .invalidArgument(name, command: command, "must be a whole number")
    }

    public func optionalInteger(_ name: String) throws(AdminError) -> Int64? {
        guard let value = values[name], value != .null else { return nil }
        return try integer(name)
    }

    public func bool(_ name: String, default fallback: Bool) throws(AdminError) -> Bool {
        guard let value = values[name], value != .null else { return fallback }
        if let flag = value.boolValue { return flag }
        if let text = value.stringValue, let flag = Bool(text) { return flag }
        throw .invalidArgument(name, command: command, "must be true or false")
    }

    public func strings(_ name: String) throws(AdminError) -> [String] {
        guard let value = values[name], value != .null else { return [] }
        if let text = value.stringValue { return text.split(separator: ",").map(String.init) }
        guard let items = value.arrayValue else {
            throw .invalidArgument(name, command: command, "must be a list of strings")
        }
        var result: [String] = []
        for item in items {
            guard let text = item.stringValue else {
                throw .invalidArgument(name, command: command, "must be a list of strings")
            }
            result.append(text)
        }
        return result
    }
}

import Foundation

/// What one received line turned out to be: a request for the handler, or a refusal to send back as it is.
public enum AdminRequestLineOutcome: Hashable, Sendable {
    case request(AdminRequest)
    case refusal(AdminResponse)
}

/// Decodes and checks one request line before any handler sees it, so that every handler gets a well-formed,
/// version-1 request and every malformed line gets an answer that says what was wrong with it.
public enum AdminRequestLine {
    static let fields: Set<String> = ["version", "id", "command", "arguments"]

    public static func decode(_ line: Data) -> AdminRequestLineOutcome {
        let value: JSONValue
        do {
            value = try JSONDecoder().decode(JSONValue.self, from: line)
        } catch {
            return malformed(id: "", "the line is not valid JSON: \(describe(error))")
        }
        guard let object = value.objectValue else {
            return malformed(id: "", "a request must be a JSON object, not \(kind(of: value))")
        }
        // Echo the id whenever it can be read, so that a client can match even a refusal to its request.
        let id = object["id"]?.stringValue ?? ""
        guard let versionValue = object["version"] else { return malformed(id: id, "missing field 'version'") }
        guard let versionNumber = versionValue.integerValue else {
            return malformed(id: id, "field 'version' must be a whole number, not \(kind(of: versionValue))")
        }
        guard versionNumber == Int64(AdminProtocol.version) else {
            return .refusal(.failure(id: id, .unsupportedVersion(Int(clamping: versionNumber))))
        }
        // Checked after the version: another version may have other fields.
        if let unknown = object.keys.filter({ !fields.contains($0) }).sorted().first {
            return malformed(id: id, "unknown field '\(unknown)' (a request has version, id, command, arguments)")
        }
        guard let idValue = object["id"] else { return malformed(id: id, "missing field 'id'") }
        guard idValue.stringValue != nil else {
            return malformed(id: id, "field 'id' must be a string, not \(kind(of: idValue))")
        }
        guard let commandValue = object["command"] else { return malformed(id: id, "missing field 'command'") }
        guard let command = commandValue.stringValue else {
            return malformed(id: id, "field 'command' must be a string, not \(kind(of: commandValue))")
        }
        guard !command.isEmpty else { return malformed(id: id, "field 'command' must not be empty") }
        var arguments: [String: JSONValue] = [:]
        switch object["arguments"] {
        case nil, .null?: break
        case .object(let values)?: arguments = values
        case let other?: return malformed(id: id, "field 'arguments' must be a JSON object, not \(kind(of: other))")
        }
        return .request(AdminRequest(version: AdminProtocol.version, id: id, command: command, arguments: arguments))
    }

    /// The response for a line longer than `AdminProtocol.maximumLineBytes`; the server closes after sending it.
    public static var lineTooLong: AdminResponse {
        .failure(
            id: "",
            AdminError(
                code: "line-too-long",
                message: "a request line is limited to \(AdminProtocol.maximumLineBytes) bytes; closing the connection"
            ))
    }

    static func malformed(id: String, _ message: String) -> AdminRequestLineOutcome {
        .refusal(.failure(id: id, AdminError(code: "malformed-request", message: message)))
    }

    static func kind(of value: JSONValue) -> String {
        switch value {
        case .null: "null"
        case .bool: "a boolean"
        case .integer: "a whole number"
        case .number: "a number"
        case .string: "a string"
        case .array: "an array"
        case .object: "an object"
        }
    }

    /// Foundation's decoding errors hide the parser's detail (line, column) in the underlying error.
    static func describe(_ error: any Error) -> String {
        guard case DecodingError.dataCorrupted(let context) = error else { return "\(error)" }
        guard let underlying = context.underlyingError else { return context.debugDescription }
        let detail = (underlying as NSError).userInfo[NSDebugDescriptionErrorKey] as? String ?? "\(underlying)"
        return detail
    }
}

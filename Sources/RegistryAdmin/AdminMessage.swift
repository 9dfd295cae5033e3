import Foundation

/// The admin socket's wire format: one JSON object per line, one request and one response per line.
///
/// Versioned so that registryctl and the daemon of different releases refuse each other clearly instead of
/// misreading a field (docs/OPERATIONS.md, "The admin socket").
public enum AdminProtocol {
    /// The only version spoken now; a request with another version gets `unsupported-version`.
    public static let version = 1
    /// A line longer than this is refused (and the connection closed): a request is a few hundred bytes.
    public static let maximumLineBytes = 1 << 20
}

/// One request line: `{"version":1,"id":"7","command":"transactions.list","arguments":{"state":"in-flight"}}`.
public struct AdminRequest: Hashable, Sendable, Codable {
    public var version: Int
    /// Chosen by the client and echoed in the response.
    public var id: String
    /// A dotted command name (`status`, `transfer`, `transaction.show`, ...).
    public var command: String
    public var arguments: [String: JSONValue]

    public init(
        version: Int = AdminProtocol.version, id: String, command: String, arguments: [String: JSONValue] = [:]
    ) {
        self.version = version
        self.id = id
        self.command = command
        self.arguments = arguments
    }

    private enum CodingKeys: String, CodingKey { case version, id, command, arguments }

    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        version = try container.decode(Int.self, forKey: .version)
        id = try container.decode(String.self, forKey: .id)
        command = try container.decode(String.self, forKey: .command)
        arguments = try container.decodeIfPresent([String: JSONValue].self, forKey: .arguments) ?? [:]
    }
}

/// One response line: `{"version":1,"id":"7","ok":true,"result":...}` or `{"version":1,"id":"7","ok":false,
/// "error":{"code":"unknown-account","message":"account CDM-100-1234-2-57 does not exist"}}`.
public struct AdminResponse: Hashable, Sendable, Codable {
    public var version: Int
    public var id: String
    public var ok: Bool
    public var result: JSONValue?
    public var error: AdminError?

    public static func success(id: String, _ result: JSONValue) -> AdminResponse {
        AdminResponse(version: AdminProtocol.version, id: id, ok: true, result: result, error: nil)
    }

    public static func failure(id: String, _ error: AdminError) -> AdminResponse {
        AdminResponse(version: AdminProtocol.version, id: id, ok: false, result: nil, error: error)
    }
}

/// A refused command: a stable machine code and a message that names what was wrong.
public struct AdminError: Error, Hashable, Sendable, Codable, CustomStringConvertible {
    public var code: String
    public var message: String

    public init(code: String, message: String) {
        self.code = code
        self.message = message
    }

    public var description: String { "\(code): \(message)" }

    public static func unsupportedVersion(_ version: Int) -> AdminError {
        AdminError(
            code: "unsupported-version",
            message: "protocol version \(version) is not supported; this daemon speaks \(AdminProtocol.version)")
    }

    public static func unknownCommand(_ command: String) -> AdminError {
        AdminError(code: "unknown-command", message: "unknown command '\(command)'")
    }

    public static func missingArgument(_ name: String, command: String) -> AdminError {
        AdminError(code: "missing-argument", message: "\(command): argument '\(name)' is required")
    }

    public static func invalidArgument(_ name: String, command: String, _ problem: String) -> AdminError {
        AdminError(code: "invalid-argument", message: "\(command): argument '\(name)' \(problem)")
    }
}

/// Who is on the other end of the socket (SO_PEERCRED), logged with every command that changes anything.
public struct AdminCaller: Hashable, Sendable, CustomStringConvertible {
    public var uid: UInt32
    public var gid: UInt32
    public var pid: Int32

    public init(uid: UInt32, gid: UInt32, pid: Int32) {
        self.uid = uid
        self.gid = gid
        self.pid = pid
    }

    public var description: String { "uid \(uid) gid \(gid) pid \(pid)" }
}

/// What answers admin requests (the daemon's engine); the socket server only frames and logs.
public protocol AdminCommandHandler: Sendable {
    func handle(_ request: AdminRequest, caller: AdminCaller) async -> AdminResponse
}

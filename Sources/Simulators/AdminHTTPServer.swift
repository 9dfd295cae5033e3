import Foundation
import Logging
import RegistryWeb

/// One request to a simulator's admin endpoint, as read off the wire.
public struct AdminRequest: Sendable {
    public var method: String
    /// The path split at `/`, percent-decoded, empty segments dropped (`/accounts/7/close` -> accounts, 7, close).
    public var path: [String]
    public var query: [String: String]
    public var body: [UInt8]

    public init(method: String, path: [String], query: [String: String] = [:], body: [UInt8] = []) {
        self.method = method
        self.path = path
        self.query = query
        self.body = body
    }
}

/// The answer: a status and a JSON body.
public struct AdminResponse: Sendable {
    public var status: Int
    public var body: [UInt8]

    public init(status: Int, body: [UInt8]) {
        self.status = status
        self.body = body
    }

    /// `{"error": message}` with a 4xx or 5xx status; the message names what was wrong.
    public static func error(_ status: Int, _ message: String) -> AdminResponse {
        json(AdminErrorBody(error: message), status: status)
    }

    public static func json(_ value: some Encodable, status: Int = 200) -> AdminResponse {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        do {
            return AdminResponse(status: status, body: Array(try encoder.encode(value)))
        } catch {
            return AdminResponse(status: 500, body: Array(#"{"error":"the answer could not be encoded"}"#.utf8))
        }
    }
}

struct AdminErrorBody: Codable {
    var error: String
}

/// What an admin endpoint plugs into `AdminHTTPServer` (`ITLAdmin`, `NationalRegistryAdmin`).
public protocol AdminRequestHandler: Sendable {
    /// Never throws: bad input is answered with a 4xx and a message, failures of the simulator with a 5xx.
    func respond(to request: AdminRequest) async -> AdminResponse
}

/// Why the admin endpoint could not start.
public enum AdminServerError: Error, Hashable, Sendable, CustomStringConvertible {
    case notLoopback(String)
    case cannotBind(host: String, port: Int, String)

    public var description: String {
        switch self {
        case .notLoopback(let host):
            "admin host '\(host)' is not a loopback address (127.0.0.1, ::1 or localhost): the admin endpoint has "
                + "no authentication and must not be reachable from other machines"
        case .cannotBind(let host, let port, let detail): "admin endpoint cannot bind \(host):\(port): \(detail)"
        }
    }
}

/// The simulators' test-control endpoint: plain HTTP/1.1 with JSON bodies, loopback only.
///
/// Plain HTTP because only the end-to-end harness on the same machine talks to it; the refusal of any non-loopback
/// host is what keeps that safe. The listener is `RegistryWeb`'s `WebServer` (keep-alive, HEAD, header and body
/// limits, a bounded number of connections), with its own refusals (413, 400) worded as `{"error": ...}` too.
public final class AdminHTTPServer: Sendable {
    private let server: WebServer

    /// The bound port (the kernel's choice when asked for 0).
    public var port: Int { server.port }

    public static let maximumBodyBytes = 1 << 20

    /// What the endpoint accepts: one harness, a few connections, long pauses between its calls.
    static let limits = WebServerLimits(
        maximumBodyBytes: maximumBodyBytes, idleTimeout: .seconds(300), maximumConnections: 64, backlog: 64)

    private init(server: WebServer) {
        self.server = server
    }

    /// Loopback names the admin endpoint accepts.
    public static func isLoopback(_ host: String) -> Bool {
        host == "localhost" || host == "::1" || host.hasPrefix("127.")
    }

    public static func start(
        host: String = "127.0.0.1", port: Int = 0, handler: some AdminRequestHandler,
        logger: Logger = Logger(label: "simulators.admin")
    ) async throws(AdminServerError) -> AdminHTTPServer {
        guard isLoopback(host) else { throw .notLoopback(host) }
        guard (0...65535).contains(port) else { throw .cannotBind(host: host, port: port, "port out of range") }
        do {
            let server = try await WebServer.start(
                host: host, port: port, handler: AdminWebHandler(handler: handler), limits: limits, logger: logger,
                errorPage: { status, message in AdminResponse.error(status, message).webResponse })
            return AdminHTTPServer(server: server)
        } catch {
            throw .cannotBind(host: host, port: port, "\(error)")
        }
    }

    /// Stops accepting, closes open connections and waits for the handlers to finish.
    public func shutdown() async {
        await server.shutdown()
    }
}

/// An `AdminRequestHandler` as the web server's handler: the request's path, query and body in, JSON out.
struct AdminWebHandler<Handler: AdminRequestHandler>: WebHandler {
    let handler: Handler

    func respond(to request: WebRequest) async -> WebResponse {
        await handler.respond(
            to: AdminRequest(method: request.method, path: request.path, query: request.query, body: request.body)
        ).webResponse
    }
}

extension AdminResponse {
    var webResponse: WebResponse {
        WebResponse(status: status, headers: [("Content-Type", "application/json")], body: body)
    }
}

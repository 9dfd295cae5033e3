import Foundation
import Logging
import NIOCore
import NIOHTTP1
import NIOPosix

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
/// host is what keeps that safe. Keep-alive is honoured; bodies above `maximumBodyBytes` get 413.
public final class AdminHTTPServer: Sendable {
    public typealias Connection = NIOAsyncChannel<HTTPServerRequestPart, HTTPServerResponsePart>

    /// The bound port (the kernel's choice when asked for 0).
    public let port: Int
    private let serverChannel: any Channel
    private let connections: Protected<[ObjectIdentifier: any Channel]>
    private let serving: Task<Void, Never>

    public static let maximumBodyBytes = 1 << 20

    private init(
        port: Int, serverChannel: any Channel, connections: Protected<[ObjectIdentifier: any Channel]>,
        serving: Task<Void, Never>
    ) {
        self.port = port
        self.serverChannel = serverChannel
        self.connections = connections
        self.serving = serving
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
        let connections = Protected([ObjectIdentifier: any Channel]())
        let server: NIOAsyncChannel<Connection, Never>
        do {
            server = try await ServerBootstrap(group: MultiThreadedEventLoopGroup.singleton)
                .serverChannelOption(.backlog, value: 64)
                .serverChannelOption(.socketOption(.so_reuseaddr), value: 1)
                .bind(host: host, port: port) { channel in
                    let id = ObjectIdentifier(channel)
                    connections.withLock { $0[id] = channel }
                    channel.closeFuture.whenComplete { _ in _ = connections.withLock { $0.removeValue(forKey: id) } }
                    return channel.eventLoop.makeCompletedFuture {
                        try channel.pipeline.syncOperations.configureHTTPServerPipeline(withErrorHandling: true)
                        return try Connection(wrappingChannelSynchronously: channel)
                    }
                }
        } catch {
            throw .cannotBind(host: host, port: port, "\(error)")
        }
        guard let bound = server.channel.localAddress?.port else {
            try? await server.channel.close()
            throw .cannotBind(host: host, port: port, "no local port")
        }
        let serving = Task {
            await withDiscardingTaskGroup { group in
                do {
                    try await server.executeThenClose { inbound in
                        for try await connection in inbound {
                            group.addTask { await serve(connection, handler: handler, logger: logger) }
                        }
                    }
                } catch {
                    logger.debug("admin endpoint stopped accepting: \(error)")
                }
            }
        }
        logger.info("admin endpoint listening on \(host):\(bound)")
        return AdminHTTPServer(port: bound, serverChannel: server.channel, connections: connections, serving: serving)
    }

    /// Stops accepting, closes open connections and waits for the handlers to finish.
    public func shutdown() async {
        try? await serverChannel.close()
        for channel in connections.withLock({ Array($0.values) }) { try? await channel.close() }
        await serving.value
    }

    static func serve(_ connection: Connection, handler: some AdminRequestHandler, logger: Logger) async {
        do {
            try await connection.executeThenClose { inbound, outbound in
                var head: HTTPRequestHead?
                var body: [UInt8] = []
                var tooLarge = false
                for try await part in inbound {
                    switch part {
                    case .head(let next):
                        head = next
                        body = []
                        tooLarge = false
                    case .body(let chunk):
                        if body.count + chunk.readableBytes > maximumBodyBytes {
                            tooLarge = true
                        } else {
                            body += chunk.readableBytesView
                        }
                    case .end:
                        guard let request = head else { continue }
                        let response =
                            tooLarge
                            ? AdminResponse.error(413, "request body larger than \(maximumBodyBytes) bytes")
                            : await respond(request, body, handler)
                        try await write(response, keepAlive: request.isKeepAlive, version: request.version, outbound)
                        head = nil
                        if !request.isKeepAlive { return }
                    }
                }
            }
        } catch {
            logger.debug("admin connection closed: \(error)")
        }
    }

    static func respond(_ head: HTTPRequestHead, _ body: [UInt8], _ handler: some AdminRequestHandler) async
        -> AdminResponse
    {
        guard let components = URLComponents(string: head.uri) else {
            return .error(400, "request target '\(head.uri)' is not a valid URI")
        }
        var query: [String: String] = [:]
        for item in components.queryItems ?? [] { query[item.name] = item.value ?? "" }
        let path = components.path.split(separator: "/").map(String.init)
        return await handler.respond(
            to: AdminRequest(method: head.method.rawValue, path: path, query: query, body: body))
    }

    static func write(
        _ response: AdminResponse, keepAlive: Bool, version: HTTPVersion,
        _ outbound: NIOAsyncChannelOutboundWriter<HTTPServerResponsePart>
    ) async throws {
        var headers = HTTPHeaders()
        headers.add(name: "Content-Type", value: "application/json")
        headers.add(name: "Content-Length", value: String(response.body.count))
        headers.add(name: "Connection", value: keepAlive ? "keep-alive" : "close")
        let head = HTTPResponseHead(
            version: version, status: HTTPResponseStatus(statusCode: response.status), headers: headers)
        try await outbound.write(.head(head))
        try await outbound.write(.body(.byteBuffer(ByteBuffer(bytes: response.body))))
        try await outbound.write(.end(nil))
    }
}

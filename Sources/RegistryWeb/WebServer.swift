import Foundation
import Logging
import NIOCore
import NIOHTTP1
import NIOPosix

/// A public plain-HTTP/1.1 listener (public reports, the online platform) in front of a `WebHandler`.
///
/// Plain HTTP because TLS is terminated by the operator's reverse proxy for these public, certificate-less
/// sites; any host may be bound. Keep-alive, HEAD, and the bounds of `WebServerLimits` are enforced here, and every
/// answer gets Content-Length, Date and the security headers, so handlers only produce pages.
public final class WebServer: Sendable {
    typealias Connection = NIOAsyncChannel<HTTPServerRequestPart, HTTPServerResponsePart>

    /// What the accept loop gets per connection: one to serve, or one over the limit already being answered 503.
    enum Admission: Sendable {
        case serve(Connection)
        case refused
    }

    /// The bound port (the kernel's choice when asked for 0).
    public let port: Int
    private let serverChannel: any Channel
    private let connections: WebConnectionSet
    private let serving: Task<Void, Never>

    private init(port: Int, serverChannel: any Channel, connections: WebConnectionSet, serving: Task<Void, Never>) {
        self.port = port
        self.serverChannel = serverChannel
        self.connections = connections
        self.serving = serving
    }

    /// How the server words the refusals it makes itself (413, a missing Host, a malformed target): an HTML page
    /// for the public sites, a JSON document for an API (the simulators' admin endpoints).
    public typealias ErrorPage = @Sendable (_ status: Int, _ message: String) -> WebResponse

    /// Binds `host:port` (0 = any free port) and serves `handler` until `shutdown()`.
    public static func start(
        host: String, port: Int, handler: some WebHandler, limits: WebServerLimits = .init(), logger: Logger,
        errorPage: @escaping ErrorPage = { WebResponse.error(status: $0, message: $1) }
    ) async throws(WebServerError) -> WebServer {
        guard (0...65535).contains(port) else { throw .invalidPort(port) }
        if let problem = limits.problem { throw .invalidLimits(problem) }
        let connections = WebConnectionSet(maximum: limits.maximumConnections)
        let decoderLimits = {
            var configuration = NIOHTTPDecoderLimitConfiguration()
            configuration.maxHeaderFieldSize = limits.maximumHeaderBytes
            configuration.maxHeaderListSize = limits.maximumHeaderBytes
            return configuration
        }()
        let idle = TimeAmount.nanoseconds(limits.idleTimeout.nanosecondsSaturating)
        let server: NIOAsyncChannel<Admission, Never>
        do {
            server = try await ServerBootstrap(group: MultiThreadedEventLoopGroup.singleton)
                .serverChannelOption(.backlog, value: Int32(clamping: limits.backlog))
                .serverChannelOption(.socketOption(.so_reuseaddr), value: 1)
                .childChannelOption(.socketOption(.tcp_nodelay), value: 1)
                .bind(host: host, port: port) { channel in
                    channel.eventLoop.makeCompletedFuture {
                        guard connections.admit(channel) else {
                            try channel.pipeline.syncOperations.addHandler(WebOverloadResponder())
                            return Admission.refused
                        }
                        let sync = channel.pipeline.syncOperations
                        try sync.addHandler(IdleStateHandler(readTimeout: idle))
                        try sync.configureHTTPServerPipeline(
                            withPipeliningAssistance: true, withServerUpgrade: nil, withErrorHandling: false,
                            withOutboundHeaderValidation: true, withEncoderConfiguration: .init(),
                            withDecoderLimitConfiguration: decoderLimits)
                        try sync.addHandler(WebProtocolErrorHandler())
                        try sync.addHandler(WebIdleHandler())
                        return Admission.serve(try Connection(wrappingChannelSynchronously: channel))
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
                        for try await admission in inbound {
                            guard case .serve(let connection) = admission else {
                                logger.warning("web listener full (\(limits.maximumConnections)): refused one")
                                continue
                            }
                            group.addTask {
                                await serve(
                                    connection, handler: handler, limits: limits, errorPage: errorPage, logger: logger)
                            }
                        }
                    }
                } catch {
                    logger.debug("web listener stopped accepting: \(error)")
                }
            }
        }
        logger.info("web listener on \(host):\(bound)")
        return WebServer(port: bound, serverChannel: server.channel, connections: connections, serving: serving)
    }

    /// Stops accepting, closes open connections (a response being written is cut) and waits for the handlers.
    public func shutdown() async {
        try? await serverChannel.close()
        for channel in connections.all { try? await channel.close() }
        await serving.value
    }

    /// Connections currently admitted (for metrics and tests of the bound).
    public var openConnections: Int { connections.count }

    static func serve(
        _ connection: Connection, handler: some WebHandler, limits: WebServerLimits, errorPage: ErrorPage,
        logger: Logger
    ) async {
        // A body over the limit is read and dropped up to this many bytes, so the client gets to read the 413;
        // beyond it the connection is answered and closed at once.
        let discardCap = min(max(limits.maximumBodyBytes, 1) &* 16, 64 << 20)
        do {
            try await connection.executeThenClose { inbound, outbound in
                var head: HTTPRequestHead?
                var body: [UInt8] = []
                var received = 0
                var tooLarge = false
                for try await part in inbound {
                    switch part {
                    case .head(let next):
                        head = next
                        body = []
                        received = 0
                        tooLarge = false
                        if let declared = next.headers.first(name: "content-length").flatMap(Int.init),
                            declared > limits.maximumBodyBytes
                        {
                            tooLarge = true
                            if declared > discardCap {
                                try await write(
                                    bodyTooLarge(limits, errorPage), isHead: false, keepAlive: false,
                                    version: next.version, outbound)
                                return
                            }
                        }
                    case .body(let chunk):
                        received = received &+ chunk.readableBytes
                        if received > limits.maximumBodyBytes { tooLarge = true }
                        if tooLarge {
                            body = []
                            if received > discardCap, let request = head {
                                try await write(
                                    bodyTooLarge(limits, errorPage), isHead: false, keepAlive: false,
                                    version: request.version, outbound)
                                return
                            }
                        } else {
                            body += chunk.readableBytesView
                        }
                    case .end:
                        guard let request = head else { continue }
                        head = nil
                        let isHead = request.method == .HEAD
                        if tooLarge {
                            try await write(
                                bodyTooLarge(limits, errorPage), isHead: isHead, keepAlive: false,
                                version: request.version, outbound)
                            return
                        }
                        let response = await respond(request, body, handler, errorPage: errorPage)
                        let keepAlive = request.isKeepAlive && response.status != 400
                        try await write(
                            response, isHead: isHead, keepAlive: keepAlive, version: request.version, outbound)
                        body = []
                        if !keepAlive { return }
                    }
                }
            }
        } catch {
            logger.debug("web connection closed: \(error)")
        }
    }

    static func bodyTooLarge(_ limits: WebServerLimits, _ errorPage: ErrorPage) -> WebResponse {
        errorPage(413, "The request body is larger than \(limits.maximumBodyBytes) bytes.")
    }

    /// Turns the decoded head into a `WebRequest` (400 when the target is malformed) and asks the handler.
    static func respond(
        _ head: HTTPRequestHead, _ body: [UInt8], _ handler: some WebHandler, errorPage: ErrorPage
    ) async -> WebResponse {
        if head.version.major == 1, head.version.minor >= 1, !head.headers.contains(name: "host") {
            return errorPage(400, "An HTTP/1.1 request must carry a Host header (RFC 9112 3.2).")
        }
        let request: WebRequest
        do {
            request = try WebRequest.parse(
                method: head.method.rawValue, target: head.uri, headers: head.headers.map { ($0.name, $0.value) },
                body: body)
        } catch {
            return errorPage(400, "Bad request: \(error).")
        }
        return await handler.respond(to: request)
    }

    /// The head actually sent: the handler's headers plus framing, Date, Connection and the security headers.
    static func responseHead(_ response: WebResponse, isHead: Bool, keepAlive: Bool, version: HTTPVersion)
        -> HTTPResponseHead
    {
        var headers = HTTPHeaders()
        let framing: Set<String> = ["content-length", "transfer-encoding", "connection", "date"]
        for (name, value) in WebSecurityHeaders.adding(to: response.headers)
        where !framing.contains(name.lowercased()) {
            headers.add(name: name, value: value)
        }
        let status = HTTPResponseStatus(statusCode: response.status)
        if status.mayHaveResponseBody {
            headers.add(name: "Content-Length", value: String(response.body.count))
        }
        headers.add(name: "Date", value: HTTPDate.format(Date()))
        headers.add(name: "Connection", value: keepAlive ? "keep-alive" : "close")
        return HTTPResponseHead(version: version, status: status, headers: headers)
    }

    static func write(
        _ response: WebResponse, isHead: Bool, keepAlive: Bool, version: HTTPVersion,
        _ outbound: NIOAsyncChannelOutboundWriter<HTTPServerResponsePart>
    ) async throws {
        let head = responseHead(response, isHead: isHead, keepAlive: keepAlive, version: version)
        try await outbound.write(.head(head))
        if !isHead, head.status.mayHaveResponseBody, !response.body.isEmpty {
            try await outbound.write(.body(.byteBuffer(ByteBuffer(bytes: response.body))))
        }
        try await outbound.write(.end(nil))
    }
}

extension Duration {
    /// Whole nanoseconds, saturating at Int64.max rather than trapping on an absurd configured timeout.
    var nanosecondsSaturating: Int64 {
        let (seconds, attoseconds) = components
        let (scaled, overflow) = seconds.multipliedReportingOverflow(by: 1_000_000_000)
        if overflow { return seconds < 0 ? Int64.min : Int64.max }
        let (sum, overflow2) = scaled.addingReportingOverflow(attoseconds / 1_000_000_000)
        return overflow2 ? Int64.max : sum
    }
}

import NIOCore
import NIOHTTP1

/// The HTTP semantics of the metrics endpoint: `GET` (or `HEAD`) on `/metrics` answers the text exposition format,
/// any other path 404, any other method 405. Framing, pipelining and malformed requests (400) are NIO's
/// `HTTPServerPipelineHandler` and `HTTPServerProtocolErrorHandler` in front of it.
final class MetricsHTTPHandler: ChannelInboundHandler, RemovableChannelHandler {
    typealias InboundIn = HTTPServerRequestPart
    typealias OutboundOut = HTTPServerResponsePart

    /// The only path served: the Prometheus convention, so a scrape config needs no `metrics_path`.
    static let path = "/metrics"
    /// Prometheus text exposition format 0.0.4, the format swift-prometheus emits.
    static let contentType = "text/plain; version=0.0.4; charset=utf-8"

    private let render: @Sendable () -> [UInt8]
    private var request: HTTPRequestHead?

    /// - Parameter render: produces the exposition text; called on the event loop for each scrape.
    init(render: @escaping @Sendable () -> [UInt8]) {
        self.render = render
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        switch unwrapInboundIn(data) {
        case .head(let head):
            request = head
        case .body:
            // A scrape carries no body; whatever a client sends is dropped, never buffered.
            break
        case .end:
            guard let head = request else { return }
            request = nil
            respond(to: head, context: context)
        }
    }

    func userInboundEventTriggered(context: ChannelHandlerContext, event: Any) {
        if event is IdleStateHandler.IdleStateEvent {
            // A connection that stays silent holds a descriptor for nothing: scrapers reconnect at will.
            context.close(promise: nil)
            return
        }
        context.fireUserInboundEventTriggered(event)
    }

    func errorCaught(context: ChannelHandlerContext, error: any Error) {
        context.close(promise: nil)
    }

    private func respond(to head: HTTPRequestHead, context: ChannelHandlerContext) {
        let path = head.uri.split(separator: "?", maxSplits: 1, omittingEmptySubsequences: false).first ?? ""
        let status: HTTPResponseStatus
        let body: [UInt8]
        var headers = HTTPHeaders()
        if path != Self.path[...] {
            status = .notFound
            body = Array("not found: this endpoint serves \(Self.path) only\n".utf8)
            headers.add(name: "content-type", value: "text/plain; charset=utf-8")
        } else if head.method != .GET && head.method != .HEAD {
            status = .methodNotAllowed
            body = Array("method \(head.method) not allowed: use GET\n".utf8)
            headers.add(name: "content-type", value: "text/plain; charset=utf-8")
            headers.add(name: "allow", value: "GET, HEAD")
        } else {
            status = .ok
            body = render()
            headers.add(name: "content-type", value: Self.contentType)
        }
        let keepAlive = head.isKeepAlive
        headers.add(name: "content-length", value: String(body.count))
        if !keepAlive { headers.add(name: "connection", value: "close") }
        context.write(wrapOutboundOut(.head(HTTPResponseHead(version: head.version, status: status, headers: headers))),
            promise: nil)
        if head.method != .HEAD, !body.isEmpty {
            var buffer = context.channel.allocator.buffer(capacity: body.count)
            buffer.writeBytes(body)
            context.write(wrapOutboundOut(.body(.byteBuffer(buffer))), promise: nil)
        }
        let written = context.writeAndFlush(wrapOutboundOut(.end(nil)))
        if !keepAlive {
            let channel = context.channel
            written.whenComplete { _ in channel.close(promise: nil) }
        }
    }
}

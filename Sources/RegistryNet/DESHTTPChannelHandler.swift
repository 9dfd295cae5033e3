import Foundation
import Logging
import NIOCore
import NIOHTTP1
import NIOSSL

/// The HTTP semantics of one DES connection: POST on one path, a bounded body, the async handler, keep-alive and
/// `Connection: close`. Framing, pipelining order and quiescing come from NIO's `HTTPServerPipelineHandler` in front.
final class DESHTTPChannelHandler: ChannelInboundHandler, RemovableChannelHandler {
    typealias InboundIn = HTTPServerRequestPart
    typealias OutboundOut = HTTPServerResponsePart

    private enum State {
        /// Between requests.
        case idle
        /// Collecting the body of an accepted request head.
        case receiving(HTTPRequestHead, ByteBuffer)
        /// A response went out before the request ended (404, 405, 413): read and drop the rest (so the peer reads
        /// the answer instead of a reset), then close.
        case draining(discardedBytes: Int, answered: EventLoopFuture<Void>)
        /// The handler is working on a complete request.
        case responding
        case closed
    }

    private let configuration: DESHTTPSServerConfiguration
    private let handler: any DESRequestHandler
    private let statistics: DESHTTPSServerStatistics
    private let logger: Logger
    private var state = State.idle
    private var peer: PeerIdentity?

    init(
        configuration: DESHTTPSServerConfiguration, handler: any DESRequestHandler,
        statistics: DESHTTPSServerStatistics, logger: Logger
    ) {
        self.configuration = configuration
        self.handler = handler
        self.statistics = statistics
        self.logger = logger
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        switch unwrapInboundIn(data) {
        case .head(let head):
            receiveHead(head, context: context)
        case .body(var chunk):
            switch state {
            case .receiving(let head, var body):
                guard chunk.readableBytes <= configuration.maximumBodyBytes - body.readableBytes else {
                    let answered = respondEarly(.payloadTooLarge, head: head, context: context)
                    state = .draining(discardedBytes: chunk.readableBytes, answered: answered)
                    return
                }
                state = .idle  // drop the enum's reference so the append does not copy the buffer
                body.writeBuffer(&chunk)
                state = .receiving(head, body)
            case .draining(let discarded, let answered):
                let (total, overflow) = discarded.addingReportingOverflow(chunk.readableBytes)
                if overflow || total > configuration.maximumBodyBytes {
                    closeConnection(after: answered, context: context)
                } else {
                    state = .draining(discardedBytes: total, answered: answered)
                }
            case .idle, .responding, .closed:
                break
            }
        case .end:
            switch state {
            case .receiving(let head, let body):
                state = .responding
                dispatch(head: head, body: body, context: context)
            case .draining(_, let answered):
                closeConnection(after: answered, context: context)
            case .idle, .responding, .closed:
                break
            }
        }
    }

    private func receiveHead(_ head: HTTPRequestHead, context: ChannelHandlerContext) {
        guard case .idle = state else {
            closeConnection(context: context)
            return
        }
        let path = head.uri.split(separator: "?", maxSplits: 1, omittingEmptySubsequences: false).first ?? ""
        if path != configuration.path[...] {
            state = .draining(discardedBytes: 0, answered: respondEarly(.notFound, head: head, context: context))
            return
        }
        if head.method != .POST {
            let answered = respondEarly(
                .methodNotAllowed, head: head, context: context, extraHeaders: [("Allow", "POST")])
            state = .draining(discardedBytes: 0, answered: answered)
            return
        }
        var expected = 0
        if let lengthText = head.headers.first(name: "content-length") {
            // NIO's parser has already rejected malformed lengths; a value over Int.max is simply too large.
            guard let length = Int(lengthText), length <= configuration.maximumBodyBytes else {
                let answered = respondEarly(.payloadTooLarge, head: head, context: context)
                state = .draining(discardedBytes: 0, answered: answered)
                return
            }
            expected = length
        }
        if head.headers[canonicalForm: "expect"].contains(where: { $0.lowercased() == "100-continue" }) {
            context.writeAndFlush(wrapOutboundOut(.head(HTTPResponseHead(version: head.version, status: .continue))),
                promise: nil)
        }
        // Reserve what the peer announced, but not more than 64 KiB before the bytes actually arrive.
        state = .receiving(head, context.channel.allocator.buffer(capacity: min(expected, 64 * 1024)))
    }

    private func dispatch(head: HTTPRequestHead, body: ByteBuffer, context: ChannelHandlerContext) {
        let keepAlive = head.isKeepAlive
        guard let peer = peerIdentity(context: context) else {
            // Unreachable while the TLS configuration requires a client certificate; refuse rather than guess.
            logger.error("request on a connection without a validated peer certificate")
            _ = write(.init(status: 403, contentType: "text/plain", body: Array("no client certificate\n".utf8)),
                version: head.version, keepAlive: false, context: context)
            return
        }
        let soapAction = head.headers.first(name: "soapaction").map(Self.unquoted)
        let request = DESInboundRequest(soapAction: soapAction, body: Array(buffer: body), peer: peer)
        let handler = self.handler
        let promise = context.eventLoop.makePromise(of: DESOutboundResponse.self)
        promise.completeWithTask { try await handler.handle(request) }
        let bound = NIOLoopBound((self, context), eventLoop: context.eventLoop)
        statistics.requestStarted()
        promise.futureResult.whenComplete { result in
            let (this, context) = bound.value
            this.statistics.requestFinished()
            let response: DESOutboundResponse
            switch result {
            case .success(let value):
                response = value
            case .failure(let error):
                this.logger.error("DES handler failed", metadata: ["error": "\(error)", "peer": "\(peer)"])
                response = .init(status: 500, contentType: "text/plain", body: Array("internal error\n".utf8))
            }
            guard case .responding = this.state else { return }  // the connection went away meanwhile
            this.state = .idle
            _ = this.write(response, version: head.version, keepAlive: keepAlive, context: context)
        }
    }

    private func respondEarly(
        _ status: HTTPResponseStatus, head: HTTPRequestHead, context: ChannelHandlerContext,
        extraHeaders: [(String, String)] = []
    ) -> EventLoopFuture<Void> {
        statistics.requestRefused()
        let text = Array("\(status.code) \(status.reasonPhrase)\n".utf8)
        return write(.init(status: Int(status.code), contentType: "text/plain", body: text), version: head.version,
            keepAlive: false, closeAfterWrite: false, extraHeaders: extraHeaders, context: context)
    }

    private func write(
        _ response: DESOutboundResponse, version: HTTPVersion, keepAlive: Bool, closeAfterWrite: Bool = true,
        extraHeaders: [(String, String)] = [], context: ChannelHandlerContext
    ) -> EventLoopFuture<Void> {
        var headers = HTTPHeaders()
        headers.add(name: "Content-Type", value: response.contentType)
        headers.add(name: "Content-Length", value: String(response.body.count))
        for (name, value) in extraHeaders { headers.add(name: name, value: value) }
        if !keepAlive {
            headers.add(name: "Connection", value: "close")
        } else if version.major == 1 && version.minor == 0 {
            headers.add(name: "Connection", value: "keep-alive")
        }
        let status = HTTPResponseStatus(statusCode: response.status)
        context.write(wrapOutboundOut(.head(HTTPResponseHead(version: version, status: status, headers: headers))),
            promise: nil)
        var buffer = context.channel.allocator.buffer(capacity: response.body.count)
        buffer.writeBytes(response.body)
        context.write(wrapOutboundOut(.body(.byteBuffer(buffer))), promise: nil)
        let written = context.writeAndFlush(wrapOutboundOut(.end(nil)))
        if !keepAlive && closeAfterWrite {
            // NIO does not act on `Connection: close` by itself (STACK.md §3); close once the answer is out.
            let bound = NIOLoopBound(context, eventLoop: context.eventLoop)
            written.whenComplete { _ in bound.value.close(promise: nil) }
        }
        return written
    }

    func userInboundEventTriggered(context: ChannelHandlerContext, event: Any) {
        if event is IdleStateHandler.IdleStateEvent {
            // A request in progress may legitimately be quiet while the handler works; anything else is idle.
            if case .responding = state { return }
            closeConnection(context: context)
            return
        }
        context.fireUserInboundEventTriggered(event)
    }

    func channelInactive(context: ChannelHandlerContext) {
        state = .closed
        context.fireChannelInactive()
    }

    func errorCaught(context: ChannelHandlerContext, error: Error) {
        logger.debug("DES connection error", metadata: ["error": "\(error)"])
        closeConnection(context: context)
    }

    /// Closes once `answered` (an early response) is on the wire, so the peer reads it before the connection ends.
    private func closeConnection(after answered: EventLoopFuture<Void>, context: ChannelHandlerContext) {
        if case .closed = state { return }
        state = .closed
        let bound = NIOLoopBound(context, eventLoop: context.eventLoop)
        answered.whenComplete { _ in bound.value.close(promise: nil) }
    }

    private func closeConnection(context: ChannelHandlerContext) {
        if case .closed = state { return }
        state = .closed
        context.close(promise: nil)
    }

    private func peerIdentity(context: ChannelHandlerContext) -> PeerIdentity? {
        if let peer { return peer }
        guard let certificate = try? context.pipeline.syncOperations.nioSSL_peerCertificate() else { return nil }
        let identity = PeerIdentity(certificate: certificate)
        peer = identity
        return identity
    }

    /// SOAP 1.1 §6.1.1: the header value is a quoted URI (`"urn:..."`); an empty quoted string means "the URL".
    static func unquoted(_ value: String) -> String {
        let trimmed = value.trimmingCharacters(in: .whitespaces)
        if trimmed.count >= 2, trimmed.hasPrefix("\""), trimmed.hasSuffix("\"") {
            return String(trimmed.dropFirst().dropLast())
        }
        return trimmed
    }
}

import AsyncHTTPClient
import NIOCore
import RegistryNet
import RegistryTestSupport
import Testing

@Suite("Server limits and bad input: 413 without buffering, 404/405, garbage HTTP closes only that connection")
struct ServerRobustnessTests {
    static let certificates = Result { try DevCertificates.make() }
    static let limit = 64 * 1024

    @Test func bodyOverTheLimitGets413AndNeverReachesTheHandler() async throws {
        let certificates = try Self.certificates.get()
        let handler = RecordingHandler()
        let server = try await startServer(
            certificates, handler: handler, configuration: .init(maximumBodyBytes: Self.limit))
        let client = DESHTTPSClient(identity: try certificates.loaded("CDM"))

        let error = await #expect(throws: DESClientError.self) {
            _ = try await client.send(
                to: url(server), soapAction: "x", body: Array(repeating: 65, count: 4 * Self.limit))
        }
        let atLimit = try await client.send(
            to: url(server), soapAction: "x", body: Array(repeating: 66, count: Self.limit))

        #expect(error?.kind == .httpStatus(413))
        #expect(error?.isRetryable == false)
        #expect(atLimit.body.count == Self.limit)
        #expect(handler.requests.count == 1)
        #expect(server.statistics.snapshot.refusedRequests == 1)
        try await client.shutdown()
        await server.shutdown()
    }

    /// Without Content-Length the limit is enforced while the chunks arrive.
    @Test func chunkedBodyOverTheLimitGets413() async throws {
        let certificates = try Self.certificates.get()
        let handler = RecordingHandler()
        let server = try await startServer(
            certificates, handler: handler, configuration: .init(maximumBodyBytes: Self.limit))
        let identity = try certificates.loaded("CDM")
        let tls = try clientTLS(identity, trusting: certificates)
        let client = HTTPClient(eventLoopGroupProvider: .singleton, configuration: .init(tlsConfiguration: tls))
        var request = HTTPClientRequest(url: url(server))
        request.method = .POST
        let chunk = ByteBuffer(repeating: 67, count: 16 * 1024)
        request.body = .stream(AsyncStreamOfChunks(chunk: chunk, count: 6), length: .unknown)

        // The server answers 413 and closes while the client may still be streaming: under load the client can see
        // the close before the answer. Either way the handler must never see the request.
        let outcome: Result<HTTPClientResponse, any Error>
        do { outcome = .success(try await client.execute(request, timeout: .seconds(10))) } catch {
            outcome = .failure(error)
        }
        try await client.shutdown()
        await server.shutdown()
        if case .success(let response) = outcome { #expect(response.status.code == 413) }
        #expect(handler.requests.isEmpty)
    }

    @Test func wrongPathGets404AndWrongMethodGets405() async throws {
        let certificates = try Self.certificates.get()
        let handler = RecordingHandler()
        let server = try await startServer(certificates, handler: handler)
        let client = DESHTTPSClient(identity: try certificates.loaded("CDM"))

        let notFound = await #expect(throws: DESClientError.self) {
            _ = try await client.send(to: url(server, path: "/other"), soapAction: "x", body: [1])
        }
        let get = try await exchangeRawBytes(
            "GET /des HTTP/1.1\r\nHost: localhost\r\n\r\n", port: server.port, certificates: certificates,
            clientName: "CDM")

        #expect(notFound?.kind == .httpStatus(404))
        #expect(get.hasPrefix("HTTP/1.1 405"))
        #expect(get.contains("Allow: POST"))
        #expect(handler.requests.isEmpty)
        try await client.shutdown()
        await server.shutdown()
    }

    @Test func garbageHTTPGets400AndClosedWhileTheNextClientIsServed() async throws {
        let certificates = try Self.certificates.get()
        let handler = RecordingHandler()
        let server = try await startServer(certificates, handler: handler)

        // exchangeRawBytes returns only once the server has closed the connection.
        let answer = try await exchangeRawBytes(
            "\u{1}\u{2} NOT HTTP AT ALL\r\n\r\n", port: server.port, certificates: certificates, clientName: "CDM")
        let client = DESHTTPSClient(identity: try certificates.loaded("CH"))
        let next = try await client.send(to: url(server), soapAction: "x", body: Array("fine".utf8))

        #expect(answer.hasPrefix("HTTP/1.1 400"))
        #expect(next.body == Array("fine".utf8))
        #expect(handler.requests.count == 1)
        try await client.shutdown()
        await server.shutdown()
    }
}

/// A request body that arrives as `count` chunks of unknown total length (chunked transfer encoding).
struct AsyncStreamOfChunks: AsyncSequence, Sendable {
    typealias Element = ByteBuffer
    let chunk: ByteBuffer
    let count: Int

    struct AsyncIterator: AsyncIteratorProtocol {
        let chunk: ByteBuffer
        var remaining: Int

        mutating func next() async -> ByteBuffer? {
            guard remaining > 0 else { return nil }
            remaining -= 1
            return chunk
        }
    }

    func makeAsyncIterator() -> AsyncIterator { AsyncIterator(chunk: chunk, remaining: count) }
}

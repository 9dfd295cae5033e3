import AsyncHTTPClient
import NIOCore
import NIOSSL
import RegistryNet
import RegistryTestSupport
import Testing

@Suite("Handshake refusals: no certificate, another CA, expired; counted by reason, handler never called")
struct HandshakeRefusalTests {
    static let certificates = Result { try DevCertificates.make() }

    @Test func clientWithoutCertificateIsRefusedAndCountedAsNoCertificate() async throws {
        let certificates = try Self.certificates.get()
        let handler = RecordingHandler()
        let server = try await startServer(certificates, handler: handler)
        let tls = try clientTLS(nil, trusting: certificates)
        let client = HTTPClient(
            eventLoopGroupProvider: .singleton, configuration: .init(tlsConfiguration: tls))
        var request = HTTPClientRequest(url: url(server))
        request.method = .POST
        request.body = .bytes(Array("x".utf8))

        await #expect(throws: (any Error).self) {
            let response = try await client.execute(request, timeout: .seconds(10))
            _ = try await response.body.collect(upTo: 1024)
        }

        #expect(await eventually { server.handshakeFailures.count(.noCertificate) == 1 })
        #expect(handler.requests.isEmpty)
        #expect(server.statistics.snapshot.establishedConnections == 0)
        try await client.shutdown()
        await server.shutdown()
    }

    @Test func certificateFromAnotherCAIsRefusedAndCountedAsUnknownCA() async throws {
        let certificates = try Self.certificates.get()
        let handler = RecordingHandler()
        let server = try await startServer(certificates, handler: handler)
        // The foreign certificate is presented with our CA as the client's trust roots, so only the server refuses.
        let foreign = try certificates.loaded("CDM-foreign")
        let client = DESHTTPSClient(identity: foreign)

        let error = await #expect(throws: DESClientError.self) {
            _ = try await client.send(to: url(server), soapAction: "x", body: Array("x".utf8))
        }

        #expect(error?.isRetryable == false)
        #expect(await eventually { server.handshakeFailures.count(.unknownCA) == 1 })
        #expect(server.handshakeFailures.total == 1)
        #expect(handler.requests.isEmpty)
        try await client.shutdown()
        await server.shutdown()
    }

    @Test func expiredCertificateIsRefusedAndCountedAsExpired() async throws {
        let certificates = try Self.certificates.get()
        let handler = RecordingHandler()
        let server = try await startServer(certificates, handler: handler)
        let client = DESHTTPSClient(identity: try certificates.loaded("CDM-expired"))

        let error = await #expect(throws: DESClientError.self) {
            _ = try await client.send(to: url(server), soapAction: "x", body: Array("x".utf8))
        }

        #expect(error?.isRetryable == false)
        #expect(await eventually { server.handshakeFailures.count(.expired) == 1 })
        #expect(server.handshakeFailures.total == 1)
        #expect(handler.requests.isEmpty)
        try await client.shutdown()
        await server.shutdown()
    }

    @Test func plainTextOnTheTLSPortIsRefusedAsOtherAndTheServerKeepsServing() async throws {
        let certificates = try Self.certificates.get()
        let handler = RecordingHandler()
        let server = try await startServer(certificates, handler: handler)

        let answer = try await exchangeRawBytes(
            "GET / HTTP/1.1\r\nHost: x\r\n\r\n", port: server.port, certificates: certificates, clientName: nil,
            useTLS: false)

        #expect(!answer.contains("HTTP/1.1"))
        #expect(await eventually { server.handshakeFailures.count(.other) == 1 })
        let client = DESHTTPSClient(identity: try certificates.loaded("CDM"))
        let response = try await client.send(to: url(server), soapAction: "x", body: Array("ok".utf8))
        #expect(response.status == 200)
        try await client.shutdown()
        await server.shutdown()
    }
}

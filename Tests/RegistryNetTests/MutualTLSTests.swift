import AsyncHTTPClient
import NIOSSL
import RegistryNet
import RegistryTestSupport
import Testing

@Suite("Mutual TLS: a client with a valid certificate reaches the handler with its identity")
struct MutualTLSTests {
    static let certificates = Result { try DevCertificates.make() }

    @Test func handlerSeesSOAPActionBodyAndPeerIdentityFromTheCertificate() async throws {
        let certificates = try Self.certificates.get()
        let handler = RecordingHandler()
        let server = try await startServer(certificates, handler: handler)
        let client = DESHTTPSClient(identity: try certificates.loaded("CDM"))
        let body = Array("<soap:Envelope>proposal</soap:Envelope>".utf8)

        let response = try await client.send(to: url(server), soapAction: "urn:kyoto:AcceptProposal", body: body)

        #expect(response.status == 200)
        #expect(response.body == body)
        let request = try #require(handler.requests.first)
        #expect(request.soapAction == "urn:kyoto:AcceptProposal")
        #expect(request.body == body)
        #expect(request.peer.commonName == "CDM")
        #expect(request.peer.subjectAlternativeNames.contains(.uri("urn:kyoto:registry:CDM")))
        #expect(request.peer.subjectAlternativeNames.contains(.dns("localhost")))
        #expect(request.peer.subjectAlternativeNames.contains(.ipAddress("127.0.0.1")))
        try await client.shutdown()
        await server.shutdown()
    }

    @Test func keepAliveCarriesSeveralRequestsOnOneConnection() async throws {
        let certificates = try Self.certificates.get()
        let handler = RecordingHandler()
        let server = try await startServer(certificates, handler: handler)
        let client = DESHTTPSClient(identity: try certificates.loaded("CDM"))

        for index in 0..<5 {
            let response = try await client.send(
                to: url(server, host: "127.0.0.1"), soapAction: "urn:kyoto:Ping", body: Array("\(index)".utf8))
            #expect(response.body == Array("\(index)".utf8))
        }

        let statistics = server.statistics.snapshot
        #expect(statistics.dispatchedRequests == 5)
        #expect(statistics.establishedConnections == 1)
        #expect(handler.requests.count == 5)
        try await client.shutdown()
        await server.shutdown()
    }

    @Test func tls12ClientIsServedWithItsIdentityToo() async throws {
        let certificates = try Self.certificates.get()
        let handler = RecordingHandler()
        let server = try await startServer(certificates, handler: handler)
        var tls = try clientTLS(try certificates.loaded("CH"), trusting: certificates)
        tls.maximumTLSVersion = .tlsv12
        let client = HTTPClient(eventLoopGroupProvider: .singleton, configuration: .init(tlsConfiguration: tls))
        var request = HTTPClientRequest(url: url(server))
        request.method = .POST
        request.body = .bytes(Array("over TLS 1.2".utf8))

        let response: HTTPClientResponse
        do { response = try await client.execute(request, timeout: .seconds(10)) } catch {
            // An HTTPClient must be shut down even when the test fails, or its deinit traps.
            try? await client.shutdown()
            await server.shutdown()
            throw error
        }

        #expect(response.status.code == 200)
        #expect(handler.requests.first?.peer.commonName == "CH")
        try await client.shutdown()
        await server.shutdown()
    }

    @Test func requestWithConnectionCloseIsAnsweredAndThenClosed() async throws {
        let certificates = try Self.certificates.get()
        let server = try await startServer(certificates, handler: RecordingHandler())
        let request = "POST /des HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\nSOAPAction: \"x\"\r\n"
            + "Content-Length: 5\r\n\r\nhello"

        // exchangeRawBytes returns only once the server has closed the connection.
        let answer = try await exchangeRawBytes(
            request, port: server.port, certificates: certificates, clientName: "CDM")

        #expect(answer.hasPrefix("HTTP/1.1 200 OK"))
        #expect(answer.lowercased().contains("connection: close"))
        #expect(answer.hasSuffix("hello"))
        await server.shutdown()
    }
}

import RegistryNet
import RegistryTestSupport
import Testing

@Suite("Client errors are classified for the outbox")
struct DESHTTPSClientTests {
    static let certificates = Result { try DevCertificates.make() }

    @Test func stoppedPeerIsAConnectionFailureWorthRetrying() async throws {
        let certificates = try Self.certificates.get()
        let server = try await startServer(certificates, handler: RecordingHandler())
        let address = url(server)
        await server.shutdown()
        let client = DESHTTPSClient(identity: try certificates.loaded("CDM"))

        let error = await #expect(throws: DESClientError.self) {
            _ = try await client.send(to: address, soapAction: "x", body: [1])
        }

        #expect(error?.kind == .connectionFailed)
        #expect(error?.isRetryable == true)
        try await client.shutdown()
    }

    @Test func plainHTTPURLIsRefusedBeforeAnythingIsSent() async throws {
        let client = DESHTTPSClient(identity: try Self.certificates.get().loaded("CDM"))
        let error = await #expect(throws: DESClientError.self) {
            _ = try await client.send(to: "http://127.0.0.1:1/des", soapAction: "x", body: [1])
        }
        #expect(error?.kind == .invalidURL)
        try await client.shutdown()
    }

    @Test func soapFaultWith500IsReturnedAndOther5xxAreRetryableErrors() async throws {
        let certificates = try Self.certificates.get()
        let server = try await startServer(certificates, handler: StatusHandler())
        let client = DESHTTPSClient(identity: try certificates.loaded("CDM"))

        let fault = try await client.send(to: url(server), soapAction: "fault", body: [])
        let unavailable = await #expect(throws: DESClientError.self) {
            _ = try await client.send(to: url(server), soapAction: "busy", body: [])
        }

        #expect(fault.status == 500)
        #expect(String(decoding: fault.body, as: UTF8.self).contains("soap:Fault"))
        #expect(unavailable?.kind == .httpStatus(503))
        #expect(unavailable?.isRetryable == true)
        try await client.shutdown()
        await server.shutdown()
    }
}

/// Answers a SOAP fault for action "fault" and 503 for anything else.
private struct StatusHandler: DESRequestHandler {
    func handle(_ request: DESInboundRequest) async throws -> DESOutboundResponse {
        if request.soapAction == "fault" {
            return DESOutboundResponse(status: 500, body: Array("<soap:Fault>no</soap:Fault>".utf8))
        }
        return DESOutboundResponse(status: 503, contentType: "text/plain", body: Array("busy".utf8))
    }
}

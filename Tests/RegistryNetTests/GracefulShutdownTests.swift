import RegistryNet
import RegistryTestSupport
import Testing

@Suite("Graceful shutdown: in-flight requests finish, new connections are refused")
struct GracefulShutdownTests {
    static let certificates = Result { try DevCertificates.make() }

    @Test func slowRequestInFlightCompletesWhileNewConnectionsAreRefused() async throws {
        let certificates = try Self.certificates.get()
        let gate = Gate()
        let server = try await startServer(certificates, handler: GatedHandler(gate: gate))
        let client = DESHTTPSClient(identity: try certificates.loaded("CDM"))
        let address = url(server)

        let inFlight = Task { try await client.send(to: address, soapAction: "x", body: Array("slow".utf8)) }
        #expect(await eventually { await gate.arrivals == 1 })
        let shutdown = Task { await server.shutdown() }

        #expect(await eventually { !server.isListening })

        // A fresh client has no pooled connection, so it must connect anew: the listener is gone.
        let latecomer = DESHTTPSClient(identity: try certificates.loaded("CH"))
        let refusal = await #expect(throws: DESClientError.self) {
            _ = try await latecomer.send(to: address, soapAction: "x", body: [1])
        }
        #expect(refusal?.kind == .connectionFailed)
        #expect(refusal?.isRetryable == true)
        #expect(server.statistics.snapshot.requestsInFlight == 1)

        await gate.open()
        let response = try await inFlight.value
        await shutdown.value

        #expect(response.status == 200)
        #expect(response.body == Array("done".utf8))
        #expect(server.statistics.snapshot.openConnections == 0)
        try await client.shutdown()
        try await latecomer.shutdown()
    }

    @Test func idleKeepAliveConnectionsDoNotHoldUpShutdown() async throws {
        let certificates = try Self.certificates.get()
        let server = try await startServer(
            certificates, handler: RecordingHandler(), configuration: .init(shutdownGracePeriod: .seconds(600)))
        let client = DESHTTPSClient(identity: try certificates.loaded("CDM"))
        _ = try await client.send(to: url(server), soapAction: "x", body: [1])
        #expect(server.statistics.snapshot.openConnections == 1)

        // With a 10-minute grace period this returns promptly only if idle connections are closed at once.
        await server.shutdown()

        #expect(server.statistics.snapshot.openConnections == 0)
        try await client.shutdown()
    }
}

import Foundation
import Logging
import RegistryNet
import Synchronization

/// The DES listener, replaceable on SIGHUP: new certificates take effect by closing the listener (requests being
/// answered finish first) and binding the same port again with the new identity. Peers that connect in between
/// are refused and retry, as after any restart; nothing committed is affected.
actor DESListener {
    private(set) var server: DESHTTPSServer
    private let configuration: DESHTTPSServerConfiguration
    private let handler: RegistryDESEndpoint
    private let logger: Logger
    /// Shared across restarts, so the failure counts survive a reload.
    nonisolated let handshakeFailures: TLSHandshakeFailureCounter
    nonisolated let port: Int

    init(
        configuration: DESHTTPSServerConfiguration, identity: LoadedTLSIdentity, handler: RegistryDESEndpoint,
        logger: Logger
    ) async throws {
        let failures = TLSHandshakeFailureCounter()
        let server = try await DESHTTPSServer.start(
            configuration: configuration, identity: identity, handler: handler, logger: logger,
            handshakeFailures: failures)
        self.server = server
        self.port = server.port
        self.handshakeFailures = failures
        // Rebinding must reuse the port actually bound (the configuration may say 0).
        var fixed = configuration
        fixed.port = server.port
        self.configuration = fixed
        self.handler = handler
        self.logger = logger
    }

    /// Serves with `identity` from now on.
    func reload(identity: LoadedTLSIdentity) async throws {
        await server.shutdown()
        server = try await DESHTTPSServer.start(
            configuration: configuration, identity: identity, handler: handler, logger: logger,
            handshakeFailures: handshakeFailures)
        logger.notice("DES listener reloaded with new certificates", metadata: ["port": "\(port)"])
    }

    func shutdown() async { await server.shutdown() }
}

/// The outbound HTTPS client, replaceable on SIGHUP (new client certificate or trust roots); the old client is
/// shut down once the messages it is carrying are done.
final class ReloadableTransport: DESTransportBox {
    private let state: Mutex<(client: DESHTTPSClient, retired: [DESHTTPSClient])>
    let directory: PeerDirectory

    init(client: DESHTTPSClient, directory: PeerDirectory) {
        state = Mutex((client, []))
        self.directory = directory
    }

    var client: DESHTTPSClient { state.withLock { $0.client } }

    func replace(with client: DESHTTPSClient) {
        let old = state.withLock { state -> DESHTTPSClient in
            let old = state.client
            state.client = client
            return old
        }
        Task {
            // Let requests already sent on the old client finish (the request timeout bounds them).
            try? await Task.sleep(for: .seconds(35))
            try? await old.shutdown()
        }
    }

    func shutdown() async { try? await client.shutdown() }
}

/// Marker so the transport can be held behind a protocol by the daemon.
protocol DESTransportBox: Sendable {}

import Foundation
import NIOCore
import NIOPosix
import NIOSSL
import RegistryNet
import RegistryTestSupport

/// Records what reached it and echoes the body back, so tests can tell "handler never called" from "called".
final class RecordingHandler: DESRequestHandler, @unchecked Sendable {
    private let lock = NSLock()
    private var received: [DESInboundRequest] = []

    var requests: [DESInboundRequest] { lock.withLock { received } }

    func handle(_ request: DESInboundRequest) async throws -> DESOutboundResponse {
        lock.withLock { received.append(request) }
        return DESOutboundResponse(status: 200, body: request.body)
    }
}

/// Holds each request until the test opens the gate, to have a request provably in flight.
actor Gate {
    private var isOpen = false
    private var waiters: [CheckedContinuation<Void, Never>] = []
    private(set) var arrivals = 0

    func wait() async {
        arrivals += 1
        if isOpen { return }
        await withCheckedContinuation { waiters.append($0) }
    }

    func open() {
        isOpen = true
        for waiter in waiters { waiter.resume() }
        waiters.removeAll()
    }
}

struct GatedHandler: DESRequestHandler {
    let gate: Gate

    func handle(_ request: DESInboundRequest) async throws -> DESOutboundResponse {
        await gate.wait()
        return DESOutboundResponse(status: 200, body: Array("done".utf8))
    }
}

/// Waits (bounded) for a condition that another thread makes true, e.g. a server-side counter after a refused
/// handshake that the client saw first. Not a timing assertion: it only bounds how long a broken test hangs.
func eventually(_ condition: () async -> Bool) async -> Bool {
    for _ in 0..<500 {
        if await condition() { return true }
        try? await Task.sleep(for: .milliseconds(10))
    }
    return await condition()
}

func startServer(
    _ certificates: DevCertificates, handler: some DESRequestHandler,
    configuration: DESHTTPSServerConfiguration = DESHTTPSServerConfiguration()
) async throws -> DESHTTPSServer {
    try await DESHTTPSServer.start(configuration: configuration, identity: certificates.loaded("ITL"), handler: handler)
}

func url(_ server: DESHTTPSServer, host: String = "localhost", path: String = "/des") -> String {
    "https://\(host):\(server.port)\(path)"
}

/// Opens a TLS connection as `clientName` (or with no certificate), writes `bytes`, and returns all it reads until the
/// server closes the connection.
func exchangeRawBytes(
    _ bytes: String, port: Int, certificates: DevCertificates, clientName: String?, useTLS: Bool = true
) async throws -> String {
    var tls = TLSConfiguration.makeClientConfiguration()
    tls.trustRoots = .certificates(try NIOSSLCertificate.fromPEMFile(certificates.path("ca.crt")))
    if let clientName {
        let identity = try certificates.loaded(clientName)
        tls.certificateChain = identity.certificateChain.map { .certificate($0) }
        tls.privateKey = .privateKey(identity.privateKey)
    }
    let context = try NIOSSLContext(configuration: tls)
    let channel = try await ClientBootstrap(group: MultiThreadedEventLoopGroup.singleton)
        .connect(host: "127.0.0.1", port: port) { channel in
            channel.eventLoop.makeCompletedFuture {
                if useTLS {
                    try channel.pipeline.syncOperations.addHandler(
                        NIOSSLClientHandler(context: context, serverHostname: "localhost"))
                }
                return try NIOAsyncChannel<ByteBuffer, ByteBuffer>(wrappingChannelSynchronously: channel)
            }
        }
    return try await channel.executeThenClose { inbound, outbound in
        // A server that refuses at once (plain text on the TLS port) may close before our write lands: what it
        // answered, if anything, is still read below.
        try? await outbound.write(ByteBuffer(string: bytes))
        var received = ""
        do {
            for try await chunk in inbound { received += String(buffer: chunk) }
        } catch {
            // An unclean TLS close after the server's answer still counts as closed.
        }
        return received
    }
}

/// The client side of the TLS settings, for tests that drive AsyncHTTPClient directly.
func clientTLS(_ identity: LoadedTLSIdentity?, trusting certificates: DevCertificates) throws -> TLSConfiguration {
    var tls = TLSConfiguration.makeClientConfiguration()
    tls.trustRoots = .certificates(try NIOSSLCertificate.fromPEMFile(certificates.path("ca.crt")))
    if let identity {
        tls.certificateChain = identity.certificateChain.map { .certificate($0) }
        tls.privateKey = .privateKey(identity.privateKey)
    }
    return tls
}

import Logging
import NIOCore
import NIOHTTP1
import NIOPosix
import NIOSSL

/// The DES SOAP endpoint over HTTPS with mutual TLS (DESIGN.md, RegistryNet): every client must present a
/// certificate that chains to the configured CA; requests reach the `DESRequestHandler` with the peer's identity.
public final class DESHTTPSServer: Sendable {
    /// The bound port (the kernel's choice when the configuration asked for 0).
    public let port: Int
    public let statistics: DESHTTPSServerStatistics
    public let handshakeFailures: TLSHandshakeFailureCounter
    private let serverChannel: any Channel
    private let connections: LockedValue<[ObjectIdentifier: any Channel]>
    private let shutdownStarted = LockedValue(false)
    private let configuration: DESHTTPSServerConfiguration
    private let logger: Logger

    private init(
        port: Int, serverChannel: any Channel, connections: LockedValue<[ObjectIdentifier: any Channel]>,
        statistics: DESHTTPSServerStatistics, handshakeFailures: TLSHandshakeFailureCounter,
        configuration: DESHTTPSServerConfiguration, logger: Logger
    ) {
        self.port = port
        self.serverChannel = serverChannel
        self.connections = connections
        self.statistics = statistics
        self.handshakeFailures = handshakeFailures
        self.configuration = configuration
        self.logger = logger
    }

    /// Binds and starts serving. Pass a shared `handshakeFailures` counter to aggregate several endpoints' metrics.
    public static func start(
        configuration: DESHTTPSServerConfiguration, identity: LoadedTLSIdentity, handler: some DESRequestHandler,
        logger: Logger = Logger(label: "registry.net.server"),
        handshakeFailures: TLSHandshakeFailureCounter = TLSHandshakeFailureCounter(),
        eventLoopGroup: any EventLoopGroup = MultiThreadedEventLoopGroup.singleton
    ) async throws -> DESHTTPSServer {
        guard configuration.maximumBodyBytes > 0, configuration.path.hasPrefix("/") else {
            throw DESHTTPSServerError.invalidConfiguration(
                "path must start with '/' and maximumBodyBytes must be positive")
        }
        let sslContext = try NIOSSLContext(configuration: serverTLSConfiguration(identity))
        let trustedCASubjects = identity.trustRoots.map(\.subjectName)
        let statistics = DESHTTPSServerStatistics()
        let connections = LockedValue([ObjectIdentifier: any Channel]())
        let idle = TimeAmount(configuration.idleTimeout)

        let bootstrap = ServerBootstrap(group: eventLoopGroup)
            .serverChannelOption(.backlog, value: 256)
            .serverChannelOption(.socketOption(.so_reuseaddr), value: 1)
            .childChannelOption(.socketOption(.tcp_nodelay), value: 1)
            .childChannelOption(.socketOption(.so_reuseaddr), value: 1)
            .childChannelInitializer { channel in
                let id = ObjectIdentifier(channel)
                connections.withLock { $0[id] = channel }
                channel.closeFuture.whenComplete { _ in _ = connections.withLock { $0.removeValue(forKey: id) } }
                return channel.eventLoop.makeCompletedFuture {
                    let record = RejectedCertificateRecord()
                    let pipeline = channel.pipeline.syncOperations
                    try pipeline.addHandler(IdleStateHandler(allTimeout: idle))
                    try pipeline.addHandler(
                        ObservingServerHandlerFactory.make(context: sslContext, recordingInto: record))
                    try pipeline.addHandler(
                        TLSHandshakeObserver(
                            rejection: record, trustedCASubjects: trustedCASubjects, failures: handshakeFailures,
                            logger: logger,
                            onEstablished: { established in
                                statistics.connectionEstablished()
                                established.closeFuture.whenComplete { _ in statistics.connectionClosed() }
                            }))
                    try pipeline.configureHTTPServerPipeline(withErrorHandling: true)
                    try pipeline.addHandler(
                        DESHTTPChannelHandler(
                            configuration: configuration, handler: handler, statistics: statistics, logger: logger))
                }
            }
        let channel: any Channel
        do {
            channel = try await bootstrap.bind(host: configuration.host, port: configuration.port).get()
        } catch {
            throw DESHTTPSServerError.cannotBind(host: configuration.host, port: configuration.port, "\(error)")
        }
        guard let port = channel.localAddress?.port else {
            try? await channel.close()
            throw DESHTTPSServerError.cannotBind(host: configuration.host, port: configuration.port, "no local port")
        }
        logger.info(
            "DES endpoint listening", metadata: ["address": "\(configuration.host):\(port)\(configuration.path)"])
        return DESHTTPSServer(
            port: port, serverChannel: channel, connections: connections, statistics: statistics,
            handshakeFailures: handshakeFailures, configuration: configuration, logger: logger)
    }

    /// False once `shutdown()` has closed the listening socket (new connections are refused from then on).
    public var isListening: Bool { serverChannel.isActive }

    /// TLS 1.2 and 1.3; client certificate required and chained to the configured CA. `.noHostnameVerification` is
    /// the server setting for that: `.fullVerification` would match the client's SAN against its IP (STACK.md §3).
    static func serverTLSConfiguration(_ identity: LoadedTLSIdentity) -> TLSConfiguration {
        var tls = TLSConfiguration.makeServerConfiguration(
            certificateChain: identity.certificateChain.map { .certificate($0) },
            privateKey: .privateKey(identity.privateKey))
        tls.certificateVerification = .noHostnameVerification
        tls.trustRoots = .certificates(identity.trustRoots)
        tls.minimumTLSVersion = .tlsv12
        tls.maximumTLSVersion = .tlsv13
        tls.sendCANameList = true
        return tls
    }

    /// Stops accepting, lets in-flight requests finish (their responses carry `Connection: close`), closes idle
    /// connections at once, and after `shutdownGracePeriod` closes whatever is still open. Calling it again is a no-op.
    public func shutdown() async {
        let first = shutdownStarted.withLock { started in
            defer { started = true }
            return !started
        }
        guard first else { return }
        try? await serverChannel.close()
        let open = connections.withLock { Array($0.values) }
        logger.info("DES endpoint stopping", metadata: ["open_connections": "\(open.count)"])
        for channel in open {
            channel.pipeline.fireUserInboundEventTriggered(ChannelShouldQuiesceEvent())
        }
        let grace = configuration.shutdownGracePeriod
        await withTaskGroup(of: Bool.self) { group in
            group.addTask {
                for channel in open { try? await channel.closeFuture.get() }
                return true
            }
            group.addTask {
                do { try await Task.sleep(for: grace) } catch { return true }
                return false
            }
            let closedInTime = await group.next() ?? true
            group.cancelAll()
            if !closedInTime {
                logger.warning("DES endpoint grace period over; closing remaining connections")
                for channel in open { channel.close(promise: nil) }
            }
        }
    }
}

/// Why a DES endpoint could not start.
public enum DESHTTPSServerError: Error, Hashable, Sendable, CustomStringConvertible {
    case invalidConfiguration(String)
    case cannotBind(host: String, port: Int, String)

    public var description: String {
        switch self {
        case .invalidConfiguration(let problem): "invalid DES endpoint configuration: \(problem)"
        case .cannotBind(let host, let port, let reason): "cannot listen on \(host):\(port): \(reason)"
        }
    }
}

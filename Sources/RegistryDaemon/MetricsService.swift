import Foundation
import Logging
import Metrics
import NIOConcurrencyHelpers
import NIOCore
import NIOHTTP1
import NIOPosix
import Prometheus
import RegistryEngine
import RegistryNet
import ServiceLifecycle

/// The Prometheus endpoint: `GET /metrics` over plain HTTP/1.1 on a loopback address (issue 6). Plain and
/// loopback-only because it has no authentication; a node exporter or a local Prometheus scrapes it, and remote
/// collection goes through whatever the operator already runs for that.
///
/// Scrapes are rendered on a NIO event loop from the collector registry; they never call into the engine, so a
/// busy or stuck engine cannot stall a scrape and a scrape cannot stall the engine.
public final class MetricsService: Sendable {
    /// The bound port (the kernel's choice when 0 was asked).
    public let port: Int
    public let host: String
    private let serverChannel: any Channel
    private let connections: NIOLockedValueBox<[ObjectIdentifier: any Channel]>
    private let shutdownStarted = NIOLockedValueBox(false)
    private let logger: Logger

    /// The process's collector registry: what `bootstrap()` makes swift-metrics report to and what `/metrics` shows.
    public static let registry = PrometheusCollectorRegistry()

    private static let bootstrapped = NIOLockedValueBox(false)

    /// A silent connection is closed after this long (scrapers reconnect; Prometheus's default interval is 15 s).
    static let idleTimeout = TimeAmount.seconds(60)

    private init(
        host: String, port: Int, serverChannel: any Channel,
        connections: NIOLockedValueBox<[ObjectIdentifier: any Channel]>, logger: Logger
    ) {
        self.host = host
        self.port = port
        self.serverChannel = serverChannel
        self.connections = connections
        self.logger = logger
    }

    /// Makes swift-metrics report to Prometheus (`registry`) and binds `EngineMetrics.shared` to it. Call once in
    /// `main`, before the engine starts; later calls do nothing (swift-metrics allows one bootstrap per process).
    public static func bootstrap() {
        bootstrapped.withLockedValue { done in
            guard !done else { return }
            let factory = prometheusFactory(registry: registry)
            MetricsSystem.bootstrap(factory)
            EngineMetrics.shared.bind(to: factory)
            done = true
        }
    }

    /// The factory with the buckets our latencies need: a DES round trip over mutual TLS is tens of milliseconds
    /// to seconds (timeouts at 30 s), a durable group commit one flush (about 4 ms) to tens of milliseconds.
    public static func prometheusFactory(registry: PrometheusCollectorRegistry) -> PrometheusMetricsFactory {
        var factory = PrometheusMetricsFactory(registry: registry)
        factory.durationHistogramBuckets[EngineMetrics.Name.roundTrip] = [
            .milliseconds(5), .milliseconds(10), .milliseconds(25), .milliseconds(50), .milliseconds(100),
            .milliseconds(250), .milliseconds(500), .seconds(1), .milliseconds(2500), .seconds(5), .seconds(10),
            .seconds(30), .seconds(60),
        ]
        factory.durationHistogramBuckets[EngineMetrics.Name.storeCommit] = [
            .microseconds(500), .milliseconds(1), .milliseconds(2), .milliseconds(4), .milliseconds(8),
            .milliseconds(16), .milliseconds(32), .milliseconds(64), .milliseconds(128), .milliseconds(256),
            .seconds(1),
        ]
        factory.valueHistogramBuckets[EngineMetrics.Name.storeCommitBatch] = [1, 2, 4, 8, 16, 32, 64, 128, 256]
        return factory
    }

    /// Binds the endpoint and serves until `shutdown()`.
    ///
    /// - Parameters:
    ///   - host: a loopback address (127.0.0.0/8, ::1 or localhost); anything else is refused.
    ///   - port: 0 lets the kernel choose (read `port` afterwards).
    ///   - handshakeFailures: the DES listener's refused-handshake totals, exported at each scrape as
    ///     `cdm_tls_handshake_failures_total{reason}`.
    ///   - registry: what is served; the process's by default.
    public static func start(
        host: String, port: Int, logger: Logger, handshakeFailures: TLSHandshakeFailureCounter? = nil,
        registry: PrometheusCollectorRegistry = MetricsService.registry,
        eventLoopGroup: any EventLoopGroup = MultiThreadedEventLoopGroup.singleton
    ) async throws -> MetricsService {
        guard LoopbackAddress.isLoopback(host) else { throw MetricsServiceError.notLoopback(host) }
        guard (0...65535).contains(port) else { throw MetricsServiceError.invalidPort(port) }
        let metrics = EngineMetrics.current
        let exportHandshakeFailures: @Sendable () -> Void = {
            guard let handshakeFailures else { return }
            metrics.handshakeFailures(
                Dictionary(uniqueKeysWithValues: handshakeFailures.snapshot.map { ($0.key.rawValue, $0.value) }))
        }
        // Every reason is exported from the start (zeros), so an alert on its rate has a series to look at.
        exportHandshakeFailures()
        let render: @Sendable () -> [UInt8] = {
            exportHandshakeFailures()
            return registry.emitToBuffer()
        }
        let connections = NIOLockedValueBox([ObjectIdentifier: any Channel]())
        let bootstrap = ServerBootstrap(group: eventLoopGroup)
            .serverChannelOption(.backlog, value: 64)
            .serverChannelOption(.socketOption(.so_reuseaddr), value: 1)
            .childChannelInitializer { channel in
                let id = ObjectIdentifier(channel)
                connections.withLockedValue { $0[id] = channel }
                channel.closeFuture.whenComplete { _ in _ = connections.withLockedValue { $0.removeValue(forKey: id) } }
                return channel.eventLoop.makeCompletedFuture {
                    let pipeline = channel.pipeline.syncOperations
                    try pipeline.addHandler(IdleStateHandler(allTimeout: idleTimeout))
                    try pipeline.configureHTTPServerPipeline(withErrorHandling: true)
                    try pipeline.addHandler(MetricsHTTPHandler(render: render))
                }
            }
        let channel: any Channel
        do {
            channel = try await bootstrap.bind(host: host, port: port).get()
        } catch {
            throw MetricsServiceError.cannotBind(host: host, port: port, "\(error)")
        }
        guard let boundPort = channel.localAddress?.port else {
            try? await channel.close()
            throw MetricsServiceError.cannotBind(host: host, port: port, "no local port")
        }
        logger.info("metrics endpoint listening", metadata: ["address": "http://\(host):\(boundPort)/metrics"])
        return MetricsService(
            host: host, port: boundPort, serverChannel: channel, connections: connections, logger: logger)
    }

    /// Stops listening and closes open scrape connections (a scrape in progress is cut; Prometheus retries at the
    /// next interval). Calling it again does nothing.
    public func shutdown() async {
        let first = shutdownStarted.withLockedValue { started in
            defer { started = true }
            return !started
        }
        guard first else { return }
        try? await serverChannel.close()
        let open = connections.withLockedValue { Array($0.values) }
        for channel in open { try? await channel.close() }
        logger.info("metrics endpoint stopped")
    }
}

/// As a service in the daemon's group: serves until graceful shutdown, then stops listening.
extension MetricsService: Service {
    public func run() async throws {
        try? await gracefulShutdown()
        await shutdown()
    }
}

/// Why the metrics endpoint could not start; each names the setting at fault.
public enum MetricsServiceError: Error, Hashable, Sendable, CustomStringConvertible {
    case notLoopback(String)
    case invalidPort(Int)
    case cannotBind(host: String, port: Int, String)

    public var description: String {
        switch self {
        case .notLoopback(let host):
            "metrics endpoint: '\(host)' is not a loopback address (127.0.0.0/8, ::1 or localhost); it has no "
                + "authentication, so it only listens on loopback"
        case .invalidPort(let port): "metrics endpoint: \(port) is not a port (0...65535)"
        case .cannotBind(let host, let port, let reason):
            "metrics endpoint: cannot listen on \(host):\(port): \(reason)"
        }
    }
}

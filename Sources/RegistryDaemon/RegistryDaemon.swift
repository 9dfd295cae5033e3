import Foundation
import Logging
import RegistryAdmin
import RegistryCore
import RegistryEngine
import RegistryNet
import RegistryPlatform
import RegistryStore
import ServiceLifecycle
import UnixSignals

/// cdm-registryd put together: the store, the engine, the DES listener, the outbox sender, the timers and the
/// admin socket, run as one service group (SIGTERM/SIGINT: stop accepting, finish what is being committed, exit).
public struct RegistryDaemon: Sendable {
    public let configuration: DaemonConfiguration
    public let logger: Logger

    public init(configuration: DaemonConfiguration, logger: Logger) {
        self.configuration = configuration
        self.logger = logger
    }

    /// Starts and serves until SIGTERM or SIGINT, then shuts down in order.
    public func run() async throws {
        let registry = try await start()
        try await registry.serve()
    }

    /// Opens the store, resumes in-flight transactions and binds the listeners; `serve()` then runs the services.
    public func start() async throws -> RunningRegistry {
        let started = Date()
        let rules = try PeerRuleBook(json: Data(contentsOf: URL(fileURLWithPath: configuration.peerRulesPath)))
        let identity = try configuration.tls.load()
        let store = try SQLiteRegistryStore(path: configuration.storePath, registryCode: configuration.registry)
        let clock = configuration.clockStart.map(RegistryClock.starting(at:)) ?? .wall
        let engine = RegistryEngine(
            store: store,
            configuration: EngineConfiguration(
                registry: configuration.registry, timeouts: configuration.timeouts, rules: rules),
            clock: clock, logger: Logger(label: "cdm-registry.engine"))
        try await openStandardAccounts(engine: engine, store: store)
        let resumed = try await engine.resume()

        let itlIdentity: PeerDirectory.ExpectedIdentity =
            if let name = configuration.itl.commonName { .commonName(name) } else {
                .subjectAlternativeName(.uri(configuration.itl.subjectAlternativeURI ?? ""))
            }
        let directory = try PeerDirectory(entries: [
            PeerDirectory.Entry(
                registryCode: PeerDirectory.itlCode, expectedIdentity: itlIdentity, url: configuration.itl.url)
        ])
        let clients = ReloadableTransport(client: DESHTTPSClient(identity: identity), directory: directory)
        let sender = OutboxSender(
            engine: engine, store: store, transport: HTTPSTransport(clients: clients),
            policy: configuration.retry, logger: Logger(label: "cdm-registry.outbox"))
        await engine.onOutbox { _ in Task { await sender.wake() } }

        let server: DESListener
        do {
            server = try await DESListener(
                configuration: DESHTTPSServerConfiguration(
                    host: configuration.listen.host, port: configuration.listen.port, path: configuration.listen.path),
                identity: identity,
                handler: RegistryDESEndpoint(engine: engine, directory: directory, logger: logger),
                logger: Logger(label: "cdm-registry.des"))
        } catch {
            // The HTTP client must be shut down before it is released, also when start-up fails.
            await clients.shutdown()
            throw error
        }
        let face: PublicFace
        do {
            face = try await PublicFace.start(
                configuration: configuration, engine: engine, store: store, clock: clock, logger: logger)
        } catch {
            await server.shutdown()
            await clients.shutdown()
            throw error
        }
        let configuration = configuration
        let status: @Sendable () async -> JSONValue = {
            let depth = (try? store.outboxDepth()) ?? [:]
            let counts = (try? store.engineTransactionCounts()) ?? [:]
            return [
                "registry": .string(configuration.registry.rawValue),
                "version": .string(DaemonVersion.current),
                "pid": .integer(Int64(getpid())),
                "startedAt": .string(started.formatted(.iso8601)),
                "registryTime": .string(clock.now.date.formatted(.iso8601)),
                "desPort": .integer(Int64(server.port)),
                "inFlight": .integer(Int64(await engine.inFlightCount)),
                "transactionsByState": .object(counts.mapValues { .integer(Int64($0)) }),
                "outbox": .object(
                    Dictionary(uniqueKeysWithValues: depth.map { ($0.key.rawValue, .integer(Int64($0.value))) })),
                "storePath": .string(configuration.storePath),
                "oldestInFlightSeconds": ((try? store.engineTransactions(.inFlight, limit: 10_000)) ?? [])
                    .map(\.createdAt).min().map { .integer(Int64(clock.now.date.timeIntervalSince($0))) } ?? .null,
                "peers": .array(
                    await peerStatus(sender: sender, url: configuration.itl.url, depth: depth)),
                "outboxDelivered": .integer(Int64(await sender.delivered)),
                "outboxFailedAttempts": .integer(Int64(await sender.failedAttempts)),
                "tlsHandshakeFailures": .integer(Int64(server.handshakeFailures.total)),
                "openReconciliations": .array(await engine.openReconciliations.map { .string($0) }),
                "reconciliationAlerts": .array(
                    ((try? await engine.openReconciliationAlerts()) ?? []).map { .string($0.identifier) }),
                "openNoticeTasks": .integer(Int64(((try? store.notices(limit: 10_000)) ?? []).filter(\.taskOpen).count)),
                "attestationSigning": .bool(configuration.attestation.signingKeyPath != nil),
                "publicPort": face.reportsPort.map { .integer(Int64($0)) } ?? .null,
                "platformPort": face.platformPort.map { .integer(Int64($0)) } ?? .null,
                "platform": face.platform.map { Self.platformStatus($0) } ?? .null,
                "itlMessages": .integer(Int64(((try? store.itlMessages(limit: 10_000)) ?? []).count)),
            ]
        }
        let admin: AdminSocketServer
        do {
            admin = try await AdminSocketServer.start(
                path: configuration.adminSocketPath, socketGroup: configuration.adminSocketGroup.map { gid_t($0) },
                handler: RegistryAdminCommands(
                    engine: engine, store: store, sender: sender, status: status,
                    logger: Logger(label: "cdm-registry.admin"),
                    publicCommands: PublicAdminCommands(
                        attestations: face.attestations, store: store, platform: face.platform)),
                logger: Logger(label: "cdm-registry.admin"))
        } catch {
            await face.shutdown()
            await server.shutdown()
            await clients.shutdown()
            throw error
        }
        logger.info(
            "cdm-registryd \(DaemonVersion.current) for \(configuration.registry) listening on \(configuration.listen.host):\(server.port); admin socket \(configuration.adminSocketPath); \(resumed) transactions resumed"
        )
        return RunningRegistry(
            configuration: configuration, logger: logger, store: store, engine: engine, sender: sender,
            server: server, admin: admin, clients: clients, publicFace: face)
    }

    /// The registry's own accounts (pending, Adaptation Fund, cancellation and replacement accounts) exist from the
    /// first start.
    private func openStandardAccounts(engine: RegistryEngine, store: SQLiteRegistryStore) async throws {
        for account in Ledger.cdmStandardAccounts where try store.account(account.identifier) == nil {
            try await engine.perform(.openAccount(account))
        }
    }
}

/// Each peer as the sender sees it (only the ITL today: the CDM registry talks to national registries through it).
func peerStatus(sender: OutboxSender, url: String, depth: [RegistryCode: Int]) async -> [JSONValue] {
    let contact = await sender.contacts[.itl]
    let paused = await sender.paused.contains(.itl)
    return [
        [
            "peer": "ITL", "url": .string(url), "paused": .bool(paused),
            "reachable": contact.map { .bool($0.reachable) } ?? .null,
            "lastContact": contact?.lastContact.map { .string($0.formatted(.iso8601)) } ?? .null,
            "lastError": contact?.lastError.map { .string($0) } ?? .null,
            "queued": .integer(Int64(depth[.itl] ?? 0)),
        ]
    ]
}

/// A started registry: listeners bound, transactions resumed.
public struct RunningRegistry: Sendable {
    public let configuration: DaemonConfiguration
    public let logger: Logger
    public let store: SQLiteRegistryStore
    public let engine: RegistryEngine
    public let sender: OutboxSender
    let server: DESListener
    let admin: AdminSocketServer
    let clients: ReloadableTransport
    /// Attestations, the public reports and the online platform.
    public let publicFace: PublicFace

    /// The DES port actually bound (the configuration may say 0).
    public var desPort: Int { server.port }

    /// Runs the outbox sender, the timers and the listeners until SIGTERM or SIGINT, then stops them in reverse
    /// order: the listeners stop accepting first, in-flight transactions stay in the store for the next start.
    public func serve() async throws {
        // One line a supervisor or test harness waits for (logs go to stdout or stderr as configured).
        let face = publicFace
        let publicPorts =
            (face.reportsPort.map { " public=\($0)" } ?? "") + (face.platformPort.map { " platform=\($0)" } ?? "")
        FileHandle.standardOutput.write(
            Data("READY des=\(server.port) admin=\(configuration.adminSocketPath)\(publicPorts)\n".utf8))
        let admin = admin
        let server = server
        let engine = engine
        let store = store
        var metrics: MetricsService?
        if let listen = configuration.metricsListen {
            metrics = try await MetricsService.start(
                host: listen.host, port: listen.port, logger: Logger(label: "cdm-registry.metrics"),
                handshakeFailures: server.handshakeFailures)
        }
        let metricsListener = metrics
        let notifier = SystemdNotifier.fromEnvironment(watchdog: configuration.systemdWatchdog)
        notifier.ready(status: "listening on \(server.port)")
        var group = ServiceGroupConfiguration(
            services: [
                .init(
                    service: WatchdogService(notifier: notifier) {
                        let depth = ((try? store.outboxDepth()) ?? [:]).values.reduce(0, +)
                        return "in flight \(await engine.inFlightCount), outbox \(depth)"
                    }),
                .init(service: OutboxService(sender: sender)),
                .init(service: TimerService(engine: engine)),
                .init(service: ReloadService(registry: self, notifier: notifier)),
                .init(service: PlatformUpkeepService(platform: face.platform)),
                .init(service: ClosingService { await admin.close() }),
                .init(service: ClosingService { await face.shutdown() }),
                .init(service: ClosingService { await server.shutdown() }),
                .init(service: ClosingService { await metricsListener?.shutdown() }),
                // Shut down in reverse order: STOPPING=1 first, then the listeners stop accepting, then the work.
                .init(service: ClosingService { notifier.stopping() }),
            ], logger: logger)
        group.gracefulShutdownSignals = [.sigterm, .sigint]
        group.maximumGracefulShutdownDuration = .seconds(30)
        try await ServiceGroup(configuration: group).run()
        await close()
        logger.info("cdm-registryd stopped; in-flight transactions resume on the next start")
    }

    /// Closes the client and the store (after the services stopped).
    public func close() async {
        await clients.shutdown()
        try? store.close()
    }

    /// SIGHUP: reads the peer rules and the certificates again. Whatever fails to load is reported and the running
    /// values stay in force; work in flight is not dropped (the outbox and the store are untouched).
    public func reload() async {
        do {
            let book = try PeerRuleBook(json: Data(contentsOf: URL(fileURLWithPath: configuration.peerRulesPath)))
            await engine.reloadRules(book)
        } catch {
            logger.error("SIGHUP: peer rules not reloaded, the previous rules stay in force: \(error)")
        }
        do {
            let identity = try configuration.tls.load()
            clients.replace(with: DESHTTPSClient(identity: identity))
            try await server.reload(identity: identity)
        } catch {
            logger.error("SIGHUP: certificates not reloaded, the previous ones stay in force: \(error)")
        }
    }

    /// Stops the listeners without a service group (benchmarks and embedded use).
    public func shutdown() async {
        await publicFace.shutdown()
        await admin.close()
        await server.shutdown()
        await close()
    }
}

/// Reloads on SIGHUP until shutdown.
struct ReloadService: Service {
    let registry: RunningRegistry
    let notifier: SystemdNotifier

    func run() async throws {
        await cancelWhenGracefulShutdown {
            for await _ in await UnixSignalsSequence(trapping: .sighup) {
                registry.logger.notice("SIGHUP: reloading peer rules and certificates")
                notifier.reloading()
                await registry.reload()
                notifier.ready()
            }
        }
    }
}

/// Waits for the graceful shutdown, then closes something (a listener stops accepting).
struct ClosingService: Service {
    let close: @Sendable () async -> Void

    func run() async throws {
        try? await gracefulShutdown()
        await close()
    }
}

/// The platform's expiries, releases and cancellations followed every 2 seconds until shutdown.
struct PlatformUpkeepService: Service {
    let platform: OnlinePlatform?

    func run() async throws {
        guard let platform else { return }
        await cancelWhenGracefulShutdown { await platform.maintain(every: .seconds(2)) }
    }
}

/// Delivers the outbox until shutdown; undelivered messages stay in the store for the next start.
struct OutboxService: Service {
    let sender: OutboxSender

    func run() async throws {
        await cancelWhenGracefulShutdown { await sender.run() }
    }
}

/// Fires transaction timeouts as they fall due (checked at least every second).
struct TimerService: Service {
    let engine: RegistryEngine

    func run() async throws {
        await cancelWhenGracefulShutdown {
            while !Task.isCancelled {
                await engine.fireDueTimeouts()
                let wait: Duration =
                    if let next = await engine.nextDeadline {
                        min(.seconds(1), max(.milliseconds(10), engine.clock.now.duration(to: next)))
                    } else { .seconds(1) }
                try? await Task.sleep(for: wait)
            }
        }
    }
}

public enum DaemonVersion {
    public static let current = "0.2.0"
}

extension RegistryDaemon {
    /// What an operator of the platform looks at first: open offers, orders owed a refund, e-mails waiting.
    static func platformStatus(_ platform: OnlinePlatform) -> JSONValue {
        let counts = (try? platform.store.orderCounts()) ?? [:]
        return [
            "openOffers": .integer(Int64((try? platform.offers(OfferFilter(page: 1, pageSize: 1)).total) ?? 0)),
            "ordersOwedRefund": .integer(
                Int64(OrderStatus.allCases.filter(\.owesRefund).map { counts[$0] ?? 0 }.reduce(0, +))),
            "ordersInProgress": .integer(Int64((counts[.paid] ?? 0) + (counts[.cancelling] ?? 0))),
            "mailWaiting": .integer(Int64((try? platform.store.mailWaitingCount()) ?? 0)),
            "representatives": .integer(
                Int64(((try? platform.representatives()) ?? []).filter { $0.revokedAt == nil }.count)),
        ]
    }
}

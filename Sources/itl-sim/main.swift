import Foundation
import Logging
import RegistryCore
import RegistryNet
import Simulators

// The ITL simulator: `itl-sim --config itl.json` (SimulatorConfiguration). Serves transactionlog.wsdl over mutual
// TLS, relays to the configured registries (retried, in order per registry), cancels unanswered proposals every
// `acquiringResponseSweepSeconds`, reconciles with the registries every `reconciliationIntervalSeconds` (or on
// command), sends ITL notices on command, and serves the admin endpoint if configured. Prints
// `READY des=<port> admin=<port>` once listening; exits 0 on SIGTERM or SIGINT.

// Logs go to stderr: stdout carries only the READY line a harness waits for.
LoggingSystem.bootstrap(StreamLogHandler.standardError)
let logger = Logger(label: "itl-sim")

func exitWithUsage(_ message: String) -> Never { SimulatorProcess.exit("itl-sim", message) }

let configurationPath = SimulatorProcess.configurationPath("itl-sim")

let signals = SimulatorProcess.terminationSignals()
do {
    let configuration = try SimulatorConfiguration.load(path: configurationPath)
    let directory = try configuration.directory()
    let identity = try configuration.tls.load()
    let sweep = try configuration.sweepInterval()
    let delivery = SimulatorDelivery(
        client: SimulatorProcess.retainedUntilExit(DESHTTPSClient(identity: identity)), directory: directory, logger: logger)
    let ordered = OrderedDelivery(delivery: delivery, policy: try configuration.retryPolicy(), logger: logger)
    let outbound = FaultInjectingOutbound(delivery: ordered)
    let availability = ITLAvailability()
    let clock = try configuration.clock()
    let record = try ITLHoldingsRecord(path: configuration.databasePath)
    let registries = try configuration.registryStates()
    let relay = ITLRelay(
        record: record,
        configuration: ITLRelayConfiguration(
            registries: registries,
            acquiringResponseTimeout: configuration.acquiringResponseTimeoutSeconds ?? 24 * 3600),
        outbound: outbound, clock: clock)
    let reconciliationInterval = try configuration.reconciliationInterval()
    let driver = ITLReconciliationDriver(
        record: record, log: try ITLReconciliationLog(record: record, now: clock()), faults: ITLRecordFaults(),
        sender: delivery, registries: registries,
        settings: ITLReconciliationSettings(
            phaseTimeout: try configuration.reconciliationPhaseTimeout(), retry: try configuration.retryPolicy()),
        clock: clock, logger: logger)
    let notices = try ITLNoticeLog(record: record, sender: delivery, clock: clock)
    let server = try await DESHTTPSServer.start(
        configuration: DESHTTPSServerConfiguration(
            host: configuration.listen.host, port: configuration.listen.port,
            path: configuration.listen.path ?? "/des"),
        identity: identity,
        handler: ITLEndpoint(
            relay: relay, directory: directory, faults: outbound, availability: availability, reconciliation: driver,
            messages: notices),
        logger: logger)
    var admin: AdminHTTPServer?
    if let settings = configuration.admin {
        admin = try await AdminHTTPServer.start(
            host: settings.host ?? "127.0.0.1", port: settings.port,
            handler: ITLAdmin(
                relay: relay, faults: outbound, availability: availability,
                reconciliation: ITLReconciliationAdmin(driver: driver, notices: notices)),
            logger: logger)
    }
    logger.info("ITL simulator listening on \(configuration.listen.host):\(server.port)")
    SimulatorProcess.announceReady(desPort: server.port, adminPort: admin?.port)
    let sweeper = Task {
        while !Task.isCancelled {
            do { try await Task.sleep(for: sweep) } catch { return }
            do {
                let cancelled = try await relay.cancelUnanswered()
                if !cancelled.isEmpty { logger.info("cancelled unanswered proposals: \(cancelled)") }
            } catch {
                logger.error("sweep for unanswered proposals failed: \(error)")
            }
        }
    }
    // Scheduled reconciliations: every operational registry, skipping one whose previous run is still going.
    let reconciler = Task {
        guard let interval = reconciliationInterval else { return }
        while !Task.isCancelled {
            do { try await Task.sleep(for: interval) } catch { return }
            for (registry, state) in registries.sorted(by: { $0.key < $1.key }) where state == .operational {
                do {
                    let identifier = try await driver.start(registry: registry)
                    logger.info("scheduled reconciliation \(identifier) with \(registry) started")
                } catch {
                    logger.warning("scheduled reconciliation with \(registry) not started: \(error)")
                }
            }
        }
    }
    let received = await signals.wait()
    logger.info("signal \(received): stopping")
    reconciler.cancel()
    sweeper.cancel()
    await admin?.shutdown()
    await server.shutdown()
    await ordered.shutdown()
    await delivery.shutdown()
    exit(0)
} catch {
    exitWithUsage("\(error)")
}

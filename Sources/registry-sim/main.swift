import Foundation
import Logging
import RegistryCore
import RegistryNet
import Simulators

// The national-registry simulator: `registry-sim --config ch.json` (SimulatorConfiguration). Serves registry.wsdl
// over mutual TLS with its own accounts, holdings and Party policy (`ruleFile`), answering the ITL (notifications
// retried, in order), and serves the admin endpoint if configured. Prints `READY des=<port> admin=<port>` once
// listening; exits 0 on SIGTERM or SIGINT.

// Logs go to stderr: stdout carries only the READY line a harness waits for.
LoggingSystem.bootstrap(StreamLogHandler.standardError)
let logger = Logger(label: "registry-sim")

func exitWithUsage(_ message: String) -> Never { SimulatorProcess.exit("registry-sim", message) }

let configurationPath = SimulatorProcess.configurationPath("registry-sim")

let signals = SimulatorProcess.terminationSignals()
do {
    let configuration = try SimulatorConfiguration.load(path: configurationPath)
    let directory = try configuration.directory()
    let identity = try configuration.tls.load()
    guard let ruleFile = configuration.ruleFile else { exitWithUsage("configuration has no ruleFile") }
    let rules = try PeerRuleBook(json: try Data(contentsOf: URL(fileURLWithPath: ruleFile)))
    let registry = try NationalRegistry(
        code: try configuration.registryCode(), path: configuration.databasePath, rules: rules,
        clock: try configuration.clock())
    for account in configuration.accounts ?? [] where try registry.account(account.identifier) == nil {
        try registry.openAccount(
            NationalRegistryAccount(
                identifier: account.identifier, type: AccountType(account.type), isOpen: account.open ?? true,
                eligibleUnitTypes: Set((account.eligibleUnitTypes ?? UnitType.allCases.map(\.rawValue))
                    .compactMap(UnitType.init(rawValue:)))))
    }
    let delivery = SimulatorDelivery(client: SimulatorProcess.retainedUntilExit(DESHTTPSClient(identity: identity)), directory: directory, logger: logger)
    let ordered = OrderedDelivery(delivery: delivery, policy: try configuration.retryPolicy(), logger: logger)
    let server = try await DESHTTPSServer.start(
        configuration: DESHTTPSServerConfiguration(
            host: configuration.listen.host, port: configuration.listen.port,
            path: configuration.listen.path ?? "/des"),
        identity: identity,
        handler: NationalRegistryEndpoint(registry: registry, directory: directory, delivery: ordered),
        logger: logger)
    var admin: AdminHTTPServer?
    if let settings = configuration.admin {
        admin = try await AdminHTTPServer.start(
            host: settings.host ?? "127.0.0.1", port: settings.port,
            handler: NationalRegistryAdmin(registry: registry, delivery: delivery), logger: logger)
    }
    logger.info("registry simulator \(configuration.code) listening on \(configuration.listen.host):\(server.port)")
    SimulatorProcess.announceReady(desPort: server.port, adminPort: admin?.port)
    let received = await signals.wait()
    logger.info("signal \(received): stopping")
    await admin?.shutdown()
    await server.shutdown()
    await ordered.shutdown()
    await delivery.shutdown()
    exit(0)
} catch {
    exitWithUsage("\(error)")
}

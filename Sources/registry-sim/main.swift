import Foundation
import Logging
import RegistryCore
import RegistryNet
import Simulators

// The national-registry simulator: `registry-sim --config ch.json` (SimulatorConfiguration). Serves registry.wsdl
// over mutual TLS with its own accounts, holdings and Party policy (`ruleFile`), answering the ITL.

let logger = Logger(label: "registry-sim")

func exitWithUsage(_ message: String) -> Never {
    FileHandle.standardError.write(Data("registry-sim: \(message)\n".utf8))
    exit(2)
}

let arguments = CommandLine.arguments
guard let flag = arguments.firstIndex(of: "--config"), flag + 1 < arguments.count else {
    exitWithUsage("usage: registry-sim --config <configuration.json>")
}

do {
    let configuration = try SimulatorConfiguration.load(path: arguments[flag + 1])
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
    let delivery = SimulatorDelivery(client: DESHTTPSClient(identity: identity), directory: directory, logger: logger)
    let server = try await DESHTTPSServer.start(
        configuration: DESHTTPSServerConfiguration(
            host: configuration.listen.host, port: configuration.listen.port,
            path: configuration.listen.path ?? "/des"),
        identity: identity,
        handler: NationalRegistryEndpoint(registry: registry, directory: directory, delivery: delivery),
        logger: logger)
    logger.info("registry simulator \(configuration.code) listening on \(configuration.listen.host):\(server.port)")
    while true { try await Task.sleep(for: .seconds(3600)) }
} catch {
    exitWithUsage("\(error)")
}

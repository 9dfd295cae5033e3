import Foundation
import Logging
import RegistryCore
import RegistryNet
import Simulators

// The ITL simulator: `itl-sim --config itl.json` (SimulatorConfiguration). Serves transactionlog.wsdl over mutual
// TLS, relays to the configured registries, and cancels unanswered proposals once a minute.

let logger = Logger(label: "itl-sim")

func exitWithUsage(_ message: String) -> Never {
    FileHandle.standardError.write(Data("itl-sim: \(message)\n".utf8))
    exit(2)
}

let arguments = CommandLine.arguments
guard let flag = arguments.firstIndex(of: "--config"), flag + 1 < arguments.count else {
    exitWithUsage("usage: itl-sim --config <configuration.json>")
}

do {
    let configuration = try SimulatorConfiguration.load(path: arguments[flag + 1])
    let directory = try configuration.directory()
    let identity = try configuration.tls.load()
    let client = DESHTTPSClient(identity: identity)
    let delivery = SimulatorDelivery(client: client, directory: directory, logger: logger)
    let outbound = FaultInjectingOutbound { message in await delivery.send(message.request, to: message.recipient) }
    let relay = ITLRelay(
        record: try ITLHoldingsRecord(path: configuration.databasePath),
        configuration: ITLRelayConfiguration(
            registries: try configuration.registryStates(),
            acquiringResponseTimeout: configuration.acquiringResponseTimeoutSeconds ?? 24 * 3600),
        outbound: outbound, clock: try configuration.clock())
    let server = try await DESHTTPSServer.start(
        configuration: DESHTTPSServerConfiguration(
            host: configuration.listen.host, port: configuration.listen.port,
            path: configuration.listen.path ?? "/des"),
        identity: identity, handler: ITLEndpoint(relay: relay, directory: directory, faults: outbound),
        logger: logger)
    logger.info("ITL simulator listening on \(configuration.listen.host):\(server.port)")
    while true {
        try await Task.sleep(for: .seconds(60))
        let cancelled = try await relay.cancelUnanswered()
        if !cancelled.isEmpty { logger.info("cancelled unanswered proposals: \(cancelled)") }
    }
} catch {
    exitWithUsage("\(error)")
}

import Foundation
import Logging
import RegistryDaemon
import RegistrySandbox

/// `cdm-registryd` without a configuration: a whole network on this machine for a new user, kept in ./state.
///
/// The simulated ITL and national registries (CH, GB, DE, JP) run as child processes that die with the daemon;
/// development certificates are made on the first start (certs/make-dev-certs.sh) and never used elsewhere.
enum Sandbox {
    static func run() async throws {
        LoggingSystem.bootstrap { label in
            var handler = StreamLogHandler.standardError(label: label)
            handler.logLevel = .notice
            return handler
        }
        let logger = Logger(label: "cdm-registryd")
        let folder = URL(
            fileURLWithPath: ProcessInfo.processInfo.environment["CDM_REGISTRY_SANDBOX"] ?? "state",
            relativeTo: URL(fileURLWithPath: FileManager.default.currentDirectoryPath)
        ).standardizedFileURL
        let network = try RegistryNetwork(sandboxAt: folder)
        do {
            try await network.startITL()
            for code in network.nationalRegistries { try await network.startRegistry(code) }
            let configuration = try DaemonConfiguration.load(path: try network.writeDaemonConfiguration())
            let registry = try await RegistryDaemon(configuration: configuration, logger: logger).start()
            let socket = network.adminSocket
            FileHandle.standardOutput.write(
                Data(
                    """
                cdm-registryd development sandbox
                  state          \(folder.path) (SQLite stores, development certificates, logs)
                  DES endpoint   https://127.0.0.1:\(registry.desPort)/des (mutual TLS, development CA)
                  simulated ITL  \(network.url("ITL")), national registries \(network.nationalRegistries.joined(separator: ", "))
                  admin socket   \(socket)
                  public reports \(network.publicReportsURL)/
                  online platform \(network.platformURL)/ (simulated payments)
                try next:
                  swift run registryctl --socket \(socket) status
                  swift run registryctl --socket \(socket) accounts
                  swift run registryctl --socket \(socket) offer list
                stop with Ctrl-C; everything is kept in \(folder.path) for the next start.

                """.utf8))
            try await registry.serve()
        } catch {
            await network.stop()
            throw error
        }
        await network.stop()
    }
}

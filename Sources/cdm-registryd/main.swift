import Foundation
import Logging
import RegistryDaemon
import RegistrySandbox

// cdm-registryd --config FILE | --check-config --config FILE | --version | (no arguments: development sandbox)

func fail(_ message: String, code: Int32 = 1) -> Never {
    FileHandle.standardError.write(Data("cdm-registryd: \(message)\n".utf8))
    exit(code)
}

let arguments = Array(CommandLine.arguments.dropFirst())
if arguments.contains("--version") {
    print("cdm-registryd \(DaemonVersion.current)")
    exit(0)
}
if arguments.contains("--help") || arguments.contains("-h") {
    print(
        """
        usage: cdm-registryd [--config FILE [--check-config]]
          (no options)     development sandbox: state in ./state (or $CDM_REGISTRY_SANDBOX), a simulated ITL and
                           national registries CH, GB, DE, JP started alongside, development certificates
          --config FILE    the configuration (docs/OPERATIONS.md)
          --check-config   validate the configuration and exit (0 valid, 1 not)
          --version        print the version
        """)
    exit(0)
}
let configPath: String
if let index = arguments.firstIndex(of: "--config"), index + 1 < arguments.count {
    configPath = arguments[index + 1]
} else if arguments.isEmpty {
    do { try await Sandbox.run() } catch { fail("sandbox: \(error)") }
    exit(0)
} else {
    fail("--config FILE is required with \(arguments.joined(separator: " ")) (see --help)", code: 2)
}
for argument in arguments where argument.hasPrefix("-") {
    guard ["--config", "--check-config"].contains(argument) else { fail("unknown option \(argument)", code: 2) }
}

let configuration: DaemonConfiguration
do { configuration = try DaemonConfiguration.load(path: configPath) } catch { fail("\(error)") }
if arguments.contains("--check-config") {
    print("configuration \(configPath) is valid")
    exit(0)
}
MetricsService.bootstrap()
LogfmtLogHandler.bootstrap(
    format: configuration.logFormat, output: configuration.logOutput, level: configuration.loggerLevel)
let logger = Logger(label: "cdm-registryd")
do {
    try await RegistryDaemon(configuration: configuration, logger: logger).run()
} catch {
    fail("\(error)")
}

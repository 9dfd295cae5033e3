import Foundation
import RegistryAdmin

/// Entry point: all behaviour is in `RegistryctlCommandLine` so that tests run it without a process.
@main
enum RegistryctlMain {
    static func main() {
        let status = RegistryctlCommandLine.run(
            Array(CommandLine.arguments.dropFirst()),
            standardOutput: { FileHandle.standardOutput.write(Data($0.utf8)) },
            standardError: { FileHandle.standardError.write(Data($0.utf8)) })
        exit(status)
    }
}

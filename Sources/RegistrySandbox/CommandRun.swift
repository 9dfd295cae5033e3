import Foundation

/// A short-lived command run to its end (registryctl, a browser, openssl): its exit status and both outputs.
public struct CommandRun: Sendable {
    public var status: Int32
    public var output: String
    public var errors: String

    /// Runs `executable` and waits for it, blocking the calling thread: only from a thread of its own.
    public static func blocking(_ executable: URL, _ arguments: [String]) throws -> CommandRun {
        let process = Process()
        process.executableURL = executable
        process.arguments = arguments
        let output = Pipe()
        let errors = Pipe()
        process.standardOutput = output
        process.standardError = errors
        try process.run()
        // Both pipes drain at once: a command filling one while the other is read first would never end.
        let collected = Collected()
        let group = DispatchGroup()
        group.enter()
        DispatchQueue.global().async {
            collected.set(errors: errors.fileHandleForReading.readDataToEndOfFile())
            group.leave()
        }
        let out = output.fileHandleForReading.readDataToEndOfFile()
        group.wait()
        process.waitUntilExit()
        return CommandRun(
            status: process.terminationStatus, output: String(decoding: out, as: UTF8.self),
            errors: String(decoding: collected.errors, as: UTF8.self))
    }

    /// Runs `executable` on a thread of its own (`RegistryNetwork.offCooperativePool`) and returns when it ended.
    public static func run(_ executable: URL, _ arguments: [String]) async throws -> CommandRun {
        try await RegistryNetwork.offCooperativePool { try blocking(executable, arguments) }
    }

    private final class Collected: @unchecked Sendable {
        private let lock = NSLock()
        private var stored = Data()
        func set(errors: Data) { lock.withLock { stored = errors } }
        var errors: Data { lock.withLock { stored } }
    }
}

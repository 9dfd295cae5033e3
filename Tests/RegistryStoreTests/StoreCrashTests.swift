import Foundation
import Testing

@testable import RegistryCore
@testable import RegistryStore

/// A writer killed with SIGKILL at a random moment leaves a store that opens, verifies, and holds exactly the
/// operations its journal records: replaying the journal on an in-memory ledger gives the stored state.
@Suite struct StoreCrashTests {
    /// The `store-crash-writer` executable, built next to the test bundle in the build products folder.
    private func crashWriter() throws -> URL {
        let executable =
            (try? FileManager.default.destinationOfSymbolicLink(atPath: "/proc/self/exe"))
            ?? CommandLine.arguments[0]
        var directory = URL(fileURLWithPath: executable).deletingLastPathComponent()
        for _ in 0..<4 {
            let candidate = directory.appendingPathComponent("store-crash-writer")
            if FileManager.default.isExecutableFile(atPath: candidate.path) { return candidate }
            directory = directory.deletingLastPathComponent()
        }
        throw CrashTestError(
            "store-crash-writer is not built next to the test bundle (\(executable)); build it with "
                + "`swift build --product store-crash-writer` (swift test builds it with all targets)")
    }

    private struct CrashTestError: Error, CustomStringConvertible {
        let description: String
        init(_ description: String) { self.description = description }
    }

    /// Starts the writer and returns once it reports that the store is set up.
    private func startWriter(_ executable: URL, store path: String, seed: UInt64) throws -> Process {
        let process = Process()
        process.executableURL = executable
        process.arguments = [path, String(seed)]
        let output = Pipe()
        let errors = Pipe()
        process.standardOutput = output
        process.standardError = errors
        try process.run()
        var received = Data()
        while !received.contains(Data("ready\n".utf8)) {
            let chunk = output.fileHandleForReading.availableData
            guard !chunk.isEmpty else {
                process.waitUntilExit()
                let message = String(
                    decoding: errors.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
                throw CrashTestError("store-crash-writer exited before it was ready: \(message)")
            }
            received.append(chunk)
        }
        return process
    }

    @Test func killedWriterLeavesOnlyWholeOperations() async throws {
        let executable = try crashWriter()
        let scratch = try ScratchDirectory()
        let path = scratch.path("crash.sqlite")
        var random = SplitMix64(state: 20_240_601)
        var previousCount: Int64 = 0
        for round in 0..<5 {
            let writer = try startWriter(executable, store: path, seed: UInt64(round) + 1)
            // Waits without holding a thread of the cooperative pool (other suites run on it meanwhile).
            try await Task.sleep(for: .microseconds(Int.random(in: 50_000...400_000, using: &random)))
            kill(writer.processIdentifier, SIGKILL)
            writer.waitUntilExit()
            #expect(
                writer.terminationReason == .uncaughtSignal,
                "round \(round): the writer was killed, not done")

            let store = try SQLiteRegistryStore(path: path)
            let verification = try store.verify()
            #expect(verification.isIntact, "round \(round): \(verification)")
            let count = try store.journalCount()
            #expect(
                count > previousCount, "round \(round): the writer performed operations before the kill")
            previousCount = count

            var ledger = Ledger(registryCode: .cdm)
            var after: Int64 = 0
            while true {
                let page = try store.journal(after: after, limit: 500)
                for record in page {
                    let replayed = try ledger.perform(record.entry.command, at: record.entry.time)
                    #expect(
                        replayed == record.entry, "round \(round): entry \(record.sequence) replays the same")
                }
                guard let last = page.last else { break }
                after = last.sequence
            }
            #expect(after == count)
            try expectSameState(store, ledger)
            try store.close()
        }
    }
}

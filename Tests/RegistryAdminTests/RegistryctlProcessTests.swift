import Foundation
import Testing

@testable import RegistryAdmin

/// The built `registryctl` next to the test bundle (swift test builds every product into the same folder).
private let registryctlBinary: String? = {
    let runner = URL(fileURLWithPath: "/proc/self/exe").resolvingSymlinksInPath()
    var folder = runner.deletingLastPathComponent()
    // On Linux the runner is `<bin>/<package>PackageTests.xctest`; on macOS a bundle deeper inside <bin>.
    for _ in 0..<4 {
        let candidate = folder.appendingPathComponent("registryctl").path
        if FileManager.default.isExecutableFile(atPath: candidate) { return candidate }
        folder = folder.deletingLastPathComponent()
    }
    return nil
}()

@Suite("The registryctl executable against a live test server", .enabled(if: registryctlBinary != nil))
struct RegistryctlProcessTests {
    struct Outcome: Sendable {
        let status: Int32
        let standardOutput: String
        let standardError: String
    }

    static func run(_ arguments: [String]) async throws -> Outcome {
        let binary = try #require(registryctlBinary)
        return try await AdminTestSupport.blocking {
            let process = Process()
            process.executableURL = URL(fileURLWithPath: binary)
            process.arguments = arguments
            var environment = ProcessInfo.processInfo.environment
            environment["CDM_REGISTRY_ADMIN_SOCKET"] = nil
            process.environment = environment
            let output = Pipe()
            let error = Pipe()
            process.standardOutput = output
            process.standardError = error
            try process.run()
            let outputData = output.fileHandleForReading.readDataToEndOfFile()
            let errorData = error.fileHandleForReading.readDataToEndOfFile()
            process.waitUntilExit()
            return Outcome(
                status: process.terminationStatus, standardOutput: String(decoding: outputData, as: UTF8.self),
                standardError: String(decoding: errorData, as: UTF8.self))
        }
    }

    /// Answers `status` with a fixed result; everything else as the scripted handler does.
    struct StatusHandler: AdminCommandHandler {
        let scripted = ScriptedAdminHandler()
        func handle(_ request: AdminRequest, caller: AdminCaller) async -> AdminResponse {
            guard request.command == "status" else { return await scripted.handle(request, caller: caller) }
            return .success(id: request.id, ["version": "test", "queueDepth": 2, "peers": [["name": "GB"]]])
        }
    }

    @Test("registryctl status --json prints the result as JSON and exits 0; without --json it prints lines")
    func status() async throws {
        let directory = try AdminTestSupport.makeDirectory()
        defer { AdminTestSupport.removeDirectory(directory) }
        let path = directory + "/admin.sock"
        let server = try await AdminSocketServer.start(
            path: path, handler: StatusHandler(), logger: AdminTestSupport.logger)
        let json = try await Self.run(["--socket", path, "status", "--json"])
        let readable = try await Self.run(["status", "--socket", path])
        let refused = try await Self.run(["--socket", path, "call", "no.such.command"])
        await server.close()

        #expect(json.status == 0, "\(json.standardError)")
        let result = try JSONDecoder().decode(JSONValue.self, from: Data(json.standardOutput.utf8))
        #expect(result == ["version": "test", "queueDepth": 2, "peers": [["name": "GB"]]])
        #expect(readable.status == 0)
        #expect(readable.standardOutput == "queueDepth: 2\nversion:    test\npeers:\n  NAME\n  GB\n")
        #expect(refused.status == 1)
        #expect(refused.standardError == "registryctl: unknown-command: unknown command 'no.such.command'\n")
    }

    @Test("no daemon: exit 3 with the path and a hint; bad usage: exit 2")
    func failures() async throws {
        let directory = try AdminTestSupport.makeDirectory()
        defer { AdminTestSupport.removeDirectory(directory) }
        let missing = try await Self.run(["--socket", directory + "/none.sock", "status"])
        #expect(missing.status == 3)
        #expect(missing.standardError.contains("cannot connect to \(directory)/none.sock: No such file or directory"))
        #expect(missing.standardError.contains("systemctl status cdm-registryd"))
        let usage = try await Self.run(["transfer", "--from", "A"])
        #expect(usage.status == 2)
        #expect(usage.standardError.contains("--to"))
    }
}

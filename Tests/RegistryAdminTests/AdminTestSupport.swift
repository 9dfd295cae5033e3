import Foundation
import Logging
import Testing

@testable import RegistryAdmin

/// A handler whose commands exercise the server: echo, wait (answers later), block (until the test opens a gate),
/// whoami (the caller's credentials); everything else is refused as an unknown command.
final class ScriptedAdminHandler: AdminCommandHandler {
    let gate = AdminTestGate()
    let entered = AdminTestGate()

    func handle(_ request: AdminRequest, caller: AdminCaller) async -> AdminResponse {
        switch request.command {
        case "echo":
            return .success(id: request.id, .object(request.arguments))
        case "wait":
            let milliseconds = request.arguments["milliseconds"]?.integerValue ?? 0
            try? await Task.sleep(for: .milliseconds(milliseconds))
            return .success(id: request.id, .object(request.arguments))
        case "block":
            await entered.open()
            await gate.wait()
            return .success(id: request.id, "released")
        case "whoami":
            return .success(
                id: request.id,
                [
                    "uid": .integer(Int64(caller.uid)), "gid": .integer(Int64(caller.gid)),
                    "pid": .integer(Int64(caller.pid)),
                ])
        case "wrong-id":
            return .success(id: "not-\(request.id)", "answered")
        default:
            return .failure(id: request.id, .unknownCommand(request.command))
        }
    }
}

/// A one-shot latch: `wait` returns once `open` was called, before or after.
actor AdminTestGate {
    private var isOpen = false
    private var waiters: [CheckedContinuation<Void, Never>] = []

    func open() {
        isOpen = true
        for waiter in waiters { waiter.resume() }
        waiters = []
    }

    func wait() async {
        if isOpen { return }
        await withCheckedContinuation { waiters.append($0) }
    }
}

enum AdminTestSupport {
    /// A fresh short directory (Unix socket paths are limited to 107 bytes).
    static func makeDirectory() throws -> String {
        let path = "/tmp/admin-test-" + UUID().uuidString.prefix(8)
        try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: false)
        return path
    }

    static func removeDirectory(_ path: String) {
        try? FileManager.default.removeItem(atPath: path)
    }

    static var logger: Logger {
        var logger = Logger(label: "admin-test")
        logger.logLevel = .critical
        return logger
    }

    /// Runs blocking socket code on its own thread: blocking a cooperative thread could starve the server's
    /// handler on a 2-core machine and hang the test.
    static func blocking<T: Sendable>(_ body: @escaping @Sendable () throws -> T) async throws -> T {
        try await withCheckedThrowingContinuation { continuation in
            let thread = Thread {
                continuation.resume(with: Result { try body() })
            }
            thread.start()
        }
    }

    /// A server on a fresh socket path, closed and cleaned up after `body`.
    static func withServer<T>(
        handler: ScriptedAdminHandler = ScriptedAdminHandler(),
        _ body: (AdminSocketServer, ScriptedAdminHandler) async throws -> T
    ) async throws -> T {
        let directory = try makeDirectory()
        defer { removeDirectory(directory) }
        let server = try await AdminSocketServer.start(
            path: directory + "/admin.sock", handler: handler, logger: logger)
        do {
            let result = try await body(server, handler)
            await server.close()
            return result
        } catch {
            await server.close()
            throw error
        }
    }

    /// Makes a socket file nobody listens on, as a crashed daemon leaves behind.
    static func makeStaleSocket(at path: String) throws {
        let descriptor = try #require(try? UnixDomainSocket.makeStreamSocket().get())
        defer { close(descriptor) }
        var address = sockaddr_un()
        address.sun_family = sa_family_t(AF_UNIX)
        withUnsafeMutableBytes(of: &address.sun_path) { raw in
            let bytes = Array(path.utf8)
            raw.copyBytes(from: bytes)
            raw[bytes.count] = 0
        }
        let result = withUnsafePointer(to: &address) { pointer in
            pointer.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                bind(descriptor, $0, socklen_t(MemoryLayout<sockaddr_un>.size))
            }
        }
        try #require(result == 0, "bind failed: \(String(cString: strerror(errno)))")
    }

    static func fileMode(_ path: String) -> mode_t? {
        var status = stat()
        guard lstat(path, &status) == 0 else { return nil }
        return status.st_mode
    }
}

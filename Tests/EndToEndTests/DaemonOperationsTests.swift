import Foundation
import NIOHTTP1
import RegistryAdmin
import RegistrySandbox
import Testing

/// Issue 6 through the built daemon: systemd notify, the admin socket's mode, registryctl's queue, SIGTERM during a
/// run of transfers with nothing lost, SIGHUP reload.
@Suite("End to end: operating the daemon", .timeLimit(.minutes(3)))
struct DaemonOperationsTests {
    @Test("READY=1 and WATCHDOG=1 reach NOTIFY_SOCKET; socket 0660; registryctl queue; SIGTERM loses nothing")
    func operateTheDaemon() async throws {
        let network = try RegistryNetwork(clockStart: "2020-06-01T00:00:00Z", nationalRegistries: ["JP"])
        let notify = try NotifySocket(path: network.path("notify.sock"))
        try await stopping(network) {
            try await network.startITL()
            try await network.startRegistry("JP")
            try await network.startDaemon(environment: [
                "NOTIFY_SOCKET": notify.path, "WATCHDOG_USEC": "400000",
            ])
            try await eventually("READY=1 and WATCHDOG=1 on the notify socket, got \(notify.messages)") {
                let seen = notify.messages.joined(separator: "\n")
                return seen.contains("READY=1") && seen.contains("WATCHDOG=1")
            }
            let mode = try FileManager.default.attributesOfItem(atPath: network.adminSocket)[.posixPermissions] as? Int
            #expect(mode == 0o660, "admin socket mode \(String(mode ?? 0, radix: 8))")

            try await network.registerProjectAndIssue(last: 1_000, toHolder: 500)

            // Transfers in flight (the ITL holds messages to JP), the queue shows them, then SIGTERM.
            try await network.simulator("ITL", .PUT, "/faults/JP", ["delayMilliseconds": 1_000])
            var proposed: [String] = []
            for _ in 0..<5 {
                let result = try await network.ctl(
                    "transfer", ["from": "CDM-100-5001-0", "to": "JP-100-77-0", "quantity": 10])
                proposed.append(result["transaction"]?.stringValue ?? "")
            }
            let queue = try await network.registryctl(["queue"])
            #expect((queue.arrayValue ?? []).count >= 1, "in-flight transactions are listed: \(queue)")
            network.daemon?.signal(SIGTERM)
            let status = await network.daemon?.waitForExit(timeout: .seconds(40))
            #expect(status == 0, "SIGTERM exits 0")
            #expect(notify.messages.contains { $0.contains("STOPPING=1") })
            try await network.simulator("ITL", .PUT, "/faults/JP", [:])
            try await network.startDaemon()
            for id in proposed { #expect(try await network.awaitFinal(id, timeout: .seconds(60)) == 4) }
            #expect(try await network.nationalQuantity("JP") == 50, "nothing lost, nothing doubled")

            // SIGHUP reloads rules and certificates; the daemon keeps working.
            network.daemon?.signal(SIGHUP)
            try await Task.sleep(for: .milliseconds(500))
            let after = try await network.ctl(
                "transfer", ["from": "CDM-100-5001-0", "to": "JP-100-77-0", "quantity": 5])
            #expect(try await network.awaitFinal(after["transaction"]?.stringValue ?? "") == 4)
            try await network.expectThreeWayAgreement()
        }
    }
}

/// A Unix datagram socket standing in for systemd's notify socket.
final class NotifySocket: @unchecked Sendable {
    let path: String
    private let descriptor: Int32
    private let lock = NSLock()
    private var received: [String] = []

    init(path: String) throws {
        self.path = path
        unlink(path)
        let descriptor = socket(AF_UNIX, Int32(SOCK_DGRAM.rawValue), 0)
        guard descriptor >= 0 else { throw NetworkError("socket() failed") }
        self.descriptor = descriptor
        var address = sockaddr_un()
        address.sun_family = sa_family_t(AF_UNIX)
        withUnsafeMutableBytes(of: &address.sun_path) { buffer in
            for (index, byte) in path.utf8.prefix(buffer.count - 1).enumerated() { buffer[index] = byte }
        }
        let bound = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                bind(descriptor, $0, socklen_t(MemoryLayout<sockaddr_un>.size))
            }
        }
        guard bound == 0 else { throw NetworkError("bind(\(path)) failed") }
        Thread.detachNewThread { [weak self] in
            var buffer = [UInt8](repeating: 0, count: 4096)
            while true {
                let count = recv(descriptor, &buffer, buffer.count, 0)
                guard count > 0, let self else { return }
                let text = String(decoding: buffer[0..<count], as: UTF8.self)
                self.lock.withLock { self.received.append(text) }
            }
        }
    }

    var messages: [String] { lock.withLock { received } }

    deinit {
        shutdown(descriptor, Int32(SHUT_RDWR))
        close(descriptor)
        unlink(path)
    }
}

import Foundation
import Logging
import ServiceLifecycle
import Testing

@testable import RegistryDaemon

/// A fake systemd: a Unix datagram socket bound in a temporary folder (or in the abstract namespace), read with a
/// receive timeout so a missing notification fails the test instead of hanging it.
final class FakeNotifySocket: @unchecked Sendable {
    let address: String
    private let descriptor: Int32
    private let folder: URL?

    init(abstract: Bool = false) throws {
        var folder: URL?
        if abstract {
            address = "@cdm-registryd-test-\(UUID().uuidString)"
        } else {
            let made = URL(fileURLWithPath: "/tmp/cdm-notify-\(UUID().uuidString.prefix(8))")
            try FileManager.default.createDirectory(at: made, withIntermediateDirectories: true)
            folder = made
            address = made.appendingPathComponent("notify.sock").path
        }
        self.folder = folder
        descriptor = socket(AF_UNIX, Int32(SOCK_DGRAM.rawValue), 0)
        guard descriptor >= 0 else { throw SystemdNotifyError(problem: "socket() failed") }
        // Generous: under the whole suite on 2 cores the service task may wait long for a thread.
        var timeout = timeval(tv_sec: 60, tv_usec: 0)
        setsockopt(descriptor, SOL_SOCKET, SO_RCVTIMEO, &timeout, socklen_t(MemoryLayout<timeval>.size))
        var socketAddress = sockaddr_un()
        socketAddress.sun_family = sa_family_t(AF_UNIX)
        var bytes = Array(address.utf8)
        if abstract { bytes[0] = 0 }
        withUnsafeMutableBytes(of: &socketAddress.sun_path) { raw in
            for (index, byte) in bytes.enumerated() { raw[index] = byte }
        }
        let length = socklen_t(2 + bytes.count + (abstract ? 0 : 1))
        let bound = withUnsafePointer(to: &socketAddress) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(descriptor, $0, length) }
        }
        guard bound == 0 else { throw SystemdNotifyError(problem: "bind \(address): errno \(errno)") }
    }

    deinit {
        close(descriptor)
        if let folder { try? FileManager.default.removeItem(at: folder) }
    }

    /// `receive()` on a Dispatch thread: a blocking wait on the 2-core machine's cooperative pool would starve the
    /// very service task that is to send the datagram.
    func receiveAwaitingService() async -> [String]? {
        await withCheckedContinuation { continuation in
            DispatchQueue.global().async { continuation.resume(returning: self.receive()) }
        }
    }

    /// The next datagram's assignments, in order; nil after the receive timeout.
    func receive() -> [String]? {
        var buffer = [UInt8](repeating: 0, count: 4096)
        let count = buffer.withUnsafeMutableBytes { recv(descriptor, $0.baseAddress, $0.count, 0) }
        guard count > 0 else { return nil }
        return String(decoding: buffer[..<count], as: UTF8.self).split(separator: "\n").map(String.init)
    }
}

@Suite struct SystemdNotifierTests {
    @Test func readyStatusWatchdogAndStoppingReachTheNotifySocket() throws {
        let systemd = try FakeNotifySocket()
        let notifier = SystemdNotifier.fromEnvironment(["NOTIFY_SOCKET": systemd.address])
        #expect(notifier.isActive)

        #expect(notifier.ready(status: "listening on 8443"))
        #expect(systemd.receive() == ["READY=1", "MAINPID=\(getpid())", "STATUS=listening on 8443"])
        #expect(notifier.status("in flight 3, outbox 0"))
        #expect(systemd.receive() == ["STATUS=in flight 3, outbox 0"])
        #expect(notifier.watchdog())
        #expect(systemd.receive() == ["WATCHDOG=1"])
        #expect(notifier.stopping())
        #expect(systemd.receive() == ["STOPPING=1", "STATUS=stopping: finishing commits"])
    }

    @Test func reloadingCarriesTheMonotonicTimeSystemdMatchesItBy() throws {
        let systemd = try FakeNotifySocket()
        let notifier = SystemdNotifier.fromEnvironment(["NOTIFY_SOCKET": systemd.address])
        #expect(notifier.reloading())
        let message = try #require(systemd.receive())
        #expect(message.first == "RELOADING=1")
        let micros = try #require(message.dropFirst().first?.split(separator: "=").last.flatMap { Int64($0) })
        #expect(micros > 0)
        #expect(message.last == "STATUS=reloading peer rules and certificates")
    }

    @Test func abstractSocketNamesAreReached() throws {
        let systemd = try FakeNotifySocket(abstract: true)
        let notifier = SystemdNotifier.fromEnvironment(["NOTIFY_SOCKET": systemd.address])
        #expect(notifier.ready())
        #expect(systemd.receive() == ["READY=1", "MAINPID=\(getpid())"])
    }

    @Test func statusTextCannotInjectAnotherAssignment() throws {
        let systemd = try FakeNotifySocket()
        let notifier = SystemdNotifier.fromEnvironment(["NOTIFY_SOCKET": systemd.address])
        #expect(notifier.status("peer GB down\nREADY=1"))
        #expect(systemd.receive() == ["STATUS=peer GB down READY=1"])
    }

    @Test func withoutNotifySocketEveryCallIsASilentNoOp() {
        let notifier = SystemdNotifier.fromEnvironment(["WATCHDOG_USEC": "30000000"])
        #expect(!notifier.isActive)
        #expect(notifier.watchdogInterval == nil)
        #expect(!notifier.ready(status: "x"))
        #expect(!notifier.stopping())
        #expect(!notifier.watchdog())
    }

    @Test func unreachableNotifySocketReportsFailureWithoutThrowing() {
        let notifier = SystemdNotifier.fromEnvironment(["NOTIFY_SOCKET": "/tmp/no-such-folder-cdm/notify.sock"])
        #expect(notifier.isActive)
        #expect(!notifier.ready())
        let relative = SystemdNotifier.fromEnvironment(["NOTIFY_SOCKET": "relative/notify.sock"])
        #expect(!relative.ready())
    }

    @Test func watchdogIntervalComesFromWatchdogUsecForThisProcessOnly() {
        let mine = SystemdNotifier.fromEnvironment(
            ["NOTIFY_SOCKET": "/run/systemd/notify", "WATCHDOG_USEC": "30000000", "WATCHDOG_PID": "\(getpid())"])
        #expect(mine.watchdogInterval == .seconds(30))
        let unset = SystemdNotifier.fromEnvironment(
            ["NOTIFY_SOCKET": "/run/systemd/notify", "WATCHDOG_USEC": "30000000"])
        #expect(unset.watchdogInterval == .seconds(30))
        let other = SystemdNotifier.fromEnvironment(
            ["NOTIFY_SOCKET": "/run/systemd/notify", "WATCHDOG_USEC": "30000000", "WATCHDOG_PID": "1"],
            processID: 4242)
        #expect(other.watchdogInterval == nil)
        let garbage = SystemdNotifier.fromEnvironment(["NOTIFY_SOCKET": "/run/systemd/notify", "WATCHDOG_USEC": "x"])
        #expect(garbage.watchdogInterval == nil)
        let turnedOff = SystemdNotifier.fromEnvironment(
            ["NOTIFY_SOCKET": "/run/systemd/notify", "WATCHDOG_USEC": "30000000"], watchdog: false)
        #expect(turnedOff.watchdogInterval == nil)
    }

    @Test func watchdogServicePingsWithTheStatusAtHalfTheInterval() async throws {
        let systemd = try FakeNotifySocket()
        let notifier = SystemdNotifier.fromEnvironment(["NOTIFY_SOCKET": systemd.address, "WATCHDOG_USEC": "60000000"])
        let service = WatchdogService(notifier: notifier) { "in flight 3, outbox 0" }
        #expect(service.period == .seconds(30))
        let group = Self.group(running: service)
        let running = Task { try await group.run() }
        // The first ping goes out at once: systemd's first deadline counts from READY=1.
        let first = await systemd.receiveAwaitingService()
        #expect(first == ["WATCHDOG=1", "STATUS=in flight 3, outbox 0"])
        await group.triggerGracefulShutdown()
        try await running.value
    }

    /// The services run as in the daemon: inside a service group, which tells them about graceful shutdown.
    static func group(running service: WatchdogService) -> ServiceGroup {
        ServiceGroup(
            configuration: ServiceGroupConfiguration(services: [.init(service: service)], logger: Logger(label: "test"))
        )
    }

    @Test func watchdogServiceStopsOnGracefulShutdown() async throws {
        let systemd = try FakeNotifySocket()
        let notifier = SystemdNotifier.fromEnvironment(["NOTIFY_SOCKET": systemd.address, "WATCHDOG_USEC": "2000000"])
        let service = WatchdogService(notifier: notifier) { "idle" }
        let group = Self.group(running: service)
        let running = Task { try await group.run() }
        let first = await systemd.receiveAwaitingService()
        #expect(first == ["WATCHDOG=1", "STATUS=idle"])
        await group.triggerGracefulShutdown()
        try await running.value
    }

    @Test func withoutSystemdTheWatchdogServiceOnlyWaitsForShutdown() async throws {
        let service = WatchdogService(notifier: SystemdNotifier.fromEnvironment([:])) { "never asked" }
        #expect(service.period == nil)
        let group = Self.group(running: service)
        let running = Task { try await group.run() }
        await group.triggerGracefulShutdown()
        try await running.value
    }

    @Test func underSystemdWithoutWatchdogOnlyStatusIsRefreshed() async throws {
        let systemd = try FakeNotifySocket()
        let notifier = SystemdNotifier.fromEnvironment(["NOTIFY_SOCKET": systemd.address])
        let service = WatchdogService(notifier: notifier, statusInterval: .seconds(60)) { "outbox 2" }
        let group = Self.group(running: service)
        let running = Task { try await group.run() }
        let first = await systemd.receiveAwaitingService()
        #expect(first == ["STATUS=outbox 2"])
        await group.triggerGracefulShutdown()
        try await running.value
    }
}

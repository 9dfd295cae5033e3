import Foundation

/// The sd_notify protocol, implemented directly (no libsystemd): one datagram of newline-separated `KEY=value`
/// assignments to the Unix socket named by `$NOTIFY_SOCKET` (a path, or an abstract name when it starts with '@').
/// Without `$NOTIFY_SOCKET` (not started by systemd with Type=notify) every call is a silent no-op.
public struct SystemdNotifier: Sendable {
    /// Where the datagrams go; nil: not under systemd.
    public let socketPath: String?
    /// systemd's watchdog interval (`WatchdogSec=` as `$WATCHDOG_USEC`); nil when the watchdog is off or meant for
    /// another process (`$WATCHDOG_PID`).
    public let watchdogInterval: Duration?

    public init(socketPath: String?, watchdogInterval: Duration?) {
        self.socketPath = socketPath.flatMap { $0.isEmpty ? nil : $0 }
        self.watchdogInterval = watchdogInterval
    }

    /// Reads `NOTIFY_SOCKET`, `WATCHDOG_USEC` and `WATCHDOG_PID` once at start-up (the environment is passed in so
    /// tests can point it at their own socket). `watchdog: false` ([systemd] watchdog = false) ignores the watchdog.
    public static func fromEnvironment(
        _ environment: [String: String] = ProcessInfo.processInfo.environment, processID: pid_t = getpid(),
        watchdog: Bool = true
    ) -> SystemdNotifier {
        let socket = environment["NOTIFY_SOCKET"]
        var interval: Duration?
        if watchdog, socket != nil, let text = environment["WATCHDOG_USEC"], let micros = UInt64(text), micros > 0,
            micros <= UInt64(Int64.max)
        {
            // sd_watchdog_enabled(): a WATCHDOG_PID naming another process means the pings are not ours to send.
            let forUs = environment["WATCHDOG_PID"].map { pid_t($0) == processID } ?? true
            if forUs { interval = .microseconds(Int64(micros)) }
        }
        return SystemdNotifier(socketPath: socket, watchdogInterval: interval)
    }

    /// True when started by systemd with a notify socket.
    public var isActive: Bool { socketPath != nil }

    /// READY=1 once the listeners are bound: systemd then reports the unit started and orders dependants after it.
    @discardableResult
    public func ready(status: String? = nil) -> Bool {
        send(["READY=1", "MAINPID=\(getpid())"] + (status.map { ["STATUS=\(Self.singleLine($0))"] } ?? []))
    }

    /// STOPPING=1 as graceful shutdown begins, so `systemctl status` shows "deactivating" while commits finish.
    @discardableResult
    public func stopping(status: String? = "stopping: finishing commits") -> Bool {
        send(["STOPPING=1"] + (status.map { ["STATUS=\(Self.singleLine($0))"] } ?? []))
    }

    /// RELOADING=1 as a SIGHUP reload begins (follow with `ready()` when done); MONOTONIC_USEC is what systemd
    /// 253's Type=notify-reload needs to match the reload to its request.
    @discardableResult
    public func reloading(status: String? = "reloading peer rules and certificates") -> Bool {
        var now = timespec()
        clock_gettime(CLOCK_MONOTONIC, &now)
        let micros = Int64(now.tv_sec) * 1_000_000 + Int64(now.tv_nsec) / 1_000
        return send(
            ["RELOADING=1", "MONOTONIC_USEC=\(micros)"] + (status.map { ["STATUS=\(Self.singleLine($0))"] } ?? []))
    }

    /// STATUS= text shown by `systemctl status` (e.g. the queue depth).
    @discardableResult
    public func status(_ text: String) -> Bool {
        send(["STATUS=\(Self.singleLine(text))"])
    }

    /// WATCHDOG=1, optionally with a fresh STATUS= in the same datagram.
    @discardableResult
    public func watchdog(status: String? = nil) -> Bool {
        send(["WATCHDOG=1"] + (status.map { ["STATUS=\(Self.singleLine($0))"] } ?? []))
    }

    /// Sends the assignments as one datagram. Returns false when not under systemd or when sending failed:
    /// notification is best effort, a lost datagram must never stop the registry (systemd's own timeouts act).
    @discardableResult
    public func send(_ assignments: [String]) -> Bool {
        guard let socketPath else { return false }
        do {
            try Self.deliver(assignments.joined(separator: "\n") + "\n", to: socketPath)
            return true
        } catch {
            return false
        }
    }

    /// A newline would start a new assignment: STATUS text is kept on one line.
    static func singleLine(_ text: String) -> String {
        text.replacingOccurrences(of: "\r", with: " ").replacingOccurrences(of: "\n", with: " ")
    }

    static func deliver(_ message: String, to socketPath: String) throws(SystemdNotifyError) {
        var address = sockaddr_un()
        address.sun_family = sa_family_t(AF_UNIX)
        let abstract = socketPath.hasPrefix("@")
        var pathBytes = Array(socketPath.utf8)
        // An abstract socket name starts with a NUL byte in place of '@' and has no terminating NUL.
        if abstract { pathBytes[0] = 0 }
        let capacity = MemoryLayout.size(ofValue: address.sun_path)
        guard pathBytes.count < capacity, socketPath.hasPrefix("/") || abstract else {
            throw SystemdNotifyError(problem: "NOTIFY_SOCKET '\(socketPath)' is not an absolute path or @name")
        }
        withUnsafeMutableBytes(of: &address.sun_path) { raw in
            for (index, byte) in pathBytes.enumerated() { raw[index] = byte }
        }
        let pathOffset = MemoryLayout<sockaddr_un>.offset(of: \.sun_path) ?? 2
        let length = socklen_t(pathOffset + pathBytes.count + (abstract ? 0 : 1))

        #if canImport(Glibc)
            let descriptor = socket(AF_UNIX, Int32(SOCK_DGRAM.rawValue) | Int32(SOCK_CLOEXEC.rawValue), 0)
        #else
            let descriptor = socket(AF_UNIX, SOCK_DGRAM, 0)
        #endif
        guard descriptor >= 0 else {
            throw SystemdNotifyError(problem: "socket(): \(String(cString: strerror(errno)))")
        }
        defer { close(descriptor) }
        let bytes = Array(message.utf8)
        let sent = withUnsafePointer(to: &address) { pointer in
            pointer.withMemoryRebound(to: sockaddr.self, capacity: 1) { socketAddress in
                bytes.withUnsafeBytes { buffer in
                    sendto(descriptor, buffer.baseAddress, buffer.count, 0, socketAddress, length)
                }
            }
        }
        guard sent == bytes.count else {
            throw SystemdNotifyError(problem: "sendto \(socketPath): \(String(cString: strerror(errno)))")
        }
    }
}

/// Why a notification could not be sent (the socket path is bad, or the datagram was refused).
public struct SystemdNotifyError: Error, CustomStringConvertible {
    public var problem: String
    public var description: String { "systemd notify: \(problem)" }
}

import Foundation
import Synchronization

/// One party of the test network running as its own process.
///
/// No process outlives the suite: each child is started through `setpriv --pdeathsig KILL` (the kernel kills it if
/// the test runner dies, even by a crash), and `stop()`/`kill()` are called by every test's teardown.
public final class ChildProcess: Sendable {
    public let name: String
    private let process: Process
    private let console = Console()
    public let logPath: String

    /// Starts `executable` and waits until it prints its `READY ...` line (returned), or fails with its log.
    public init(
        name: String, executable: URL, arguments: [String], logDirectory: URL, timeout: Duration = .seconds(30),
        environment: [String: String] = [:]
    ) async throws {
        self.name = name
        let process = Process()
        if FileManager.default.isExecutableFile(atPath: "/usr/bin/setpriv") {
            process.executableURL = URL(fileURLWithPath: "/usr/bin/setpriv")
            process.arguments = ["--pdeathsig", "KILL", "--", executable.path] + arguments
        } else {
            process.executableURL = executable
            process.arguments = arguments
        }
        if !environment.isEmpty {
            process.environment = ProcessInfo.processInfo.environment.merging(environment) { _, new in new }
        }
        let log = logDirectory.appendingPathComponent("\(name).log")
        FileManager.default.createFile(atPath: log.path, contents: nil)
        logPath = log.path
        let logHandle = try FileHandle(forWritingTo: log)
        process.standardError = logHandle
        let stdout = Pipe()
        process.standardOutput = stdout
        self.process = process
        let console = console
        try ProcessSpawner.run(process)
        // Its standard output read with read(2) on a thread of its own, until end of file or any error. (Foundation's
        // `readabilityHandler` + `availableData` traps on an error: a full suite run crashed on EBADF there.)
        let reading = stdout.fileHandleForReading
        Thread.detachNewThread {
            var buffer = [UInt8](repeating: 0, count: 4096)
            while true {
                let count = read(reading.fileDescriptor, &buffer, buffer.count)
                if count > 0 {
                    console.append(Data(buffer[0..<count]))
                } else if count < 0 && errno == EINTR {
                    continue
                } else {
                    return
                }
            }
        }
        let deadline = ContinuousClock.now.advanced(by: timeout)
        while console.readyLine == nil {
            guard process.isRunning else {
                throw NetworkError("\(name) exited (\(process.terminationStatus)) before it was ready:\n\(tail())")
            }
            guard ContinuousClock.now < deadline else {
                kill()
                throw NetworkError("\(name) was not ready within \(timeout):\n\(tail())")
            }
            try await Task.sleep(for: .milliseconds(20))
        }
    }

    /// The `READY key=value ...` line's values.
    public var readyValues: [String: String] {
        let line = console.readyLine ?? ""
        var values: [String: String] = [:]
        for part in line.split(separator: " ").dropFirst() {
            let pair = part.split(separator: "=", maxSplits: 1)
            if pair.count == 2 { values[String(pair[0])] = String(pair[1]) }
        }
        return values
    }

    public var isRunning: Bool { process.isRunning }
    public var processIdentifier: Int32 { process.processIdentifier }

    /// Sends a signal (SIGHUP to reload, SIGTERM to stop) without waiting.
    public func signal(_ number: Int32) { Foundation.kill(process.processIdentifier, number) }

    /// Waits for the process to exit and returns its status (nil if still running after `timeout`).
    public func waitForExit(timeout: Duration = .seconds(30)) async -> Int32? {
        let deadline = ContinuousClock.now.advanced(by: timeout)
        while process.isRunning && ContinuousClock.now < deadline { try? await Task.sleep(for: .milliseconds(20)) }
        return process.isRunning ? nil : process.terminationStatus
    }

    /// SIGTERM, then SIGKILL if it has not exited within `grace`; returns the exit status.
    @discardableResult
    public func stop(grace: Duration = .seconds(10)) async -> Int32 {
        guard process.isRunning else { return process.terminationStatus }
        process.terminate()
        let deadline = ContinuousClock.now.advanced(by: grace)
        while process.isRunning && ContinuousClock.now < deadline { try? await Task.sleep(for: .milliseconds(20)) }
        if process.isRunning { kill() }
        process.waitUntilExit()
        return process.terminationStatus
    }

    /// SIGKILL now: the crash the registry must survive.
    public func kill() {
        guard process.isRunning else { return }
        Foundation.kill(process.processIdentifier, SIGKILL)
        process.waitUntilExit()
    }

    /// The end of the process's log, for failure messages.
    public func tail(lines: Int = 40) -> String {
        let text = (try? String(contentsOfFile: logPath, encoding: .utf8)) ?? ""
        return text.split(separator: "\n").suffix(lines).joined(separator: "\n")
    }

    deinit { kill() }
}

/// What a child printed on stdout, and its READY line once seen.
final class Console: Sendable {
    private let state = Mutex<(text: String, ready: String?)>(("", nil))

    func append(_ data: Data) {
        state.withLock { state in
            state.text += String(decoding: data, as: UTF8.self)
            if state.ready == nil, let line = state.text.split(separator: "\n").first(where: { $0.hasPrefix("READY") }) {
                state.ready = String(line)
            }
        }
    }

    var readyLine: String? { state.withLock { $0.ready } }
}

public struct NetworkError: Error, CustomStringConvertible {
    public var description: String
    public init(_ description: String) { self.description = description }
}

/// Starts child processes from one thread that lives as long as the test process: `--pdeathsig` fires when the
/// spawning THREAD ends, so spawning from a pool thread that the runtime later retires would kill a child mid-test.
enum ProcessSpawner {
    private static let condition = NSCondition()
    nonisolated(unsafe) private static var work: [() -> Void] = []
    nonisolated(unsafe) private static let thread: Thread = {
        let thread = Thread {
            while true {
                condition.lock()
                while work.isEmpty { condition.wait() }
                let next = work.removeFirst()
                condition.unlock()
                next()
            }
        }
        thread.name = "e2e-process-spawner"
        thread.start()
        return thread
    }()

    static func run(_ process: Process) throws {
        _ = thread
        let done = DispatchSemaphore(value: 0)
        nonisolated(unsafe) var failure: (any Error)?
        condition.lock()
        work.append {
            do { try process.run() } catch { failure = error }
            done.signal()
        }
        condition.signal()
        condition.unlock()
        done.wait()
        if let failure { throw failure }
    }
}

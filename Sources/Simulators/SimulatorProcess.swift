import Dispatch
import Foundation

/// What `itl-sim` and `registry-sim` share as processes: the READY line a harness waits for, and a clean exit on
/// SIGTERM or SIGINT.
public enum SimulatorProcess {
    /// Prints `READY des=<port> admin=<port>` (admin=0 when no admin endpoint is configured) and flushes, once both
    /// listeners are bound, so a harness reading stdout knows the ports it may connect to.
    public static func announceReady(desPort: Int, adminPort: Int?) {
        FileHandle.standardOutput.write(Data("READY des=\(desPort) admin=\(adminPort ?? 0)\n".utf8))
    }

    /// Stops SIGTERM and SIGINT from killing the process and turns them into an awaitable event; call at start-up.
    public static func terminationSignals() -> TerminationSignals { TerminationSignals() }

    /// Writes `name: message` to stderr and exits 2 (configuration and start-up problems).
    public static func exit(_ name: String, _ message: String) -> Never {
        FileHandle.standardError.write(Data("\(name): \(message)\n".utf8))
        Foundation.exit(2)
    }

    /// The path after `--config`, or a usage message and exit 2.
    public static func configurationPath(_ name: String, arguments: [String] = CommandLine.arguments) -> String {
        guard let flag = arguments.firstIndex(of: "--config"), flag + 1 < arguments.count else {
            exit(name, "usage: \(name) --config <configuration.json>")
        }
        return arguments[flag + 1]
    }

    /// Keeps `object` until the process exits: an HTTP client released by a failed start (a port already in use)
    /// would trap in its deinit (it checks that it was shut down) instead of letting the start-up error be reported.
    public static func retainedUntilExit<T: AnyObject & Sendable>(_ object: T) -> T {
        kept.withLock { $0.append(object) }
        return object
    }

    private static let kept = Protected<[AnyObject & Sendable]>([])
}

/// SIGTERM and SIGINT as an async stream (DispatchSource: the signal handler itself does nothing unsafe).
public final class TerminationSignals: Sendable {
    private let stream: AsyncStream<Int32>
    private let sources: Protected<[any DispatchSourceSignal]>

    init() {
        let (stream, continuation) = AsyncStream<Int32>.makeStream()
        var sources: [any DispatchSourceSignal] = []
        for number in [SIGTERM, SIGINT] {
            signal(number, SIG_IGN)
            let source = DispatchSource.makeSignalSource(signal: number, queue: .global())
            source.setEventHandler { continuation.yield(number) }
            source.resume()
            sources.append(source)
        }
        self.stream = stream
        self.sources = Protected(sources)
    }

    /// Returns the first signal received.
    public func wait() async -> Int32 {
        var iterator = stream.makeAsyncIterator()
        let number = await iterator.next() ?? SIGTERM
        sources.withLock { sources in
            for source in sources { source.cancel() }
        }
        return number
    }
}

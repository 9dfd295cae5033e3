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

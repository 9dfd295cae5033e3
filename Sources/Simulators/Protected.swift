import Foundation

/// A value shared between NIO event loops, actors and tasks, guarded by a lock (Foundation's, so the package keeps
/// its macOS 14 floor, which `Synchronization.Mutex` would raise).
final class Protected<Value>: @unchecked Sendable {
    private let lock = NSLock()
    private var value: Value

    init(_ value: Value) { self.value = value }

    func withLock<Result>(_ body: (inout Value) throws -> Result) rethrows -> Result {
        lock.lock()
        defer { lock.unlock() }
        return try body(&value)
    }
}

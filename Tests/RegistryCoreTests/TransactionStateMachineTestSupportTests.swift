import Foundation
import Testing

@testable import RegistryCore

/// A clock that only moves when a test advances it, so 24-hour timeouts run in microseconds.
final class ManualTransactionClock: Clock, @unchecked Sendable {
    struct Instant: InstantProtocol, Codable, CustomStringConvertible {
        /// Time since the clock's origin.
        var offset: Duration

        func advanced(by duration: Duration) -> Instant { Instant(offset: offset + duration) }
        func duration(to other: Instant) -> Duration { other.offset - offset }
        static func < (lhs: Instant, rhs: Instant) -> Bool { lhs.offset < rhs.offset }
        var description: String { "t+\(offset)" }
    }

    private let lock = NSLock()
    private var current: Instant

    init(at start: Instant = Instant(offset: .zero)) { current = start }

    var now: Instant { lock.withLock { current } }
    var minimumResolution: Duration { .microseconds(1) }

    func advance(by duration: Duration) { lock.withLock { current = current.advanced(by: duration) } }

    /// Returns once a test advanced the clock past the deadline; never sleeps on the wall clock.
    func sleep(until deadline: Instant, tolerance: Duration?) async throws {
        while now < deadline {
            try Task.checkCancellation()
            await Task.yield()
        }
    }
}

typealias TestMachine = TransactionStateMachine<ManualTransactionClock>

/// Hours after the clock's origin.
func hours(_ count: Int) -> ManualTransactionClock.Instant {
    ManualTransactionClock.Instant(offset: .seconds(count * 3_600))
}

@Suite struct TransactionStateMachineTestSupportTests {
    @Test func manualClockMovesOnlyWhenAdvanced() {
        let clock = ManualTransactionClock()
        let before = clock.now
        clock.advance(by: .seconds(86_400))
        #expect(before.duration(to: clock.now) == .seconds(86_400))
        #expect(clock.now == hours(24))
    }
}

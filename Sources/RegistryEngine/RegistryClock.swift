import Foundation
import Synchronization

/// An instant of registry time: a duration since the Unix epoch, so it is stored as a number and read back after a
/// restart, unlike `ContinuousClock.Instant`, which only means something inside one process.
public struct RegistryInstant: InstantProtocol, Codable, Sendable, CustomStringConvertible {
    public var sinceEpoch: Duration

    public init(sinceEpoch: Duration) { self.sinceEpoch = sinceEpoch }

    public init(_ date: Date) {
        let seconds = date.timeIntervalSince1970
        let whole = seconds.rounded(.down)
        self.sinceEpoch = .seconds(Int64(whole)) + .nanoseconds(Int64(((seconds - whole) * 1e9).rounded()))
    }

    public var date: Date {
        let (seconds, attoseconds) = sinceEpoch.components
        return Date(timeIntervalSince1970: Double(seconds) + Double(attoseconds) / 1e18)
    }

    public func advanced(by duration: Duration) -> RegistryInstant { RegistryInstant(sinceEpoch: sinceEpoch + duration) }
    public func duration(to other: RegistryInstant) -> Duration { other.sinceEpoch - sinceEpoch }
    public static func < (lhs: RegistryInstant, rhs: RegistryInstant) -> Bool { lhs.sinceEpoch < rhs.sinceEpoch }

    public var description: String { date.formatted(.iso8601) }
}

/// The registry's clock: the wall clock, or the wall clock's pace from a configured start instant (so a test
/// network can run on 2020-12-31 and cross into 2021), or a manual clock that tests advance by hand (24-hour
/// timeouts in microseconds, never sleeps).
public struct RegistryClock: Clock, Sendable {
    public typealias Instant = RegistryInstant
    public typealias Duration = Swift.Duration

    private enum Source: Sendable {
        case wall(offset: Swift.Duration)
        case manual(ManualTime)
    }

    private let source: Source

    /// The real time.
    public static var wall: RegistryClock { RegistryClock(source: .wall(offset: .zero)) }

    /// Starts at `start` now and runs at the wall clock's pace.
    public static func starting(at start: Date) -> RegistryClock {
        let offset = RegistryInstant(start).sinceEpoch - RegistryInstant(Date()).sinceEpoch
        return RegistryClock(source: .wall(offset: offset))
    }

    /// A clock that stands still until `advance(by:)`.
    public static func manual(at start: Date) -> RegistryClock {
        RegistryClock(source: .manual(ManualTime(RegistryInstant(start))))
    }

    public var now: RegistryInstant {
        switch source {
        case .wall(let offset): RegistryInstant(sinceEpoch: RegistryInstant(Date()).sinceEpoch + offset)
        case .manual(let time): time.now
        }
    }

    public var minimumResolution: Swift.Duration { .microseconds(1) }

    /// Moves a manual clock forward (no effect on a wall clock).
    public func advance(by duration: Swift.Duration) {
        if case .manual(let time) = source { time.advance(by: duration) }
    }

    public func sleep(until deadline: RegistryInstant, tolerance: Swift.Duration?) async throws {
        switch source {
        case .wall:
            try await Task.sleep(for: max(.zero, now.duration(to: deadline)))
        case .manual:
            // Manual time moves only when a test says so; poll briefly so a sleeper wakes after `advance`.
            while now < deadline { try await Task.sleep(for: .milliseconds(1)) }
        }
    }
}

/// The shared, movable time of manual clocks.
final class ManualTime: Sendable {
    private let instant: Mutex<RegistryInstant>

    init(_ start: RegistryInstant) { instant = Mutex(start) }

    var now: RegistryInstant { instant.withLock { $0 } }

    func advance(by duration: Duration) { instant.withLock { $0 = $0.advanced(by: duration) } }
}

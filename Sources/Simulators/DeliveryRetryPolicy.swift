/// How `OrderedDelivery` retries a message that could not be delivered: exponential back-off with jitter, capped.
///
/// Jitter ("equal jitter": a random wait between half and all of the back-off) keeps the simulators' retries from
/// arriving in lock-step at a registry that has just come back.
public struct DeliveryRetryPolicy: Hashable, Sendable {
    /// The wait after the first failed attempt.
    public var initial: Duration
    /// The back-off doubles per failed attempt up to this.
    public var maximum: Duration
    /// Attempts in all (the first included) before the message is given up and logged.
    public var maximumAttempts: Int

    public init(initial: Duration = .milliseconds(100), maximum: Duration = .seconds(2), maximumAttempts: Int = 20) {
        self.initial = initial
        self.maximum = maximum
        self.maximumAttempts = maximumAttempts
    }

    public static let standard = DeliveryRetryPolicy()

    /// The back-off before attempt `failedAttempts + 1`, without jitter (never above `maximum`).
    public func backoff(afterFailedAttempts failedAttempts: Int) -> Duration {
        let exponent = min(max(failedAttempts - 1, 0), 40)
        let initialSeconds = Self.seconds(initial)
        let uncapped = initialSeconds * Double(sign: .plus, exponent: exponent, significand: 1)
        // Capped again at about 285 years so the conversion to whole milliseconds can never overflow.
        let milliseconds = min(min(uncapped, Self.seconds(maximum)) * 1000, 9e15).rounded()
        return .milliseconds(Int64(max(milliseconds, 0)))
    }

    /// The wait actually used: a random point between half and all of the back-off.
    public func jitteredBackoff(afterFailedAttempts failedAttempts: Int) -> Duration {
        let backoff = backoff(afterFailedAttempts: failedAttempts)
        return backoff * Double.random(in: 0.5...1.0)
    }

    static func seconds(_ duration: Duration) -> Double {
        let parts = duration.components
        return Double(parts.seconds) + Double(parts.attoseconds) / 1e18
    }
}

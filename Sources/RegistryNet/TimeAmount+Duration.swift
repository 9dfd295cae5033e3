import NIOCore

extension TimeAmount {
    /// Configuration speaks `Duration`, NIO speaks `TimeAmount`; saturates instead of trapping on absurd values.
    init(_ duration: Duration) {
        let (seconds, attoseconds) = duration.components
        let (nanoseconds, overflow) = seconds.multipliedReportingOverflow(by: 1_000_000_000)
        if overflow {
            self = .nanoseconds(seconds < 0 ? .min : .max)
            return
        }
        let (total, sumOverflow) = nanoseconds.addingReportingOverflow(attoseconds / 1_000_000_000)
        self = .nanoseconds(sumOverflow ? (nanoseconds < 0 ? .min : .max) : total)
    }
}

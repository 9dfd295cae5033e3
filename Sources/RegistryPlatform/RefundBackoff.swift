import Foundation

/// When each owed order's refund may be asked again after the provider did not make it: 30 s, then doubling up to
/// an hour, so a provider that is down is not asked about every owed order every two seconds. In memory: after a
/// restart every owed order is asked at once, once.
final class RefundBackoff: @unchecked Sendable {
    private let lock = NSLock()
    private var waits: [Int64: (failures: Int, next: Date)] = [:]

    func isDue(_ order: Int64, now: Date) -> Bool {
        lock.withLock { waits[order].map { $0.next <= now } ?? true }
    }

    /// A failed attempt; returns when the next may be made.
    @discardableResult
    func failed(_ order: Int64, now: Date) -> Date {
        lock.withLock {
            let failures = (waits[order]?.failures ?? 0) + 1
            let next = now.addingTimeInterval(min(3_600, 30 * pow(2, Double(min(failures - 1, 10)))))
            waits[order] = (failures, next)
            return next
        }
    }

    func succeeded(_ order: Int64) { _ = lock.withLock { waits.removeValue(forKey: order) } }
}

import Foundation
import Metrics

/// The online platform's metrics (docs/OPERATIONS.md, "Metrics"): orders by status and the buyers' mail queue,
/// sampled by every maintenance pass, and counters of refunds and e-mails. Label values are the order statuses
/// only; order numbers never appear in labels.
public struct PlatformMetrics: Sendable {
    public enum Name {
        public static let orders = "cdm_platform_orders"
        public static let mailWaiting = "cdm_platform_mail_waiting"
        public static let refunds = "cdm_platform_refunds_total"
        public static let mailSent = "cdm_platform_mail_sent_total"
        public static let mailFailures = "cdm_platform_mail_failures_total"
    }

    /// nil: the process's `MetricsSystem` (Prometheus in the daemon), read when a metric is first used.
    let factory: (any MetricsFactory)?

    public init(factory: (any MetricsFactory)? = nil) {
        self.factory = factory
    }

    private var backend: any MetricsFactory { factory ?? MetricsSystem.factory }

    /// Every status is set, zeros included, so a status that emptied reads 0 rather than its last count.
    func orders(_ counts: [OrderStatus: Int]) {
        for status in OrderStatus.allCases {
            Gauge(label: Name.orders, dimensions: [("status", status.rawValue)], factory: backend)
                .record(counts[status] ?? 0)
        }
    }

    func mailWaiting(_ count: Int) {
        Gauge(label: Name.mailWaiting, dimensions: [], factory: backend).record(count)
    }

    func refunded() { Counter(label: Name.refunds, dimensions: [], factory: backend).increment() }

    func mailSent() { Counter(label: Name.mailSent, dimensions: [], factory: backend).increment() }

    func mailFailed() { Counter(label: Name.mailFailures, dimensions: [], factory: backend).increment() }
}

import Foundation
import RegistryCore

/// The ITL's outbound path with faults: applies each registry's `ITLFaultPlan` and hands what survives, with the
/// plan's delay, to `deliver` (in the executable `OrderedDelivery.enqueue`, which keeps the order per registry).
///
/// `deliver` is called under the gate's lock, so messages reach it in exactly the order the gate released them.
public final class FaultInjectingOutbound: ITLOutbound, Sendable {
    private let gate = Protected(ITLFaultGate())
    private let deliver: @Sendable (ITLOutboundMessage, Duration) -> Void

    /// `deliver` must not block (it runs under a lock): queue the message and return.
    public init(deliver: @escaping @Sendable (_ message: ITLOutboundMessage, _ delay: Duration) -> Void) {
        self.deliver = deliver
    }

    /// Sends through an `OrderedDelivery`: per-registry order, retries on transport failure.
    public convenience init(delivery: OrderedDelivery) {
        self.init { message, delay in delivery.enqueue(message.request, to: message.recipient, after: delay) }
    }

    /// Sets a registry's faults; messages held while it was offline (or for reordering) go out now, in order.
    public func setPlan(_ plan: ITLFaultPlan, for registry: RegistryCode) {
        gate.withLock { gate in
            for message in gate.setPlan(plan, for: registry) { deliver(message, plan.delay) }
        }
    }

    public func plan(for registry: RegistryCode) -> ITLFaultPlan { gate.withLock { $0.plan(for: registry) } }

    /// Every registry with a plan set, with its plan (the admin endpoint's `GET /faults`).
    public var plans: [RegistryCode: ITLFaultPlan] { gate.withLock { $0.plans } }

    /// True when the ITL's own server should answer this registry with HTTP 500 (the server asks per request).
    public func answersWithServerError(to registry: RegistryCode) -> Bool {
        plan(for: registry).answerWithServerError
    }

    public func enqueue(_ message: ITLOutboundMessage) {
        gate.withLock { gate in
            let delay = gate.plan(for: message.recipient).delay
            for sendable in gate.admit(message) { deliver(sendable, delay) }
        }
    }
}

import Foundation
import RegistryCore

/// The ITL's outbound path with faults: applies each registry's `ITLFaultPlan` and hands what survives to
/// `deliver` (the executable's HTTPS sender), after the plan's delay, each message in its own task.
public final class FaultInjectingOutbound: ITLOutbound, Sendable {
    private let gate = LockedGate()
    private let deliver: @Sendable (ITLOutboundMessage) async -> Void

    public init(deliver: @escaping @Sendable (ITLOutboundMessage) async -> Void) {
        self.deliver = deliver
    }

    /// Sets a registry's faults; messages held while it was offline (or for reordering) go out now.
    public func setPlan(_ plan: ITLFaultPlan, for registry: RegistryCode) {
        send(gate.withGate { $0.setPlan(plan, for: registry) }, delay: plan.delay)
    }

    public func plan(for registry: RegistryCode) -> ITLFaultPlan { gate.withGate { $0.plan(for: registry) } }

    /// True when the ITL's own server should answer this registry with HTTP 500 (the server asks per request).
    public func answersWithServerError(to registry: RegistryCode) -> Bool {
        plan(for: registry).answerWithServerError
    }

    public func enqueue(_ message: ITLOutboundMessage) {
        let (sendable, delay) = gate.withGate { gate in
            (gate.admit(message), gate.plan(for: message.recipient).delay)
        }
        send(sendable, delay: delay)
    }

    private func send(_ messages: [ITLOutboundMessage], delay: Duration) {
        guard !messages.isEmpty else { return }
        let deliver = deliver
        // One task for the batch keeps a reordered or duplicated pair in the order the gate chose.
        Task {
            if delay > .zero { try? await Task.sleep(for: delay) }
            for message in messages { await deliver(message) }
        }
    }
}

/// `ITLFaultGate` under a lock (the relay enqueues from its actor, tests set plans from theirs).
private final class LockedGate: @unchecked Sendable {
    private let lock = NSLock()
    private var gate = ITLFaultGate()

    func withGate<T>(_ body: (inout ITLFaultGate) -> T) -> T { lock.withLock { body(&gate) } }
}

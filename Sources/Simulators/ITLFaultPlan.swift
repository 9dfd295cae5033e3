import RegistryCore

/// Faults the ITL simulator injects for one registry, set by tests and scenarios (the end-to-end suite needs an
/// ITL that is late, silent, repetitive, out of order or down, as the real one was at times).
public struct ITLFaultPlan: Hashable, Sendable {
    /// Every message to the registry waits this long before it is sent.
    public var delay: Duration
    /// The next this-many messages to the registry are dropped (counted down as they go).
    public var dropNext: Int
    /// Every message to the registry is sent twice (the registry must treat the repeat as already known).
    public var duplicate: Bool
    /// Messages are held in pairs and the later one is sent first.
    public var reorder: Bool
    /// The ITL's own server answers this registry's requests with HTTP 500 and no SOAP body.
    public var answerWithServerError: Bool
    /// The registry is unreachable: messages wait, in order, until it is online again.
    public var offline: Bool

    public init(
        delay: Duration = .zero, dropNext: Int = 0, duplicate: Bool = false, reorder: Bool = false,
        answerWithServerError: Bool = false, offline: Bool = false
    ) {
        self.delay = delay
        self.dropNext = dropNext
        self.duplicate = duplicate
        self.reorder = reorder
        self.answerWithServerError = answerWithServerError
        self.offline = offline
    }

    /// No faults: messages go out at once, once, in order.
    public static let none = ITLFaultPlan()
}

/// The state behind the fault plans: which messages go out now, which wait. A value, so it is tested without I/O;
/// `FaultInjectingOutbound` holds it under a lock and performs the sends.
public struct ITLFaultGate: Sendable {
    public private(set) var plans: [RegistryCode: ITLFaultPlan] = [:]
    private var heldForReorder: [RegistryCode: ITLOutboundMessage] = [:]
    private var heldWhileOffline: [RegistryCode: [ITLOutboundMessage]] = [:]

    public init() {}

    public func plan(for registry: RegistryCode) -> ITLFaultPlan { plans[registry] ?? .none }

    /// Changes a registry's plan; returns what becomes sendable (messages held while it was offline, or one held
    /// for reordering when reordering is switched off).
    public mutating func setPlan(_ plan: ITLFaultPlan, for registry: RegistryCode) -> [ITLOutboundMessage] {
        plans[registry] = plan
        guard !plan.offline else { return [] }
        var released = heldWhileOffline.removeValue(forKey: registry) ?? []
        if !plan.reorder, let held = heldForReorder.removeValue(forKey: registry) { released.append(held) }
        return released
    }

    /// What to send now for one message the relay enqueued, in sending order.
    public mutating func admit(_ message: ITLOutboundMessage) -> [ITLOutboundMessage] {
        let registry = message.recipient
        var plan = plan(for: registry)
        if plan.dropNext > 0 {
            plan.dropNext -= 1
            plans[registry] = plan
            return []
        }
        if plan.offline {
            heldWhileOffline[registry, default: []].append(message)
            return []
        }
        var sendable = [message]
        if plan.reorder {
            guard let earlier = heldForReorder.removeValue(forKey: registry) else {
                heldForReorder[registry] = message
                return []
            }
            sendable = [message, earlier]
        }
        return plan.duplicate ? sendable.flatMap { [$0, $0] } : sendable
    }
}

/// The ITL simulator's own on/off switch (admin `PUT /offline`): while offline its DES endpoint answers every request
/// with HTTP 503 and no SOAP body, which is what "the ITL is offline when the daemon proposes" means in the
/// end-to-end suite. Independent of the per-registry `ITLFaultPlan`s.
public final class ITLAvailability: Sendable {
    private let offline = Protected(false)

    public init(offline: Bool = false) { self.offline.withLock { $0 = offline } }

    public var isOffline: Bool { offline.withLock { $0 } }

    public func set(offline value: Bool) { offline.withLock { $0 = value } }
}

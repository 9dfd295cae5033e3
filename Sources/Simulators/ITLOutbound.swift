import DES
import RegistryCore

/// A message the ITL sends on its own initiative: a relayed proposal or a status notification.
public struct ITLOutboundMessage: Hashable, Sendable {
    public var recipient: RegistryCode
    public var request: DESRequest

    public init(recipient: RegistryCode, request: DESRequest) {
        self.recipient = recipient
        self.request = request
    }
}

/// Where the relay puts what it sends: the executable delivers over HTTPS (with faults injected if configured),
/// tests collect in memory. Enqueueing never blocks the relay: the registry that proposed gets its synchronous
/// acknowledgement before any notification about the proposal reaches it, as with the real ITL.
public protocol ITLOutbound: Sendable {
    func enqueue(_ message: ITLOutboundMessage)
}

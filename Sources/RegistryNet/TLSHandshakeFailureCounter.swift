/// Why an inbound TLS handshake was refused; the daemon exports these as metrics (a burst of `unknownCA` or
/// `expired` from one peer is an operational signal: a certificate rollover went wrong).
public enum TLSHandshakeFailureReason: String, CaseIterable, Hashable, Sendable {
    /// The client presented no certificate (mutual TLS is required on every DES endpoint).
    case noCertificate = "no_certificate"
    /// The client certificate does not chain to the configured CA.
    case unknownCA = "unknown_ca"
    /// The client certificate chains to the CA but its validity period has ended.
    case expired = "expired"
    /// Anything else: not TLS at all, protocol version or cipher mismatch, bad purpose, aborted handshake.
    case other = "other"
}

/// Counts refused handshakes by reason; safe to read from any thread while servers update it.
public final class TLSHandshakeFailureCounter: Sendable {
    private let counts = LockedValue([TLSHandshakeFailureReason: Int]())

    public init() {}

    public func record(_ reason: TLSHandshakeFailureReason) {
        counts.withLock { $0[reason, default: 0] &+= 1 }
    }

    public func count(_ reason: TLSHandshakeFailureReason) -> Int {
        counts.withLock { $0[reason, default: 0] }
    }

    /// Every reason with its count (zeros included), for a metrics exporter.
    public var snapshot: [TLSHandshakeFailureReason: Int] {
        counts.withLock { current in
            Dictionary(uniqueKeysWithValues: TLSHandshakeFailureReason.allCases.map { ($0, current[$0, default: 0]) })
        }
    }

    public var total: Int { counts.withLock { $0.values.reduce(0, &+) } }
}

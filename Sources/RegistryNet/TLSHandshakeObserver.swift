import Foundation
import Logging
import NIOCore
import NIOSSL
import NIOTLS

/// Sits right behind the TLS handler of one inbound connection: counts and logs refused handshakes by reason, and
/// reports established ones. BoringSSL stays the only judge of the certificate; this handler only watches.
final class TLSHandshakeObserver: ChannelInboundHandler, RemovableChannelHandler {
    typealias InboundIn = ByteBuffer

    private let rejection: RejectedCertificateRecord
    private let trustedCASubjects: [[SSLCertificateName]]
    private let failures: TLSHandshakeFailureCounter
    private let onEstablished: (Channel) -> Void
    private let logger: Logger
    private var handshakeCompleted = false
    private var failureRecorded = false

    init(
        rejection: RejectedCertificateRecord, trustedCASubjects: [[SSLCertificateName]],
        failures: TLSHandshakeFailureCounter, logger: Logger, onEstablished: @escaping (Channel) -> Void
    ) {
        self.rejection = rejection
        self.trustedCASubjects = trustedCASubjects
        self.failures = failures
        self.logger = logger
        self.onEstablished = onEstablished
    }

    func userInboundEventTriggered(context: ChannelHandlerContext, event: Any) {
        if case TLSUserEvent.handshakeCompleted = event, !handshakeCompleted {
            handshakeCompleted = true
            onEstablished(context.channel)
        }
        context.fireUserInboundEventTriggered(event)
    }

    func errorCaught(context: ChannelHandlerContext, error: Error) {
        guard !handshakeCompleted else {
            context.fireErrorCaught(error)
            return
        }
        if !failureRecorded {
            failureRecorded = true
            let reason = Self.classify(
                error: error, rejectedCertificate: rejection.certificate, trustedCASubjects: trustedCASubjects,
                now: Date())
            failures.record(reason)
            var metadata: Logger.Metadata = ["reason": "\(reason.rawValue)", "error": "\(error)"]
            if let remote = context.remoteAddress { metadata["remote"] = "\(remote)" }
            if let certificate = rejection.certificate {
                metadata["peer"] = "\(PeerIdentity(certificate: certificate))"
            }
            logger.warning("TLS handshake refused", metadata: metadata)
        }
        context.close(promise: nil)
    }

    /// Names the reason of a failed handshake. BoringSSL reports every chain failure as CERTIFICATE_VERIFY_FAILED on
    /// the server side, so the reason is read from the certificate it refused: an issuer that is none of the trusted
    /// CAs is `unknownCA` (checked first, as BoringSSL builds the chain before it checks dates), then the dates.
    static func classify(
        error: Error, rejectedCertificate: NIOSSLCertificate?, trustedCASubjects: [[SSLCertificateName]], now: Date
    ) -> TLSHandshakeFailureReason {
        if let certificate = rejectedCertificate {
            if !trustedCASubjects.contains(certificate.issuerName) { return .unknownCA }
            let seconds = Int(now.timeIntervalSince1970)
            if Int(certificate.notValidAfter) < seconds { return .expired }
            return .other
        }
        let text = String(describing: error)
        if text.contains("PEER_DID_NOT_RETURN_A_CERTIFICATE") || text.contains("CERTIFICATE_REQUIRED") {
            return .noCertificate
        }
        return .other
    }
}

/// The first certificate BoringSSL refused on one connection, written by the verification callback (which runs on the
/// connection's event loop inside the handshake) and read by `TLSHandshakeObserver` on the same loop.
final class RejectedCertificateRecord {
    var certificate: NIOSSLCertificate?

    /// The per-certificate callback: records the first failure and returns BoringSSL's own verdict unchanged.
    func observe(_ verdict: NIOSSLVerificationResult, _ certificate: NIOSSLCertificate) -> NIOSSLVerificationResult {
        if verdict == .failed, self.certificate == nil { self.certificate = certificate }
        return verdict
    }
}

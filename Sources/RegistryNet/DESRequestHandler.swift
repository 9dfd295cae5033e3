/// One DES SOAP request as it arrived over mutual TLS: bytes and the authenticated peer, not yet decoded (RegistryNet
/// moves bytes; the DES codec and the engine decide what they mean).
public struct DESInboundRequest: Sendable {
    /// The `SOAPAction` header with surrounding quotes removed (SOAP 1.1 §6.1.1 quotes it); nil if absent.
    public var soapAction: String?
    public var body: [UInt8]
    /// From the certificate BoringSSL validated for this connection; compare with the message's `from` through
    /// `PeerDirectory.authenticate(claimedFrom:peer:)` before acting on it.
    public var peer: PeerIdentity

    public init(soapAction: String?, body: [UInt8], peer: PeerIdentity) {
        self.soapAction = soapAction
        self.body = body
        self.peer = peer
    }
}

/// The answer to one DES request. SOAP 1.1 sends faults with status 500 and `text/xml`.
public struct DESOutboundResponse: Sendable {
    public var status: Int
    public var contentType: String
    public var body: [UInt8]

    public init(status: Int, contentType: String = "text/xml; charset=utf-8", body: [UInt8]) {
        self.status = status
        self.contentType = contentType
        self.body = body
    }
}

/// What the daemon (the Engine) and the simulators plug into `DESHTTPSServer`.
///
/// Called once per request, after TLS authenticated the peer and the body arrived within the limit. A thrown error
/// becomes a plain 500 (logged), so a handler should turn its own failures into SOAP faults instead.
public protocol DESRequestHandler: Sendable {
    func handle(_ request: DESInboundRequest) async throws -> DESOutboundResponse
}

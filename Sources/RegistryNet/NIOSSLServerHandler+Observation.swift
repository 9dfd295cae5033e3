import NIOSSL

/// Builds the TLS server handler with BoringSSL's per-certificate verification callback, the only hook that sees the
/// certificate BoringSSL refused while leaving the verdict to BoringSSL. NIOSSL marks that initialiser deprecated in
/// favour of a callback that *replaces* verification, which we do not want: chain checks stay in BoringSSL.
enum ObservingServerHandlerFactory {
    static func make(context: NIOSSLContext, recordingInto record: RejectedCertificateRecord) throws
        -> NIOSSLServerHandler
    {
        let factory: any ServerHandlerMaking = LegacyVerificationCallbackFactory()
        return try factory.make(context: context, record: record)
    }
}

private protocol ServerHandlerMaking {
    func make(context: NIOSSLContext, record: RejectedCertificateRecord) throws -> NIOSSLServerHandler
}

private struct LegacyVerificationCallbackFactory: ServerHandlerMaking {
    @available(*, deprecated, message: "uses NIOSSL's observing verification callback on purpose, see above")
    func make(context: NIOSSLContext, record: RejectedCertificateRecord) throws -> NIOSSLServerHandler {
        try NIOSSLServerHandler(context: context, verificationCallback: record.observe)
    }
}

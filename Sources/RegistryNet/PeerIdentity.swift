/// Who is at the other end of a mutually authenticated connection, as its certificate says.
public struct PeerIdentity: Hashable, Sendable {
    /// The certificate subject's common name, if any.
    public var commonName: String?
    /// DNS and IP subject alternative names.
    public var subjectAlternativeNames: [String]

    public init(commonName: String?, subjectAlternativeNames: [String]) {
        self.commonName = commonName
        self.subjectAlternativeNames = subjectAlternativeNames
    }
}

/// Who is at the other end of a mutually authenticated connection, as its validated certificate says.
///
/// Built only from a certificate that passed chain validation against the configured CA, so the names can be trusted
/// as far as that CA is trusted; `PeerDirectory` maps them to a registry code.
public struct PeerIdentity: Hashable, Sendable, CustomStringConvertible {
    /// The certificate subject's common name, if any (development certificates put the registry code here).
    public var commonName: String?
    /// The subject alternative names (DNS, IP, URI, e-mail), in certificate order.
    public var subjectAlternativeNames: [SubjectAlternativeName]

    public init(commonName: String?, subjectAlternativeNames: [SubjectAlternativeName]) {
        self.commonName = commonName
        self.subjectAlternativeNames = subjectAlternativeNames
    }

    public var description: String {
        let names = subjectAlternativeNames.map(\.description).joined(separator: ", ")
        return "CN=\(commonName ?? "<none>") SAN=[\(names)]"
    }
}

/// One subject alternative name of a certificate, typed so that a DNS name can never match a URI by accident.
public enum SubjectAlternativeName: Hashable, Sendable, CustomStringConvertible {
    case dns(String)
    /// Textual form: dotted quad for IPv4, eight uncompressed hexadecimal groups for IPv6.
    case ipAddress(String)
    case uri(String)
    case email(String)

    public var description: String {
        switch self {
        case .dns(let name): "DNS:\(name)"
        case .ipAddress(let address): "IP:\(address)"
        case .uri(let uri): "URI:\(uri)"
        case .email(let address): "email:\(address)"
        }
    }
}

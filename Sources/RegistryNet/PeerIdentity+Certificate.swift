import NIOSSL

extension PeerIdentity {
    /// Reads the subject common name and the subject alternative names of a (validated) certificate.
    ///
    /// Names that are not valid UTF-8, and IP entries of a length other than 4 or 16 bytes, are skipped rather than
    /// guessed at: an identity is either read exactly or not at all.
    public init(certificate: NIOSSLCertificate) {
        let commonName = certificate.subjectName.first(where: { $0.type == .commonName })?.value
        var names: [SubjectAlternativeName] = []
        for name in certificate._subjectAlternativeNames() {
            let bytes = Array(name.contents)
            switch name.nameType {
            case .dnsName:
                if let text = String(validating: bytes, as: UTF8.self) { names.append(.dns(text)) }
            case .uri:
                if let text = String(validating: bytes, as: UTF8.self) { names.append(.uri(text)) }
            case .email:
                if let text = String(validating: bytes, as: UTF8.self) { names.append(.email(text)) }
            case .ipAddress:
                if let text = Self.ipAddressText(bytes) { names.append(.ipAddress(text)) }
            default:
                continue
            }
        }
        self.init(commonName: commonName, subjectAlternativeNames: names)
    }

    private static func ipAddressText(_ bytes: [UInt8]) -> String? {
        switch bytes.count {
        case 4:
            return bytes.map(String.init).joined(separator: ".")
        case 16:
            var groups: [String] = []
            for index in stride(from: 0, to: 16, by: 2) {
                let value = UInt16(bytes[index]) << 8 | UInt16(bytes[index + 1])
                groups.append(String(value, radix: 16))
            }
            return groups.joined(separator: ":")
        default:
            return nil
        }
    }
}

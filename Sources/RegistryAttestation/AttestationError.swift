/// Why an attestation document could not be made or does not verify. Each case says what is wrong; none says
/// more than the document itself shows, so the text can be shown to whoever presented the document.
public enum AttestationError: Error, Hashable, Sendable, CustomStringConvertible {
    case noSignatureLine
    case malformedSignatureLine(String)
    case unsupportedFormatVersion(String)
    case textAfterSignature(byteCount: Int)
    case unknownKey(String)
    case algorithmMismatch(keyIdentifier: String, line: String, key: AttestationAlgorithm)
    case signatureMismatch(keyIdentifier: String)
    case missingData
    case malformedData(String)
    case textDoesNotMatchData
    case signingFailed(String)

    public var description: String {
        switch self {
        case .noSignatureLine: "the document has no cdm-attestation-signature line"
        case .malformedSignatureLine(let detail): "the signature line is malformed: \(detail)"
        case .unsupportedFormatVersion(let version): "signature format \(version) is not supported (v1 expected)"
        case .textAfterSignature(let count): "\(count) byte(s) follow the signature line; nothing may follow it"
        case .unknownKey(let identifier): "unknown key id \(identifier): no verification key has that identifier"
        case .algorithmMismatch(let identifier, let line, let key):
            "the signature line says \(line) but key \(identifier) is an \(key) key"
        case .signatureMismatch(let identifier):
            "the signature does not match the document for key \(identifier): the document was changed"
        case .missingData: "the document has no attestation-data element"
        case .malformedData(let detail): "the embedded attestation data is malformed: \(detail)"
        case .textDoesNotMatchData:
            "the document's text is not the rendering of its embedded data (signed, but not by this software's rules)"
        case .signingFailed(let detail): "signing failed: \(detail)"
        }
    }
}

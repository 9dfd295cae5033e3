/// Why a signing or verification key could not be read or written: the file (or "PEM text") and the problem.
public struct AttestationKeyError: Error, Hashable, Sendable, CustomStringConvertible {
    /// The file path, or `PEM text` when the key came from a string.
    public let source: String
    public let problem: Problem

    public init(source: String, problem: Problem) {
        self.source = source
        self.problem = problem
    }

    public var description: String { "\(source): \(problem)" }

    public enum Problem: Error, Hashable, Sendable, CustomStringConvertible {
        case unreadable(String)
        case notUTF8
        case noKeyBlock(expected: String, found: [String])
        case pemBoundaryMismatch(begin: String, end: String)
        case pemBadBase64(label: String)
        case pemUnterminated(label: String)
        case severalKeys(label: String)
        case encryptedKey(label: String)
        case malformedDER(label: String, detail: String)
        case unsupportedAlgorithm(String)
        case unsupportedCurve(String)
        case unsupportedVersion(Int)
        case invalidKey(algorithm: AttestationAlgorithm, detail: String)
        case alreadyExists
        case writeFailed(String)

        public var description: String {
            switch self {
            case .unreadable(let reason): "cannot read the key file (\(reason))"
            case .notUTF8: "the key file is not text (PEM expected)"
            case .noKeyBlock(let expected, let found):
                found.isEmpty
                    ? "no PEM block found (expected \(expected))"
                    : "no \(expected) PEM block (found \(found.joined(separator: ", ")))"
            case .pemBoundaryMismatch(let begin, let end): "PEM block BEGIN \(begin) is closed by '\(end)'"
            case .pemBadBase64(let label): "the \(label) PEM block is not valid base64"
            case .pemUnterminated(let label): "the \(label) PEM block has no END line"
            case .severalKeys(let label): "more than one \(label) PEM block; a key file holds one key"
            case .encryptedKey(let label):
                "the \(label) PEM block is encrypted; decrypt it first (openssl pkey -in KEY -out PLAIN)"
            case .malformedDER(let label, let detail): "the \(label) PEM block is not a valid key structure: \(detail)"
            case .unsupportedAlgorithm(let oid):
                "key algorithm \(oid)\(Self.knownName(oid)) is not supported (Ed25519 or ECDSA P-256 expected)"
            case .unsupportedCurve(let oid):
                "elliptic curve \(oid)\(Self.knownName(oid)) is not supported (P-256 expected)"
            case .unsupportedVersion(let version): "key structure version \(version) is not supported"
            case .invalidKey(let algorithm, let detail): "not a valid \(algorithm) key: \(detail)"
            case .alreadyExists: "the file already exists; a key file is never overwritten"
            case .writeFailed(let reason): "cannot write the key file (\(reason))"
            }
        }

        private static func knownName(_ oid: String) -> String {
            let names = [
                "1.2.840.113549.1.1.1": "RSA", "1.3.101.113": "Ed448", "1.3.101.110": "X25519",
                "1.3.101.111": "X448", "1.3.132.0.34": "P-384", "1.3.132.0.35": "P-521", "1.3.132.0.10": "secp256k1",
            ]
            return names[oid].map { " (\($0))" } ?? ""
        }
    }
}

/// The signature algorithms an attestation may be signed with, named as the signature line spells them.
///
/// Ed25519 is the default (small deterministic signatures); ECDSA P-256 with SHA-256 is there for operators whose
/// key policy or HSM requires a NIST curve.
public enum AttestationAlgorithm: String, Hashable, Sendable, CaseIterable, CustomStringConvertible {
    case ed25519 = "Ed25519"
    /// ECDSA over P-256 with SHA-256; the signature is DER-encoded, as `openssl dgst -sha256 -sign` writes it.
    case p256 = "ECDSA-P256-SHA256"

    public var description: String { rawValue }
}

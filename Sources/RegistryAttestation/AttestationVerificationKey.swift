import Crypto
import Foundation

/// A public key that checks attestation signatures, known by its key identifier.
///
/// A verifier holds several (the current key and the keys it replaced), and the signature line names the one
/// that signed: that is how keys rotate without invalidating attestations already issued.
public struct AttestationVerificationKey: Sendable, CustomStringConvertible {
    let key: AttestationKeyEncoding.PublicKey
    /// The first 16 hex digits of the SHA-256 of the DER SubjectPublicKeyInfo.
    ///
    /// Hashing the SubjectPublicKeyInfo (not the bare key bytes) binds the algorithm into the identifier and lets
    /// anyone recompute it: `openssl pkey -pubin -in pub.pem -outform DER | sha256sum | cut -c1-16`.
    public let keyIdentifier: String

    init(key: AttestationKeyEncoding.PublicKey) {
        self.key = key
        let digest = SHA256.hash(data: AttestationKeyEncoding.subjectPublicKeyInfo(key))
        keyIdentifier = String(digest.map { String(format: "%02x", $0) }.joined().prefix(16))
    }

    /// Reads a `PUBLIC KEY` (SubjectPublicKeyInfo) PEM, as `openssl pkey -pubout` writes it.
    public init(pem text: String, source: String = "PEM text") throws(AttestationKeyError) {
        do { self.init(key: try AttestationKeyEncoding.publicKey(pem: text)) } catch {
            throw AttestationKeyError(source: source, problem: error)
        }
    }

    /// Reads the public key file at `path`; errors name the file.
    public init(pemFile path: String) throws(AttestationKeyError) {
        try self.init(pem: try KeyFile.read(path), source: path)
    }

    /// The verification key of a signing key.
    public init(_ signingKey: AttestationSigningKey) {
        self = signingKey.verificationKey
    }

    public var algorithm: AttestationAlgorithm {
        switch key {
        case .ed25519: .ed25519
        case .p256: .p256
        }
    }

    /// `PUBLIC KEY` PEM (SubjectPublicKeyInfo), for publishing next to the attestations.
    public var publicKeyPEM: String {
        PEMBlock(label: "PUBLIC KEY", der: AttestationKeyEncoding.subjectPublicKeyInfo(key)).text
    }

    public var description: String { "\(algorithm) verification key \(keyIdentifier)" }

    /// Whether `signature` (raw Ed25519, or DER ECDSA) is this key's over `bytes`.
    func isValidSignature(_ signature: [UInt8], for bytes: ArraySlice<UInt8>) -> Bool {
        switch key {
        case .ed25519(let key):
            return signature.count == 64 && key.isValidSignature(signature, for: bytes)
        case .p256(let key):
            guard let parsed = try? P256.Signing.ECDSASignature(derRepresentation: signature),
                Array(parsed.derRepresentation) == signature
            else { return false }
            return key.isValidSignature(parsed, for: bytes)
        }
    }
}

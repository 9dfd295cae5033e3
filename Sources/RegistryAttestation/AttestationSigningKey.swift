import Crypto
import Foundation

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// The registry's private key for signing attestations: Ed25519 or ECDSA P-256, kept in a PEM file.
///
/// Its description names the algorithm and key id only, so that logging or printing a key never shows its secret.
public struct AttestationSigningKey: Sendable, CustomStringConvertible, CustomDebugStringConvertible {
    let key: AttestationKeyEncoding.PrivateKey

    public var algorithm: AttestationAlgorithm {
        switch key {
        case .ed25519: .ed25519
        case .p256: .p256
        }
    }

    /// A fresh random key.
    public static func generate(_ algorithm: AttestationAlgorithm) -> AttestationSigningKey {
        switch algorithm {
        case .ed25519: AttestationSigningKey(key: .ed25519(Curve25519.Signing.PrivateKey()))
        case .p256: AttestationSigningKey(key: .p256(P256.Signing.PrivateKey()))
        }
    }

    init(key: AttestationKeyEncoding.PrivateKey) {
        self.key = key
    }

    /// Reads a PKCS#8 `PRIVATE KEY` (Ed25519 or P-256) or a SEC1 `EC PRIVATE KEY` (P-256), as openssl writes them.
    public init(pem text: String, source: String = "PEM text") throws(AttestationKeyError) {
        do { key = try AttestationKeyEncoding.privateKey(pem: text) } catch {
            throw AttestationKeyError(source: source, problem: error)
        }
    }

    /// Reads the key file at `path`; errors name the file.
    public init(pemFile path: String) throws(AttestationKeyError) {
        try self.init(pem: try KeyFile.read(path), source: path)
    }

    /// The key as PKCS#8 `PRIVATE KEY` PEM, which openssl and this type read back.
    public var pemRepresentation: String {
        switch key {
        case .ed25519(let key): PEMBlock(label: "PRIVATE KEY", der: AttestationKeyEncoding.pkcs8(ed25519: key)).text
        case .p256(let key): PEMBlock(label: "PRIVATE KEY", der: Array(key.derRepresentation)).text
        }
    }

    /// Writes the key to a new file readable by its owner only; an existing file is never replaced, so a key in
    /// use cannot be lost to a mistyped command.
    public func writePEM(to path: String) throws(AttestationKeyError) {
        try KeyFile.create(path, contents: pemRepresentation, mode: 0o600)
    }

    /// The key that checks this key's signatures.
    public var verificationKey: AttestationVerificationKey {
        switch key {
        case .ed25519(let key): AttestationVerificationKey(key: .ed25519(key.publicKey))
        case .p256(let key): AttestationVerificationKey(key: .p256(key.publicKey))
        }
    }

    /// `PUBLIC KEY` PEM of the verification key, for publishing.
    public var publicKeyPEM: String { verificationKey.publicKeyPEM }

    /// The key identifier the signature line names (see `AttestationVerificationKey.keyIdentifier`).
    public var keyIdentifier: String { verificationKey.keyIdentifier }

    public var description: String { "\(algorithm) signing key \(keyIdentifier)" }
    public var debugDescription: String { description }

    /// The signature over `bytes`: 64 raw bytes for Ed25519, DER for ECDSA P-256 (openssl's form).
    func signature(for bytes: [UInt8]) throws(AttestationError) -> [UInt8] {
        do {
            switch key {
            case .ed25519(let key): return Array(try key.signature(for: bytes))
            case .p256(let key): return Array(try key.signature(for: bytes).derRepresentation)
            }
        } catch {
            throw .signingFailed(String(describing: error))
        }
    }
}

/// Reading and creating key files with errors that say what went wrong with which file.
enum KeyFile {
    static func read(_ path: String) throws(AttestationKeyError) -> String {
        let data: Data
        do { data = try Data(contentsOf: URL(fileURLWithPath: path)) } catch {
            let reason = FileManager.default.fileExists(atPath: path) ? "\(error.localizedDescription)" : "no such file"
            throw AttestationKeyError(source: path, problem: .unreadable(reason))
        }
        guard let text = String(data: data, encoding: .utf8) else {
            throw AttestationKeyError(source: path, problem: .notUTF8)
        }
        return text
    }

    static func create(_ path: String, contents: String, mode: mode_t) throws(AttestationKeyError) {
        let descriptor = open(path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, mode)
        guard descriptor >= 0 else {
            let code = errno
            let problem: AttestationKeyError.Problem =
                code == EEXIST ? .alreadyExists : .writeFailed(String(cString: strerror(code)))
            throw AttestationKeyError(source: path, problem: problem)
        }
        var failure: Int32 = 0
        let bytes = Array(contents.utf8)
        var written = 0
        while written < bytes.count {
            let count = bytes[written...].withUnsafeBytes { write(descriptor, $0.baseAddress, $0.count) }
            if count < 0 {
                if errno == EINTR { continue }
                failure = errno
                break
            }
            written += count
        }
        if failure == 0, fsync(descriptor) != 0 { failure = errno }
        close(descriptor)
        if failure != 0 {
            unlink(path)
            throw AttestationKeyError(source: path, problem: .writeFailed(String(cString: strerror(failure))))
        }
    }
}

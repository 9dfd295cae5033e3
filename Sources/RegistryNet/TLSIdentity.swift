import Foundation
import NIOSSL

/// Where a party's TLS material lives: its certificate (chain), its private key and the CA that peers must chain to.
///
/// Read once at start-up (STYLE.md: configuration is a typed value), loaded by `load()` which names the file and the
/// problem when something is wrong, so a misconfigured daemon stops before it listens.
public struct TLSIdentity: Hashable, Sendable, Codable {
    /// PEM file: this party's certificate first, then any intermediates.
    public var certificatePath: String
    /// PEM file: the private key (PKCS#8 `BEGIN PRIVATE KEY` or SEC1/PKCS#1), unencrypted.
    public var privateKeyPath: String
    /// PEM file: the CA certificate(s) every peer certificate must chain to (and nothing else is trusted).
    public var trustedCAPath: String

    public init(certificatePath: String, privateKeyPath: String, trustedCAPath: String) {
        self.certificatePath = certificatePath
        self.privateKeyPath = privateKeyPath
        self.trustedCAPath = trustedCAPath
    }

    /// Reads and checks the three files: each exists and parses, and the key belongs to the certificate.
    public func load() throws(TLSIdentityError) -> LoadedTLSIdentity {
        let chain = try Self.certificates(at: certificatePath, role: .certificate)
        let trustRoots = try Self.certificates(at: trustedCAPath, role: .trustedCA)
        try Self.requireReadable(privateKeyPath, role: .privateKey)
        let key: NIOSSLPrivateKey
        do {
            key = try NIOSSLPrivateKey(file: privateKeyPath, format: .pem)
        } catch {
            throw TLSIdentityError(path: privateKeyPath, problem: .unreadableKey("\(error)"))
        }
        // BoringSSL refuses a key that does not match the leaf certificate when both are put in one context.
        var probe = TLSConfiguration.makeServerConfiguration(
            certificateChain: chain.map { .certificate($0) }, privateKey: .privateKey(key))
        probe.trustRoots = .certificates(trustRoots)
        do {
            _ = try NIOSSLContext(configuration: probe)
        } catch {
            throw TLSIdentityError(path: privateKeyPath, problem: .keyDoesNotMatchCertificate(certificatePath))
        }
        return LoadedTLSIdentity(certificateChain: chain, privateKey: key, trustRoots: trustRoots)
    }

    private static func requireReadable(_ path: String, role: TLSIdentityError.Role) throws(TLSIdentityError) {
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory) else {
            throw TLSIdentityError(path: path, problem: .missingFile(role))
        }
        guard !isDirectory.boolValue, FileManager.default.isReadableFile(atPath: path) else {
            throw TLSIdentityError(path: path, problem: .unreadableFile(role))
        }
    }

    private static func certificates(at path: String, role: TLSIdentityError.Role) throws(TLSIdentityError)
        -> [NIOSSLCertificate]
    {
        try requireReadable(path, role: role)
        let certificates: [NIOSSLCertificate]
        do {
            certificates = try NIOSSLCertificate.fromPEMFile(path)
        } catch {
            throw TLSIdentityError(path: path, problem: .unparsableCertificate(role, "\(error)"))
        }
        guard !certificates.isEmpty else {
            throw TLSIdentityError(path: path, problem: .unparsableCertificate(role, "no PEM certificate in the file"))
        }
        return certificates
    }
}

/// A party's TLS material after it has been read and checked; what the server and the client are built from.
public struct LoadedTLSIdentity: Sendable {
    public var certificateChain: [NIOSSLCertificate]
    public var privateKey: NIOSSLPrivateKey
    public var trustRoots: [NIOSSLCertificate]

    public init(certificateChain: [NIOSSLCertificate], privateKey: NIOSSLPrivateKey, trustRoots: [NIOSSLCertificate]) {
        self.certificateChain = certificateChain
        self.privateKey = privateKey
        self.trustRoots = trustRoots
    }

    /// This party's own identity as its certificate states it (what peers will see).
    public var ownIdentity: PeerIdentity? { certificateChain.first.map(PeerIdentity.init(certificate:)) }
}

/// Why TLS material could not be loaded; always names the file.
public struct TLSIdentityError: Error, Hashable, Sendable, CustomStringConvertible {
    /// Which of the three configured files a problem is about.
    public enum Role: String, Hashable, Sendable {
        case certificate = "certificate"
        case privateKey = "private key"
        case trustedCA = "trusted CA certificate"
    }

    public enum Problem: Hashable, Sendable {
        case missingFile(Role)
        case unreadableFile(Role)
        case unparsableCertificate(Role, String)
        case unreadableKey(String)
        /// The key is fine but is not the key of the certificate at the given path.
        case keyDoesNotMatchCertificate(String)
    }

    public var path: String
    public var problem: Problem

    public init(path: String, problem: Problem) {
        self.path = path
        self.problem = problem
    }

    public var description: String {
        switch problem {
        case .missingFile(let role): "\(role.rawValue) file \(path) does not exist"
        case .unreadableFile(let role): "\(role.rawValue) file \(path) is not a readable file"
        case .unparsableCertificate(let role, let detail):
            "\(role.rawValue) file \(path) holds no usable PEM certificate: \(detail)"
        case .unreadableKey(let detail): "private key file \(path) is not an unencrypted PEM private key: \(detail)"
        case .keyDoesNotMatchCertificate(let certificate):
            "private key file \(path) does not belong to the certificate in \(certificate)"
        }
    }
}

import Crypto
import Foundation

/// Reading and writing the key structures openssl uses: PKCS#8 `PRIVATE KEY` (RFC 5208/5958, RFC 8410 for
/// Ed25519), SEC1 `EC PRIVATE KEY` (RFC 5915) and SubjectPublicKeyInfo `PUBLIC KEY` (RFC 5280).
///
/// Done here rather than by swift-crypto because swift-crypto knows Ed25519 keys only as raw bytes, and because
/// an operator deserves to be told which algorithm or curve a refused key file holds.
enum AttestationKeyEncoding {
    static let ed25519OID: [UInt8] = [0x2b, 0x65, 0x70]  // 1.3.101.112
    static let ecPublicKeyOID: [UInt8] = [0x2a, 0x86, 0x48, 0xce, 0x3d, 0x02, 0x01]  // 1.2.840.10045.2.1
    static let prime256v1OID: [UInt8] = [0x2a, 0x86, 0x48, 0xce, 0x3d, 0x03, 0x01, 0x07]  // 1.2.840.10045.3.1.7

    /// Unchecked because swift-crypto does not mark its keys Sendable on Linux; they are immutable once made,
    /// and BoringSSL signs and verifies with a const key, so sharing them between threads is safe.
    enum PrivateKey: @unchecked Sendable {
        case ed25519(Curve25519.Signing.PrivateKey)
        case p256(P256.Signing.PrivateKey)
    }

    /// Unchecked for the reason given at `PrivateKey`.
    enum PublicKey: @unchecked Sendable {
        case ed25519(Curve25519.Signing.PublicKey)
        case p256(P256.Signing.PublicKey)
    }

    typealias Problem = AttestationKeyError.Problem

    // MARK: Private keys

    /// The one private key in a PEM file's text.
    static func privateKey(pem text: String) throws(Problem) -> PrivateKey {
        let blocks = try PEMBlock.blocks(in: text)
        if let encrypted = blocks.first(where: { $0.label == "ENCRYPTED PRIVATE KEY" }) {
            throw .encryptedKey(label: encrypted.label)
        }
        if blocks.contains(where: { $0.label == "RSA PRIVATE KEY" }) {
            throw .unsupportedAlgorithm("1.2.840.113549.1.1.1")
        }
        let keys = blocks.filter { $0.label == "PRIVATE KEY" || $0.label == "EC PRIVATE KEY" }
        guard let block = keys.first else {
            throw .noKeyBlock(expected: "PRIVATE KEY or EC PRIVATE KEY", found: blocks.map(\.label))
        }
        guard keys.count == 1 else { throw .severalKeys(label: block.label) }
        do {
            return block.label == "PRIVATE KEY" ? try pkcs8(block.der) : .p256(try sec1(block.der, curve: nil))
        } catch let error as DERError {
            throw .malformedDER(label: block.label, detail: error.description)
        } catch let problem as Problem {
            throw problem
        } catch {
            throw .malformedDER(label: block.label, detail: "\(error)")
        }
    }

    /// PKCS#8 `PrivateKeyInfo` / `OneAsymmetricKey`: version, algorithm identifier, key, optional attributes
    /// and (version 1) public key.
    private static func pkcs8(_ der: [UInt8]) throws -> PrivateKey {
        let parts = try DERNode.only(DERNode.sequence, in: der[...]).children()
        guard parts.count >= 3, parts[0].tag == DERNode.integer, parts[1].tag == DERNode.sequence,
            parts[2].tag == DERNode.octetString
        else { throw DERError.unexpectedTag(expected: DERNode.sequence, found: parts.first?.tag ?? 0) }
        let version = parts[0].content.count == 1 ? Int(parts[0].content.first ?? 0xff) : -1
        guard version == 0 || version == 1 else { throw Problem.unsupportedVersion(version) }
        let algorithm = try parts[1].children()
        guard let oid = algorithm.first, oid.tag == DERNode.objectIdentifier else {
            throw DERError.unexpectedTag(expected: DERNode.objectIdentifier, found: algorithm.first?.tag ?? 0)
        }
        if Array(oid.content) == ed25519OID {
            // RFC 8410: no parameters; the key is an OCTET STRING inside the OCTET STRING.
            guard algorithm.count == 1 else { throw Problem.invalidKey(algorithm: .ed25519, detail: "has parameters") }
            let seed = try DERNode.only(DERNode.octetString, in: parts[2].content).content
            guard seed.count == 32 else {
                throw Problem.invalidKey(algorithm: .ed25519, detail: "private key is \(seed.count) bytes, not 32")
            }
            let key = try Curve25519.Signing.PrivateKey(rawRepresentation: Array(seed))
            if let embedded = parts.dropFirst(3).first(where: { $0.tag == 0x81 }) {
                guard embedded.content.count == 33, embedded.content.first == 0,
                    Array(embedded.content.dropFirst()) == Array(key.publicKey.rawRepresentation)
                else {
                    throw Problem.invalidKey(algorithm: .ed25519, detail: "embedded public key does not match")
                }
            }
            return .ed25519(key)
        }
        guard Array(oid.content) == ecPublicKeyOID else {
            throw Problem.unsupportedAlgorithm(DERNode.dottedObjectIdentifier(oid.content))
        }
        guard algorithm.count == 2, algorithm[1].tag == DERNode.objectIdentifier else {
            throw Problem.invalidKey(algorithm: .p256, detail: "the curve is not named")
        }
        return .p256(try sec1(Array(parts[2].content), curve: algorithm[1].content))
    }

    /// SEC1 `ECPrivateKey`: version 1, the private scalar, optional curve and optional public key.
    private static func sec1(_ der: [UInt8], curve outerCurve: ArraySlice<UInt8>?) throws -> P256.Signing.PrivateKey {
        let parts = try DERNode.only(DERNode.sequence, in: der[...]).children()
        guard parts.count >= 2, parts[0].tag == DERNode.integer, parts[1].tag == DERNode.octetString else {
            throw DERError.unexpectedTag(expected: DERNode.integer, found: parts.first?.tag ?? 0)
        }
        guard Array(parts[0].content) == [1] else { throw Problem.unsupportedVersion(Int(parts[0].content.first ?? 0)) }
        var namedCurve = outerCurve
        if let parameters = parts.dropFirst(2).first(where: { $0.tag == 0xa0 }) {
            namedCurve = try DERNode.only(DERNode.objectIdentifier, in: parameters.content).content
        }
        guard let curve = namedCurve else {
            throw Problem.invalidKey(algorithm: .p256, detail: "the curve is not named")
        }
        guard Array(curve) == prime256v1OID else {
            throw Problem.unsupportedCurve(DERNode.dottedObjectIdentifier(curve))
        }
        guard parts[1].content.count == 32 else {
            throw Problem.invalidKey(algorithm: .p256, detail: "private key is \(parts[1].content.count) bytes, not 32")
        }
        let key: P256.Signing.PrivateKey
        do { key = try P256.Signing.PrivateKey(rawRepresentation: Array(parts[1].content)) } catch {
            throw Problem.invalidKey(algorithm: .p256, detail: "the private scalar is out of range")
        }
        if let embedded = parts.dropFirst(2).first(where: { $0.tag == 0xa1 }) {
            let bits = try DERNode.only(DERNode.bitString, in: embedded.content).content
            guard bits.first == 0, Array(bits.dropFirst()) == Array(key.publicKey.x963Representation) else {
                throw Problem.invalidKey(algorithm: .p256, detail: "embedded public key does not match")
            }
        }
        return key
    }

    /// An Ed25519 key as PKCS#8 version 0, the form `openssl genpkey -algorithm ed25519` writes.
    static func pkcs8(ed25519 key: Curve25519.Signing.PrivateKey) -> [UInt8] {
        let algorithm = DERNode.encode(tag: DERNode.sequence, content: DERNode.encode(tag: 6, content: ed25519OID))
        let seed = DERNode.encode(tag: DERNode.octetString, content: Array(key.rawRepresentation))
        let body = [0x02, 0x01, 0x00] + algorithm + DERNode.encode(tag: DERNode.octetString, content: seed)
        return DERNode.encode(tag: DERNode.sequence, content: body)
    }

    // MARK: Public keys

    /// The one `PUBLIC KEY` (SubjectPublicKeyInfo) in a PEM file's text.
    static func publicKey(pem text: String) throws(Problem) -> PublicKey {
        let blocks = try PEMBlock.blocks(in: text)
        let keys = blocks.filter { $0.label == "PUBLIC KEY" }
        guard let block = keys.first else {
            throw .noKeyBlock(expected: "PUBLIC KEY", found: blocks.map(\.label))
        }
        guard keys.count == 1 else { throw .severalKeys(label: block.label) }
        do {
            return try subjectPublicKeyInfo(block.der)
        } catch let error as DERError {
            throw .malformedDER(label: block.label, detail: error.description)
        } catch let problem as Problem {
            throw problem
        } catch {
            throw .malformedDER(label: block.label, detail: "\(error)")
        }
    }

    private static func subjectPublicKeyInfo(_ der: [UInt8]) throws -> PublicKey {
        let parts = try DERNode.only(DERNode.sequence, in: der[...]).children()
        guard parts.count == 2, parts[0].tag == DERNode.sequence, parts[1].tag == DERNode.bitString else {
            throw DERError.unexpectedTag(expected: DERNode.sequence, found: parts.first?.tag ?? 0)
        }
        let algorithm = try parts[0].children()
        guard let oid = algorithm.first, oid.tag == DERNode.objectIdentifier else {
            throw DERError.unexpectedTag(expected: DERNode.objectIdentifier, found: algorithm.first?.tag ?? 0)
        }
        guard parts[1].content.first == 0 else {
            throw Problem.malformedDER(label: "PUBLIC KEY", detail: "the key bit string has unused bits")
        }
        let key = Array(parts[1].content.dropFirst())
        if Array(oid.content) == ed25519OID {
            guard algorithm.count == 1, key.count == 32 else {
                throw Problem.invalidKey(algorithm: .ed25519, detail: "public key is \(key.count) bytes, not 32")
            }
            return .ed25519(try Curve25519.Signing.PublicKey(rawRepresentation: key))
        }
        guard Array(oid.content) == ecPublicKeyOID else {
            throw Problem.unsupportedAlgorithm(DERNode.dottedObjectIdentifier(oid.content))
        }
        guard algorithm.count == 2, algorithm[1].tag == DERNode.objectIdentifier else {
            throw Problem.invalidKey(algorithm: .p256, detail: "the curve is not named")
        }
        guard Array(algorithm[1].content) == prime256v1OID else {
            throw Problem.unsupportedCurve(DERNode.dottedObjectIdentifier(algorithm[1].content))
        }
        do { return .p256(try P256.Signing.PublicKey(x963Representation: key)) } catch {
            throw Problem.invalidKey(algorithm: .p256, detail: "the point is not on the curve")
        }
    }

    /// The DER SubjectPublicKeyInfo: what `openssl pkey -pubout -outform DER` prints, and what key ids hash.
    static func subjectPublicKeyInfo(_ key: PublicKey) -> [UInt8] {
        switch key {
        case .ed25519(let key):
            let algorithm = DERNode.encode(tag: DERNode.sequence, content: DERNode.encode(tag: 6, content: ed25519OID))
            let bits = DERNode.encode(tag: DERNode.bitString, content: [0] + Array(key.rawRepresentation))
            return DERNode.encode(tag: DERNode.sequence, content: algorithm + bits)
        case .p256(let key):
            return Array(key.derRepresentation)
        }
    }
}

import Foundation
import Testing

@testable import RegistryAttestation

@Suite("Attestation keys")
struct AttestationKeyTests {
    typealias F = AttestationFixtures

    @Test(arguments: [
        (F.opensslEd25519, AttestationAlgorithm.ed25519, F.opensslEd25519KeyIdentifier),
        (F.opensslP256, AttestationAlgorithm.p256, F.opensslP256KeyIdentifier),
        (F.opensslSEC1, AttestationAlgorithm.p256, F.opensslSEC1KeyIdentifier),
    ])
    func readsOpenSSLPrivateKeysWithTheKeyIdentifierOpenSSLComputes(
        pem: String, algorithm: AttestationAlgorithm, keyIdentifier: String
    ) throws {
        let key = try AttestationSigningKey(pem: pem)
        #expect(key.algorithm == algorithm)
        #expect(key.keyIdentifier == keyIdentifier)
    }

    @Test func readsOpenSSLPublicKeysAndWritesThemBackIdentically() throws {
        for (pem, identifier) in [
            (F.opensslEd25519Public, F.opensslEd25519KeyIdentifier), (F.opensslP256Public, F.opensslP256KeyIdentifier),
        ] {
            let key = try AttestationVerificationKey(pem: pem)
            #expect(key.keyIdentifier == identifier)
            #expect(key.publicKeyPEM == pem)
        }
        #expect(try AttestationSigningKey(pem: F.opensslEd25519).publicKeyPEM == F.opensslEd25519Public)
        #expect(try AttestationSigningKey(pem: F.opensslP256).publicKeyPEM == F.opensslP256Public)
    }

    @Test func acceptsSignaturesOpenSSLMade() throws {
        let ed25519 = try AttestationVerificationKey(pem: F.opensslEd25519Public)
        let p256 = try AttestationVerificationKey(pem: F.opensslP256Public)
        let edSignature = try #require(Data(base64Encoded: F.opensslEd25519Signature))
        let p256Signature = try #require(Data(base64Encoded: F.opensslP256Signature))
        #expect(ed25519.isValidSignature(Array(edSignature), for: F.signedMessage[...]))
        #expect(p256.isValidSignature(Array(p256Signature), for: F.signedMessage[...]))
        var changed = F.signedMessage
        changed[0] ^= 1
        #expect(!ed25519.isValidSignature(Array(edSignature), for: changed[...]))
        #expect(!p256.isValidSignature(Array(p256Signature), for: changed[...]))
    }

    @Test(arguments: AttestationAlgorithm.allCases)
    func generatedKeysWriteAndReadBackThroughPEMFiles(algorithm: AttestationAlgorithm) throws {
        let directory = try F.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let key = AttestationSigningKey.generate(algorithm)
        let path = directory.appendingPathComponent("signing.pem").path
        try key.writePEM(to: path)
        let attributes = try FileManager.default.attributesOfItem(atPath: path)
        #expect((attributes[.posixPermissions] as? NSNumber)?.intValue == 0o600)
        let reloaded = try AttestationSigningKey(pemFile: path)
        #expect(reloaded.algorithm == algorithm)
        #expect(reloaded.keyIdentifier == key.keyIdentifier)
        #expect(reloaded.pemRepresentation == key.pemRepresentation)
        let publicPath = directory.appendingPathComponent("verification.pem").path
        try key.publicKeyPEM.write(toFile: publicPath, atomically: true, encoding: .utf8)
        #expect(try AttestationVerificationKey(pemFile: publicPath).keyIdentifier == key.keyIdentifier)
        #expect(AttestationVerificationKey(key).keyIdentifier == key.keyIdentifier)
        #expect(AttestationSigningKey.generate(algorithm).keyIdentifier != key.keyIdentifier)
    }

    @Test func neverOverwritesAnExistingKeyFile() throws {
        let directory = try F.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let path = directory.appendingPathComponent("signing.pem").path
        let first = AttestationSigningKey.generate(.ed25519)
        try first.writePEM(to: path)
        #expect(throws: AttestationKeyError(source: path, problem: .alreadyExists)) {
            try AttestationSigningKey.generate(.ed25519).writePEM(to: path)
        }
        #expect(try AttestationSigningKey(pemFile: path).keyIdentifier == first.keyIdentifier)
    }

    @Test func loadErrorsNameTheFileAndTheProblem() throws {
        let directory = try F.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        func file(_ name: String, _ contents: String) throws -> String {
            let path = directory.appendingPathComponent(name).path
            try contents.write(toFile: path, atomically: true, encoding: .utf8)
            return path
        }
        let missing = directory.appendingPathComponent("missing.pem").path
        let cases: [(String, AttestationKeyError.Problem)] = [
            (missing, .unreadable("no such file")),
            (try file("empty.pem", ""), .noKeyBlock(expected: "PRIVATE KEY or EC PRIVATE KEY", found: [])),
            (
                try file("public.pem", F.opensslEd25519Public),
                .noKeyBlock(expected: "PRIVATE KEY or EC PRIVATE KEY", found: ["PUBLIC KEY"])
            ),
            (try file("p384.pem", F.opensslP384), .unsupportedCurve("1.3.132.0.34")),
            (try file("rsa.pem", F.opensslRSA), .unsupportedAlgorithm("1.2.840.113549.1.1.1")),
            (try file("encrypted.pem", F.opensslEncrypted), .encryptedKey(label: "ENCRYPTED PRIVATE KEY")),
            (try file("two.pem", F.opensslEd25519 + F.opensslP256), .severalKeys(label: "PRIVATE KEY")),
            (try file("cut.pem", String(F.opensslP256.dropLast(26))), .pemUnterminated(label: "PRIVATE KEY")),
            (
                try file("base64.pem", F.opensslEd25519.replacingOccurrences(of: "MC4C", with: "M*4C")),
                .pemBadBase64(label: "PRIVATE KEY")
            ),
            (
                try file("der.pem", F.opensslEd25519.replacingOccurrences(of: "MC4C", with: "MC8C")),
                .malformedDER(label: "PRIVATE KEY", detail: "DER data ends inside an element")
            ),
        ]
        for (path, problem) in cases {
            #expect(throws: AttestationKeyError(source: path, problem: problem)) {
                try AttestationSigningKey(pemFile: path)
            }
        }
        let error = AttestationKeyError(
            source: "/etc/registry/attestation.pem", problem: .unsupportedCurve("1.3.132.0.34"))
        #expect(
            error.description
                == "/etc/registry/attestation.pem: elliptic curve 1.3.132.0.34 (P-384) is not supported "
                + "(P-256 expected)"
        )
        #expect(
            throws: AttestationKeyError(
                source: "PEM text", problem: .noKeyBlock(expected: "PUBLIC KEY", found: ["PRIVATE KEY"]))
        ) {
            try AttestationVerificationKey(pem: F.opensslEd25519)
        }
    }

    @Test func refusesAKeyFileWhoseEmbeddedPublicKeyIsNotTheKeys() throws {
        // Change one byte of the public key openssl embeds in the P-256 PKCS#8 structure.
        let lines = F.opensslP256.split(separator: "\n").map(String.init)
        var der = try #require(Data(base64Encoded: lines[1...3].joined()))
        der[der.count - 1] ^= 0x01
        let pem = PEMBlock(label: "PRIVATE KEY", der: Array(der)).text
        #expect(
            throws: AttestationKeyError(
                source: "PEM text", problem: .invalidKey(algorithm: .p256, detail: "embedded public key does not match")
            )
        ) {
            try AttestationSigningKey(pem: pem)
        }
    }
}

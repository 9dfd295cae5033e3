import Foundation
import Testing

@testable import RegistryAttestation

@Suite("Attestation document signing and verification")
struct AttestationDocumentTests {
    typealias F = AttestationFixtures

    static let keys = [
        try! AttestationSigningKey(pem: F.opensslEd25519), try! AttestationSigningKey(pem: F.opensslP256),
    ]

    @Test(arguments: keys)
    func verifiesWhatItSignedAndReturnsTheAttestation(key: AttestationSigningKey) throws {
        let attestation = try F.attestation()
        let document = try AttestationDocument.render(attestation, signedWith: key)
        #expect(try AttestationDocument.verify(Array(document.utf8), keys: [key.verificationKey]) == attestation)
        let data = try AttestationDocument.renderData(attestation, signedWith: key)
        #expect(try AttestationDocument.verify(data, keys: [key.verificationKey]) == attestation)
        let line = try #require(document.split(separator: "\n").last)
        #expect(line.hasPrefix("<!-- cdm-attestation-signature v1 alg=\(key.algorithm) key=\(key.keyIdentifier) sig="))
        #expect(line.hasSuffix(" -->") && document.hasSuffix(" -->\n"))
    }

    @Test func ed25519DocumentsAreDeterministic() throws {
        let key = Self.keys[0]
        let attestation = try F.attestation()
        #expect(
            try AttestationDocument.render(attestation, signedWith: key)
                == AttestationDocument.render(attestation, signedWith: key))
    }

    /// Every byte, changed on its own, makes the document fail: before the signature line by a signature
    /// mismatch, in the line by whatever the line then says.
    @Test(arguments: keys)
    func changingAnyByteFailsVerification(key: AttestationSigningKey) async throws {
        let document = Array(try AttestationDocument.render(try F.attestation(), signedWith: key).utf8)
        let lineStart = try #require(document.dropLast().lastIndex(of: 0x0a)) + 1
        let verificationKeys = [key.verificationKey]
        var accepted: [Int] = []
        var unexpected: [(Int, AttestationError)] = []
        for index in document.indices {
            // Thousands of verifications: it yields now and then, so the other suites' tasks on the two threads of
            // the cooperative pool are not starved meanwhile (a starved suite timed out at 30 s in a full run).
            if index % 200 == 0 { await Task.yield() }
            for mask: UInt8 in index >= lineStart ? [0x01, 0x20, 0x80] : [0x01] {
                var changed = document
                changed[index] ^= mask
                do {
                    _ = try AttestationDocument.verify(changed, keys: verificationKeys)
                    accepted.append(index)
                } catch {
                    // The newline that begins the signature line makes it a broken line rather than a mismatch.
                    if index < lineStart - 1, error != .signatureMismatch(keyIdentifier: key.keyIdentifier) {
                        unexpected.append((index, error))
                    }
                }
            }
        }
        #expect(accepted.isEmpty, "accepted after changing byte(s) \(accepted.prefix(10))")
        #expect(unexpected.isEmpty, "\(unexpected.prefix(5))")
    }

    @Test(arguments: keys)
    func refusesAnythingAfterTheSignatureLine(key: AttestationSigningKey) throws {
        let document = try AttestationDocument.render(try F.attestation(), signedWith: key)
        let verificationKeys = [key.verificationKey]
        #expect(throws: AttestationError.textAfterSignature(byteCount: 1)) {
            try AttestationDocument.verify(Array((document + "\n").utf8), keys: verificationKeys)
        }
        let appendedLine = "<p>Cancelled 1,000,000 CERs</p>\n"
        #expect(throws: AttestationError.textAfterSignature(byteCount: appendedLine.utf8.count)) {
            try AttestationDocument.verify(Array((document + appendedLine).utf8), keys: verificationKeys)
        }
        let signatureLine = String(document.split(separator: "\n").last ?? "") + "\n"
        #expect(throws: AttestationError.textAfterSignature(byteCount: signatureLine.utf8.count)) {
            try AttestationDocument.verify(Array((document + signatureLine).utf8), keys: verificationKeys)
        }
        #expect(throws: AttestationError.malformedSignatureLine("it does not end with a newline")) {
            try AttestationDocument.verify(Array(document.utf8.dropLast()), keys: verificationKeys)
        }
    }

    /// Base64 can spell the same bytes differently (the unused low bits before `=`); only the canonical spelling
    /// is the signed document's.
    @Test func refusesANonCanonicalSpellingOfTheSameSignature() throws {
        let key = Self.keys[0]
        let document = try AttestationDocument.render(try F.attestation(), signedWith: key)
        let alphabet = Array("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/")
        var characters = Array(document)
        let padding = try #require(characters.lastIndex(of: "=")) - 1  // Ed25519: 64 bytes end in "=="
        let last = try #require(alphabet.firstIndex(of: characters[padding - 1]))
        characters[padding - 1] = alphabet[last | 0x0f]  // the same two data bits, non-zero unused bits
        let respelled = String(characters)
        #expect(respelled != document)
        #expect(throws: AttestationError.malformedSignatureLine("the signature is not canonical base64")) {
            try AttestationDocument.verify(Array(respelled.utf8), keys: [key.verificationKey])
        }
    }

    @Test func refusesADocumentWithoutASignatureLine() throws {
        let document = try AttestationDocument.render(try F.attestation(), signedWith: Self.keys[0])
        let page = String(document.prefix(upTo: try #require(document.range(of: "<!-- cdm-attestation")).lowerBound))
        #expect(throws: AttestationError.noSignatureLine) {
            try AttestationDocument.verify(Array(page.utf8), keys: [Self.keys[0].verificationKey])
        }
    }

    @Test func unknownKeyIsNamedAndRotatedKeysStillVerify() throws {
        let attestation = try F.attestation()
        let old = Self.keys[0]
        let document = Array(try AttestationDocument.render(attestation, signedWith: old).utf8)
        let current = AttestationSigningKey.generate(.ed25519)
        #expect(throws: AttestationError.unknownKey(old.keyIdentifier)) {
            try AttestationDocument.verify(document, keys: [current.verificationKey])
        }
        let published = try AttestationVerificationKey(pem: F.opensslEd25519Public)
        #expect(try AttestationDocument.verify(document, keys: [current.verificationKey, published]) == attestation)
    }

    @Test func refusesALineWhoseAlgorithmIsNotTheKeys() throws {
        let key = Self.keys[0]
        let document = try AttestationDocument.render(try F.attestation(), signedWith: key)
        let relabelled = document.replacingOccurrences(of: "alg=Ed25519", with: "alg=ECDSA-P256-SHA256")
        #expect(
            throws: AttestationError.algorithmMismatch(
                keyIdentifier: key.keyIdentifier, line: "ECDSA-P256-SHA256", key: .ed25519)
        ) {
            try AttestationDocument.verify(Array(relabelled.utf8), keys: [key.verificationKey])
        }
        let future = document.replacingOccurrences(of: "signature v1 alg", with: "signature v2 alg")
        #expect(throws: AttestationError.unsupportedFormatVersion("v2")) {
            try AttestationDocument.verify(Array(future.utf8), keys: [key.verificationKey])
        }
    }

    /// A page the signer signed but that this renderer would not make from its data is refused: the printed
    /// text must be the data's.
    @Test func refusesASignedPageWhoseTextIsNotItsData() throws {
        let key = Self.keys[0]
        let document = try AttestationDocument.render(try F.attestation(), signedWith: key)
        let page = String(document.prefix(upTo: try #require(document.range(of: "<!-- cdm-attestation")).lowerBound))
        let verificationKeys = [key.verificationKey]
        let visibleChanged = page.replacingOccurrences(of: "<dd>1,000</dd>", with: "<dd>10,000</dd>")
        #expect(visibleChanged != page)
        #expect(throws: AttestationError.textDoesNotMatchData) {
            try AttestationDocument.verify(
                Array(try AttestationDocument.seal(visibleChanged, signedWith: key).utf8),
                keys: verificationKeys)
        }
        let dataChanged = page.replacingOccurrences(of: "\"onBehalfOf\":\"Example", with: "\"onBehalfOf\":\"Sample")
        #expect(dataChanged != page)
        #expect(throws: AttestationError.textDoesNotMatchData) {
            try AttestationDocument.verify(
                Array(try AttestationDocument.seal(dataChanged, signedWith: key).utf8),
                keys: verificationKeys)
        }
        let noData = page.replacingOccurrences(of: "id=\"attestation-data\"", with: "id=\"other\"")
        #expect(throws: AttestationError.missingData) {
            try AttestationDocument.verify(
                Array(try AttestationDocument.seal(noData, signedWith: key).utf8),
                keys: verificationKeys)
        }
        let badData = page.replacingOccurrences(of: "{\"beneficiary\"", with: "{\"beneficiary\":1,\"x\"")
        #expect(throws: AttestationError.self) {
            try AttestationDocument.verify(
                Array(try AttestationDocument.seal(badData, signedWith: key).utf8),
                keys: verificationKeys)
        }
    }
}

@Suite("Attestation printable page")
struct AttestationPageTests {
    typealias F = AttestationFixtures

    @Test func showsTheFactsOfTheCancellation() throws {
        let key = AttestationSigningKey.generate(.ed25519)
        let document = try AttestationDocument.render(try F.attestation(), signedWith: key)
        for fact in [
            "<title>Attestation of Voluntary Cancellation CDM-VC-2026-000042</title>",
            "<p class=\"number\">No. CDM-VC-2026-000042</p>", "<dt>Quantity</dt><dd>1,000</dd>",
            "<td class=\"n\">5000001</td><td class=\"n\">5000600</td><td class=\"n\">600</td>",
            "<td class=\"n\">7100001</td><td class=\"n\">7100400</td><td class=\"n\">400</td>",
            "<dt>Title</dt><dd>Bujagali Hydropower Project</dd>", "<dt>Beneficiary</dt><dd>Ville de Genève</dd>",
            "<dd class=\"purpose\">Offsetting the 2026 staff travel</dd>", "<dt>Transaction</dt><dd>CDM1000217</dd>",
            "<dt>Cancellation completed</dt><dd>2026-11-18 11:06:40 UTC</dd>", "<dt>Host country</dt><dd>UG</dd>",
            "<dt>Commitment periods</dt><dd>CP1 (2008-2012); CP2 (2013-2020)</dd>", "<dt>Unit type</dt><dd>CER</dd>",
            "<dt>Cancellation account</dt><dd>\(F.account)</dd>",
            "The CDM Registry attests that 1,000 CERs issued for CDM project 1234",
            "key <code>\(key.keyIdentifier)</code>",
        ] {
            #expect(document.contains(fact), "missing: \(fact)")
        }
    }

    @Test func keepsHostileTextAsText() throws {
        let beneficiary = "<script>alert(\"x\")</script> & Sons <!-- cdm-attestation-signature"
        let purpose = "</script><img src=x onerror=alert(1)> 'quoted'"
        let attestation = try F.attestation(beneficiary: beneficiary, purpose: purpose)
        let key = AttestationSigningKey.generate(.ed25519)
        let document = try AttestationDocument.render(attestation, signedWith: key)
        #expect(
            document.contains(
                "<dd>&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt; &amp; Sons "
                    + "&lt;!-- cdm-attestation-signature</dd>"
            ))
        #expect(document.contains("&lt;/script&gt;&lt;img src=x onerror=alert(1)&gt; &#39;quoted&#39;"))
        #expect(document.components(separatedBy: "<script").count == 2)
        #expect(document.components(separatedBy: "</script>").count == 2)
        #expect(document.components(separatedBy: "<!-- cdm-attestation-signature").count == 2)
        #expect(!document.contains("<img"))
        #expect(try AttestationDocument.verify(Array(document.utf8), keys: [key.verificationKey]) == attestation)
    }

    @Test func isASelfContainedAccessibleHTML5Page() throws {
        let document = try AttestationDocument.render(try F.attestation(), signedWith: .generate(.ed25519))
        #expect(document.hasPrefix("<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">"))
        #expect(document.contains("@page { size: A4;"))
        #expect(document.contains("<th scope=\"col\">Originating registry</th>"))
        #expect(document.contains("<th scope=\"row\" colspan=\"8\">Total</th><td class=\"n\">1,000</td>"))
        #expect(document.contains("<h1>Attestation of Voluntary Cancellation</h1>"))
        #expect(document.contains("<script type=\"application/json\" id=\"attestation-data\">{\""))
        for external in ["src=", "href=", "url(", "@import", "http:", "https:", "<link", "<iframe", "<object"] {
            #expect(!document.contains(external), "\(external)")
        }
        let cells = document.components(separatedBy: "<tr>").dropFirst().map {
            $0.components(separatedBy: "<td").count + $0.components(separatedBy: "<th").count - 2
        }
        #expect(cells == [9, 9, 9, 2])
    }

    @Test func namesMixedUnitTypesAndASingleUnitCorrectly() throws {
        let key = AttestationSigningKey.generate(.ed25519)
        let single = try AttestationDocument.render(
            try F.attestation(blocks: [F.block(7, 7)], beneficiary: nil, purpose: nil), signedWith: key)
        #expect(single.contains("attests that 1 CER issued for CDM project 1234"))
        #expect(single.contains("was voluntarily cancelled"))
        #expect(!single.contains("Beneficiary") && !single.contains("Purpose"))
        let mixed = try AttestationDocument.render(
            try F.attestation(blocks: [F.block(1, 10), F.block(11, 15, type: .tcer)]), signedWith: key)
        #expect(mixed.contains("attests that 15 units (CER, tCER) issued"))
        #expect(mixed.contains("<dt>Unit types</dt><dd>CER, tCER</dd>"))
    }
}

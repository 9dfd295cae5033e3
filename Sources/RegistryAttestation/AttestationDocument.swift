import Foundation

/// The attestation as one file that is both printable and machine-verifiable: the HTML page of
/// `AttestationPage` with the canonical JSON embedded, followed by an `AttestationSignatureLine` whose signature
/// covers every byte before it.
///
/// Verification trusts nothing it has not checked: the key is found by the identifier the line names, the
/// signature is checked over the exact bytes, and only then is the embedded data decoded, re-rendered, and
/// required to reproduce the signed bytes exactly. That last step proves that what a person reads on the page is
/// what the data says.
public enum AttestationDocument {
    private static let dataOpening = "<script type=\"application/json\" id=\"attestation-data\">"
    private static let dataClosing = "</script>"

    /// The signed document, ready to be written to a `.html` file and given to the requestor.
    public static func render(_ attestation: Attestation, signedWith key: AttestationSigningKey)
        throws(AttestationError) -> String
    {
        let page = try AttestationPage.render(attestation, algorithm: key.algorithm, keyIdentifier: key.keyIdentifier)
        return try seal(page, signedWith: key)
    }

    /// The document's bytes, as `render` makes them.
    public static func renderData(_ attestation: Attestation, signedWith key: AttestationSigningKey)
        throws(AttestationError) -> Data
    {
        Data(try render(attestation, signedWith: key).utf8)
    }

    /// Checks a document against the verification keys and returns the attestation it carries.
    public static func verify(_ document: Data, keys: [AttestationVerificationKey]) throws(AttestationError)
        -> Attestation
    {
        try verify(Array(document), keys: keys)
    }

    /// Checks a document against the verification keys and returns the attestation it carries.
    public static func verify(_ document: [UInt8], keys: [AttestationVerificationKey]) throws(AttestationError)
        -> Attestation
    {
        let (signed, line) = try AttestationSignatureLine.split(document)
        guard let key = keys.first(where: { $0.keyIdentifier == line.keyIdentifier }) else {
            throw .unknownKey(line.keyIdentifier)
        }
        guard key.algorithm == line.algorithm else {
            throw .algorithmMismatch(
                keyIdentifier: key.keyIdentifier, line: line.algorithm.rawValue, key: key.algorithm)
        }
        guard key.isValidSignature(line.signature, for: signed) else {
            throw .signatureMismatch(keyIdentifier: key.keyIdentifier)
        }
        // From here on the bytes are the signer's; the checks below guard against a signer that broke the format.
        guard let page = String(validating: signed, as: UTF8.self) else {
            throw .malformedData("the signed part is not UTF-8")
        }
        guard let opening = page.range(of: dataOpening),
            let closing = page.range(of: dataClosing, range: opening.upperBound..<page.endIndex)
        else { throw .missingData }
        let attestation = try AttestationJSON.decode(String(page[opening.upperBound..<closing.lowerBound]))
        let rendered = try AttestationPage.render(
            attestation, algorithm: line.algorithm, keyIdentifier: line.keyIdentifier)
        guard rendered.utf8.elementsEqual(signed) else { throw .textDoesNotMatchData }
        return attestation
    }

    /// `page` followed by its signature line. Internal so that tests can sign pages the renderer would not make.
    static func seal(_ page: String, signedWith key: AttestationSigningKey) throws(AttestationError) -> String {
        let signature = try key.signature(for: Array(page.utf8))
        let line = AttestationSignatureLine(
            algorithm: key.algorithm, keyIdentifier: key.keyIdentifier, signature: signature)
        return page + line.text
    }
}

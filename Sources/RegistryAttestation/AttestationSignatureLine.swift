import Foundation

/// The last line of an attestation document:
/// `<!-- cdm-attestation-signature v1 alg=Ed25519 key=<16 hex> sig=<base64> -->` and a newline.
///
/// An HTML comment, so browsers and printers ignore it; the last line, so that the signed part is simply every
/// byte before it and `head -n -1` recovers it for a check by hand. Every field is checked strictly (lower-case
/// hex, canonical base64), so no byte of the line can change without the document being refused.
struct AttestationSignatureLine: Hashable, Sendable {
    static let version = "v1"
    static let marker = Array("<!-- cdm-attestation-signature ".utf8)

    let algorithm: AttestationAlgorithm
    let keyIdentifier: String
    let signature: [UInt8]

    var text: String {
        "<!-- cdm-attestation-signature \(Self.version) alg=\(algorithm.rawValue) key=\(keyIdentifier) "
            + "sig=\(Data(signature).base64EncodedString()) -->\n"
    }

    /// Splits a document into the signed bytes and its signature line.
    static func split(_ document: [UInt8]) throws(AttestationError) -> (signed: ArraySlice<UInt8>, line: Self) {
        guard let start = firstIndex(of: marker, in: document) else { throw .noSignatureLine }
        guard start > 0, document[start - 1] == 0x0a else {
            throw .malformedSignatureLine("it does not begin a line")
        }
        guard let end = document[start...].firstIndex(of: 0x0a) else {
            throw .malformedSignatureLine("it does not end with a newline")
        }
        let after = document.count - (end + 1)
        guard after == 0 else { throw .textAfterSignature(byteCount: after) }
        guard let text = String(validating: document[start..<end], as: UTF8.self) else {
            throw .malformedSignatureLine("it is not UTF-8")
        }
        return (document[..<start], try parse(text))
    }

    private static func parse(_ text: String) throws(AttestationError) -> Self {
        let fields = text.split(separator: " ", omittingEmptySubsequences: false).map(String.init)
        guard fields.count == 7, fields[0] == "<!--", fields[1] == "cdm-attestation-signature", fields[6] == "-->"
        else { throw .malformedSignatureLine("expected '<!-- cdm-attestation-signature v1 alg= key= sig= -->'") }
        guard fields[2] == version else {
            throw .unsupportedFormatVersion(String(fields[2].prefix(20)))
        }
        guard fields[3].hasPrefix("alg="),
            let algorithm = AttestationAlgorithm(rawValue: String(fields[3].dropFirst(4)))
        else { throw .malformedSignatureLine("unknown algorithm '\(fields[3].prefix(40))'") }
        let key = String(fields[4].dropFirst(4))
        guard fields[4].hasPrefix("key="), key.utf8.count == 16,
            key.utf8.allSatisfy({ ($0 >= 48 && $0 <= 57) || ($0 >= 97 && $0 <= 102) })
        else { throw .malformedSignatureLine("the key id is not 16 lower-case hex digits") }
        let encoded = String(fields[5].dropFirst(4))
        guard fields[5].hasPrefix("sig="), let signature = Data(base64Encoded: encoded), !signature.isEmpty,
            signature.base64EncodedString() == encoded
        else { throw .malformedSignatureLine("the signature is not canonical base64") }
        return Self(algorithm: algorithm, keyIdentifier: key, signature: Array(signature))
    }

    private static func firstIndex(of needle: [UInt8], in haystack: [UInt8]) -> Int? {
        guard let first = needle.first, haystack.count >= needle.count else { return nil }
        var index = 0
        while index <= haystack.count - needle.count {
            if haystack[index] == first, haystack[index..<(index + needle.count)].elementsEqual(needle) {
                return index
            }
            index += 1
        }
        return nil
    }
}

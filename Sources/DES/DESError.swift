/// Why an incoming DES message was refused before it reached the engine.
///
/// Every refusal of a malformed or hostile message is one of these: it names the element path (or the limit) and
/// the problem, and maps to a SOAP 1.1 Fault (`faultcode` Client, VersionMismatch or MustUnderstand). Messages that
/// are well formed but break a DES rule are not errors: the engine answers them with a `DESResponseCode`.
public struct DESError: Error, Hashable, Sendable, CustomStringConvertible {
    /// What went wrong, so callers and tests can tell refusals apart without parsing the text.
    public enum Kind: String, Hashable, Sendable {
        /// The bytes are not well-formed XML (libxml2 said so), or not UTF-8.
        case malformedXML
        /// A document type declaration: refused outright (no DTD, no entities, so no XXE or entity expansion).
        case doctypeRefused
        /// A configured limit of `DESDecoderLimits` was exceeded.
        case limitExceeded
        /// The document is not a SOAP 1.1 envelope (SOAP 1.1 section 4.4: faultcode VersionMismatch).
        case envelopeVersion
        /// A header entry with mustUnderstand="1" that this endpoint does not understand.
        case mustUnderstand
        /// The SOAP envelope is well formed but not structured as SOAP 1.1 rpc/encoded requires.
        case invalidEnvelope
        /// SOAPAction or body entry names an operation this service does not have.
        case unknownOperation
        /// An element is in another namespace than the WSDL binding says.
        case wrongNamespace
        /// A required element is absent.
        case missingElement
        /// An element that the message type does not have, or one that appears twice.
        case unexpectedElement
        /// A value is not of its XML Schema type (`'12x' is not a long`), or out of that type's range.
        case invalidValue
        /// A value is of its XML type but not a valid domain value (registry code, unit type, serial range...).
        case invalidDomainValue
        /// A multi-reference `href` that points nowhere, outside the document, or back into itself.
        case invalidReference
    }

    public var kind: Kind
    /// The element path from the message part down, e.g. `acceptProposalRequest/proposedTransaction/from`.
    public var path: [String]
    public var message: String

    public init(_ kind: Kind, _ message: String, path: [String] = []) {
        self.kind = kind
        self.message = message
        self.path = path
    }

    /// The same error seen from one level up: `component` is prefixed to the path.
    func within(_ component: String) -> DESError {
        var copy = self
        copy.path.insert(component, at: 0)
        return copy
    }

    /// The path as text, `a/b/item[2]/c`.
    public var pathText: String { path.joined(separator: "/") }

    /// The faultstring sent back: the path, then the problem.
    public var description: String { path.isEmpty ? message : "\(pathText): \(message)" }

    /// The SOAP 1.1 fault this refusal is answered with.
    public var fault: DESFault {
        let code: DESFault.Code =
            switch kind {
            case .envelopeVersion: .versionMismatch
            case .mustUnderstand: .mustUnderstand
            default: .client
            }
        return DESFault(code: code, string: description)
    }
}

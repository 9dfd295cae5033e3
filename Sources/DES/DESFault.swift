/// A SOAP 1.1 Fault (section 4.4): what we send for a refused message, and what a peer may answer instead of a
/// response. Thrown by `DESCodec.decodeResponse` when the peer answered with a fault.
public struct DESFault: Error, Hashable, Sendable, CustomStringConvertible {
    /// faultcode: the SOAP 1.1 codes in the envelope namespace, or another qualified name a peer sent.
    public enum Code: Hashable, Sendable, CustomStringConvertible {
        case versionMismatch
        case mustUnderstand
        case client
        case server
        /// A code outside the four of SOAP 1.1 (or a dotted subcode such as `Client.Authentication`), as sent.
        case other(String)

        /// The local part, as written after the `SOAP-ENV:` prefix.
        var localName: String? {
            switch self {
            case .versionMismatch: "VersionMismatch"
            case .mustUnderstand: "MustUnderstand"
            case .client: "Client"
            case .server: "Server"
            case .other: nil
            }
        }

        init(qualifiedLocalName name: String, inEnvelopeNamespace: Bool) {
            switch (name, inEnvelopeNamespace) {
            case ("VersionMismatch", true): self = .versionMismatch
            case ("MustUnderstand", true): self = .mustUnderstand
            case ("Client", true): self = .client
            case ("Server", true): self = .server
            default: self = .other(name)
            }
        }

        public var description: String {
            switch self {
            case .other(let raw): raw
            default: "SOAP-ENV:" + (localName ?? "")
            }
        }
    }

    public var code: Code
    public var string: String
    public var actor: String?
    /// The text of the `detail` element, if any.
    public var detail: String?

    public init(code: Code, string: String, actor: String? = nil, detail: String? = nil) {
        self.code = code
        self.string = string
        self.actor = actor
        self.detail = detail
    }

    public var description: String { "SOAP fault \(code): \(string)" }
}

import RegistryCore

/// One message of the DES WSDLs: the single part of an operation's request or response.
public protocol DESMessage: DESStructure {
    static var operation: DESOperation { get }
    /// True for the input message of the operation, false for its output.
    static var isRequest: Bool { get }
}

extension DESMessage {
    /// The part's element name in the body entry (`acceptProposalRequest`, `acceptProposalResponse`).
    public static var partName: String { isRequest ? operation.requestPartName : operation.responsePartName }
    /// The body entry's element name (`acceptProposal`, `acceptProposalResponse`).
    public static var entryName: String { isRequest ? operation.requestElementName : operation.responseElementName }
}

/// A request: every DES request opens with the sender, the recipient and the DES version.
public protocol DESRequestMessage: DESMessage {
    var from: RegistryCode { get }
    var to: RegistryCode { get }
    var majorVersion: Int { get }
    var minorVersion: Int { get }
}

extension DESRequestMessage {
    public static var isRequest: Bool { true }
}

/// A response that is only the acknowledgement (`resultIdentifier` and optional `responseCodes`).
public protocol DESResultResponse: DESMessage {
    var result: DESResult { get set }
    init(result: DESResult)
}

extension DESResultResponse {
    public static var isRequest: Bool { false }

    public init(from reader: inout DESStructReader) throws(DESError) {
        self.init(
            result: DESResult(
                resultIdentifier: try reader.required("resultIdentifier"),
                responseCodes: try reader.optionalScalarArray("responseCodes")))
    }

    public func encode(to writer: inout DESStructWriter) {
        writer.field("resultIdentifier", result.resultIdentifier)
        writer.intArray("responseCodes", result.responseCodes)
    }
}

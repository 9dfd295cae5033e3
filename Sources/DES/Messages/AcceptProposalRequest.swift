import RegistryCore

/// A proposed transaction: the ITL checks it, or relays it to the acquiring registry.
/// The request of acceptProposal (common.wsdl `ProposalRequest`).
public struct AcceptProposalRequest: DESRequestMessage {
    public static let xsiType = "ProposalRequest"
    public static let operation = DESOperation.acceptProposal

    public var from: RegistryCode
    public var to: RegistryCode
    public var majorVersion: Int
    public var minorVersion: Int
    public var proposedTransaction: DESProposalTransaction

    public init(
        from: RegistryCode, to: RegistryCode, majorVersion: Int, minorVersion: Int,
        proposedTransaction: DESProposalTransaction
    ) {
        self.from = from
        self.to = to
        self.majorVersion = majorVersion
        self.minorVersion = minorVersion
        self.proposedTransaction = proposedTransaction
    }

    public init(from reader: inout DESStructReader) throws(DESError) {
        from = try reader.required("from")
        to = try reader.required("to")
        majorVersion = try reader.required("majorVersion")
        minorVersion = try reader.required("minorVersion")
        proposedTransaction = try reader.structure("proposedTransaction")
    }

    public func encode(to writer: inout DESStructWriter) {
        writer.field("from", from)
        writer.field("to", to)
        writer.field("majorVersion", majorVersion)
        writer.field("minorVersion", minorVersion)
        writer.structure("proposedTransaction", proposedTransaction)
    }
}

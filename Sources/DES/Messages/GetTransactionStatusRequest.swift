import RegistryCore

/// A registry asks the ITL for the status of a transaction it lost track of.
/// The request of getTransactionStatus (common.wsdl `TransactionStatusRequest`).
public struct GetTransactionStatusRequest: DESRequestMessage {
    public static let xsiType = "TransactionStatusRequest"
    public static let operation = DESOperation.getTransactionStatus

    public var from: RegistryCode
    public var to: RegistryCode
    public var majorVersion: Int
    public var minorVersion: Int
    public var transactionIdentifier: TransactionIdentifier

    public init(
        from: RegistryCode, to: RegistryCode, majorVersion: Int, minorVersion: Int,
        transactionIdentifier: TransactionIdentifier
    ) {
        self.from = from
        self.to = to
        self.majorVersion = majorVersion
        self.minorVersion = minorVersion
        self.transactionIdentifier = transactionIdentifier
    }

    public init(from reader: inout DESStructReader) throws(DESError) {
        from = try reader.required("from")
        to = try reader.required("to")
        majorVersion = try reader.required("majorVersion")
        minorVersion = try reader.required("minorVersion")
        transactionIdentifier = try reader.required("transactionIdentifier")
    }

    public func encode(to writer: inout DESStructWriter) {
        writer.field("from", from)
        writer.field("to", to)
        writer.field("majorVersion", majorVersion)
        writer.field("minorVersion", minorVersion)
        writer.field("transactionIdentifier", transactionIdentifier)
    }
}

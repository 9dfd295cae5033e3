import RegistryCore

/// A registry sends the audit trail the ITL asked for.
/// The request of receiveAuditTrail (common.wsdl `ReceiveAuditTrailRequest`).
public struct ReceiveAuditTrailRequest: DESRequestMessage {
    public static let xsiType = "ReceiveAuditTrailRequest"
    public static let operation = DESOperation.receiveAuditTrail

    public var from: RegistryCode
    public var to: RegistryCode
    public var majorVersion: Int
    public var minorVersion: Int
    public var reconciliationIdentifier: String
    public var transactions: [DESAuditTransaction]

    public init(
        from: RegistryCode, to: RegistryCode, majorVersion: Int, minorVersion: Int, reconciliationIdentifier: String,
        transactions: [DESAuditTransaction]
    ) {
        self.from = from
        self.to = to
        self.majorVersion = majorVersion
        self.minorVersion = minorVersion
        self.reconciliationIdentifier = reconciliationIdentifier
        self.transactions = transactions
    }

    public init(from reader: inout DESStructReader) throws(DESError) {
        from = try reader.required("from")
        to = try reader.required("to")
        majorVersion = try reader.required("majorVersion")
        minorVersion = try reader.required("minorVersion")
        reconciliationIdentifier = try reader.required("reconciliationIdentifier")
        transactions = try reader.array("transactions")
    }

    public func encode(to writer: inout DESStructWriter) {
        writer.field("from", from)
        writer.field("to", to)
        writer.field("majorVersion", majorVersion)
        writer.field("minorVersion", minorVersion)
        writer.field("reconciliationIdentifier", reconciliationIdentifier)
        writer.array("transactions", transactions)
    }
}

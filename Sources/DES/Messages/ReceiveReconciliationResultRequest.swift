import RegistryCore

/// The outcome of a reconciliation (status 0...7).
/// The request of receiveReconciliationResult (common.wsdl `ReconciliationResultRequest`).
public struct ReceiveReconciliationResultRequest: DESRequestMessage {
    public static let xsiType = "ReconciliationResultRequest"
    public static let operation = DESOperation.receiveReconciliationResult

    public var from: RegistryCode
    public var to: RegistryCode
    public var majorVersion: Int
    public var minorVersion: Int
    public var reconciliationIdentifier: String
    public var reconciliationStatus: Int
    public var responseCodes: [DESResponseCode]?

    public init(
        from: RegistryCode, to: RegistryCode, majorVersion: Int, minorVersion: Int, reconciliationIdentifier: String,
        reconciliationStatus: Int, responseCodes: [DESResponseCode]? = nil
    ) {
        self.from = from
        self.to = to
        self.majorVersion = majorVersion
        self.minorVersion = minorVersion
        self.reconciliationIdentifier = reconciliationIdentifier
        self.reconciliationStatus = reconciliationStatus
        self.responseCodes = responseCodes
    }

    public init(from reader: inout DESStructReader) throws(DESError) {
        from = try reader.required("from")
        to = try reader.required("to")
        majorVersion = try reader.required("majorVersion")
        minorVersion = try reader.required("minorVersion")
        reconciliationIdentifier = try reader.required("reconciliationIdentifier")
        reconciliationStatus = try reader.required("reconciliationStatus")
        responseCodes = try reader.optionalScalarArray("responseCodes")
    }

    public func encode(to writer: inout DESStructWriter) {
        writer.field("from", from)
        writer.field("to", to)
        writer.field("majorVersion", majorVersion)
        writer.field("minorVersion", minorVersion)
        writer.field("reconciliationIdentifier", reconciliationIdentifier)
        writer.field("reconciliationStatus", reconciliationStatus)
        writer.intArray("responseCodes", responseCodes)
    }
}

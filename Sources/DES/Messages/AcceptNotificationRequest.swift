import RegistryCore

/// A transaction status change, with the findings behind it (DOMAIN.md section 4).
/// The request of acceptNotification (common.wsdl `NotificationRequest`).
public struct AcceptNotificationRequest: DESRequestMessage {
    public static let xsiType = "NotificationRequest"
    public static let operation = DESOperation.acceptNotification

    public var from: RegistryCode
    public var to: RegistryCode
    public var majorVersion: Int
    public var minorVersion: Int
    public var transactionIdentifier: TransactionIdentifier
    public var transactionStatus: TransactionStatus
    public var partyType: Int
    public var evaluationResult: [DESEvaluationResult]

    public init(
        from: RegistryCode, to: RegistryCode, majorVersion: Int, minorVersion: Int,
        transactionIdentifier: TransactionIdentifier, transactionStatus: TransactionStatus, partyType: Int,
        evaluationResult: [DESEvaluationResult]
    ) {
        self.from = from
        self.to = to
        self.majorVersion = majorVersion
        self.minorVersion = minorVersion
        self.transactionIdentifier = transactionIdentifier
        self.transactionStatus = transactionStatus
        self.partyType = partyType
        self.evaluationResult = evaluationResult
    }

    public init(from reader: inout DESStructReader) throws(DESError) {
        from = try reader.required("from")
        to = try reader.required("to")
        majorVersion = try reader.required("majorVersion")
        minorVersion = try reader.required("minorVersion")
        transactionIdentifier = try reader.required("transactionIdentifier")
        transactionStatus = try reader.required("transactionStatus")
        partyType = try reader.required("partyType")
        evaluationResult = try reader.array("evaluationResult")
    }

    public func encode(to writer: inout DESStructWriter) {
        writer.field("from", from)
        writer.field("to", to)
        writer.field("majorVersion", majorVersion)
        writer.field("minorVersion", minorVersion)
        writer.field("transactionIdentifier", transactionIdentifier)
        writer.field("transactionStatus", transactionStatus)
        writer.field("partyType", partyType)
        writer.array("evaluationResult", evaluationResult)
    }
}

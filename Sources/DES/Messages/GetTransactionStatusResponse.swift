import Foundation
import RegistryCore

/// The ITL's record of a transaction status, recovering a notification that was lost.
/// The response of getTransactionStatus (common.wsdl `TransactionStatusResponse`).
public struct GetTransactionStatusResponse: DESMessage {
    public static let xsiType = "TransactionStatusResponse"
    public static let operation = DESOperation.getTransactionStatus
    public static let isRequest = false

    public var transactionIdentifier: TransactionIdentifier
    public var transactionStatus: TransactionStatus
    public var transactionStatusDateTime: Date
    public var resultIdentifier: Int
    public var responseCodes: [DESResponseCode]?

    public init(
        transactionIdentifier: TransactionIdentifier, transactionStatus: TransactionStatus,
        transactionStatusDateTime: Date, resultIdentifier: Int, responseCodes: [DESResponseCode]? = nil
    ) {
        self.transactionIdentifier = transactionIdentifier
        self.transactionStatus = transactionStatus
        self.transactionStatusDateTime = transactionStatusDateTime
        self.resultIdentifier = resultIdentifier
        self.responseCodes = responseCodes
    }

    public init(from reader: inout DESStructReader) throws(DESError) {
        transactionIdentifier = try reader.required("transactionIdentifier")
        transactionStatus = try reader.required("transactionStatus")
        transactionStatusDateTime = try reader.required("transactionStatusDateTime")
        resultIdentifier = try reader.required("resultIdentifier")
        responseCodes = try reader.optionalScalarArray("responseCodes")
    }

    public func encode(to writer: inout DESStructWriter) {
        writer.field("transactionIdentifier", transactionIdentifier)
        writer.field("transactionStatus", transactionStatus)
        writer.field("transactionStatusDateTime", transactionStatusDateTime)
        writer.field("resultIdentifier", resultIdentifier)
        writer.intArray("responseCodes", responseCodes)
    }
}

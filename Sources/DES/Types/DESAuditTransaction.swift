import Foundation
import RegistryCore

/// A transaction of an audit trail (common.wsdl `Transaction`), sent by a registry in receiveAuditTrail.
public struct DESAuditTransaction: DESStructure {
    public static let xsiType = "Transaction"

    public var transactionIdentifier: TransactionIdentifier
    public var transactionType: TransactionType
    public var suppTransactionType: Int?
    public var transactionStatusDateTime: Date
    public var transferringRegistryCode: RegistryCode
    public var transferringRegistryAccountType: AccountType?
    public var transferringRegistryAccountIdentifier: Int64?
    public var acquiringRegistryCode: RegistryCode
    public var acquiringRegistryAccountType: AccountType?
    public var acquiringRegistryAccountIdentifier: Int64?
    public var notificationIdentifier: Int64?
    public var transactionBlocks: [DESTransactionUnitBlock]

    public init(
        transactionIdentifier: TransactionIdentifier, transactionType: TransactionType, suppTransactionType: Int? = nil,
        transactionStatusDateTime: Date, transferringRegistryCode: RegistryCode,
        transferringRegistryAccountType: AccountType? = nil, transferringRegistryAccountIdentifier: Int64? = nil,
        acquiringRegistryCode: RegistryCode, acquiringRegistryAccountType: AccountType? = nil,
        acquiringRegistryAccountIdentifier: Int64? = nil, notificationIdentifier: Int64? = nil,
        transactionBlocks: [DESTransactionUnitBlock]
    ) {
        self.transactionIdentifier = transactionIdentifier
        self.transactionType = transactionType
        self.suppTransactionType = suppTransactionType
        self.transactionStatusDateTime = transactionStatusDateTime
        self.transferringRegistryCode = transferringRegistryCode
        self.transferringRegistryAccountType = transferringRegistryAccountType
        self.transferringRegistryAccountIdentifier = transferringRegistryAccountIdentifier
        self.acquiringRegistryCode = acquiringRegistryCode
        self.acquiringRegistryAccountType = acquiringRegistryAccountType
        self.acquiringRegistryAccountIdentifier = acquiringRegistryAccountIdentifier
        self.notificationIdentifier = notificationIdentifier
        self.transactionBlocks = transactionBlocks
    }

    public init(from reader: inout DESStructReader) throws(DESError) {
        transactionIdentifier = try reader.required("transactionIdentifier")
        transactionType = try reader.required("transactionType")
        suppTransactionType = try reader.optional("suppTransactionType")
        transactionStatusDateTime = try reader.required("transactionStatusDateTime")
        transferringRegistryCode = try reader.required("transferringRegistryCode")
        transferringRegistryAccountType = try reader.optional("transferringRegistryAccountType")
        transferringRegistryAccountIdentifier = try reader.optional("transferringRegistryAccountIdentifier")
        acquiringRegistryCode = try reader.required("acquiringRegistryCode")
        acquiringRegistryAccountType = try reader.optional("acquiringRegistryAccountType")
        acquiringRegistryAccountIdentifier = try reader.optional("acquiringRegistryAccountIdentifier")
        notificationIdentifier = try reader.optional("notificationIdentifier")
        transactionBlocks = try reader.array("transactionBlocks")
    }

    public func encode(to writer: inout DESStructWriter) {
        writer.field("transactionIdentifier", transactionIdentifier)
        writer.field("transactionType", transactionType)
        writer.field("suppTransactionType", suppTransactionType)
        writer.field("transactionStatusDateTime", transactionStatusDateTime)
        writer.field("transferringRegistryCode", transferringRegistryCode)
        writer.field("transferringRegistryAccountType", transferringRegistryAccountType)
        writer.field("transferringRegistryAccountIdentifier", transferringRegistryAccountIdentifier)
        writer.field("acquiringRegistryCode", acquiringRegistryCode)
        writer.field("acquiringRegistryAccountType", acquiringRegistryAccountType)
        writer.field("acquiringRegistryAccountIdentifier", acquiringRegistryAccountIdentifier)
        writer.field("notificationIdentifier", notificationIdentifier)
        writer.array(
            "transactionBlocks", transactionBlocks, itemType: DESTransactionUnitBlock.reconciliationXSIType)
    }
}

import RegistryCore

/// The transaction a registry proposes (common.wsdl `ProposalTransaction`): parties, accounts and blocks.
public struct DESProposalTransaction: DESStructure {
    public static let xsiType = "ProposalTransaction"

    public var transactionIdentifier: TransactionIdentifier
    public var transactionType: TransactionType
    public var suppTransactionType: Int?
    public var transferringRegistryCode: RegistryCode
    public var transferringRegistryAccountType: AccountType?
    public var transferringRegistryAccountIdentifier: Int64?
    public var acquiringRegistryCode: RegistryCode
    public var acquiringRegistryAccountType: AccountType?
    public var acquiringRegistryAccountIdentifier: Int64?
    public var notificationIdentifier: Int64?
    public var proposalUnitBlocks: [DESTransactionUnitBlock]

    public init(
        transactionIdentifier: TransactionIdentifier, transactionType: TransactionType, suppTransactionType: Int? = nil,
        transferringRegistryCode: RegistryCode, transferringRegistryAccountType: AccountType? = nil,
        transferringRegistryAccountIdentifier: Int64? = nil, acquiringRegistryCode: RegistryCode,
        acquiringRegistryAccountType: AccountType? = nil, acquiringRegistryAccountIdentifier: Int64? = nil,
        notificationIdentifier: Int64? = nil, proposalUnitBlocks: [DESTransactionUnitBlock]
    ) {
        self.transactionIdentifier = transactionIdentifier
        self.transactionType = transactionType
        self.suppTransactionType = suppTransactionType
        self.transferringRegistryCode = transferringRegistryCode
        self.transferringRegistryAccountType = transferringRegistryAccountType
        self.transferringRegistryAccountIdentifier = transferringRegistryAccountIdentifier
        self.acquiringRegistryCode = acquiringRegistryCode
        self.acquiringRegistryAccountType = acquiringRegistryAccountType
        self.acquiringRegistryAccountIdentifier = acquiringRegistryAccountIdentifier
        self.notificationIdentifier = notificationIdentifier
        self.proposalUnitBlocks = proposalUnitBlocks
    }

    public init(from reader: inout DESStructReader) throws(DESError) {
        transactionIdentifier = try reader.required("transactionIdentifier")
        transactionType = try reader.required("transactionType")
        suppTransactionType = try reader.optional("suppTransactionType")
        transferringRegistryCode = try reader.required("transferringRegistryCode")
        transferringRegistryAccountType = try reader.optional("transferringRegistryAccountType")
        transferringRegistryAccountIdentifier = try reader.optional("transferringRegistryAccountIdentifier")
        acquiringRegistryCode = try reader.required("acquiringRegistryCode")
        acquiringRegistryAccountType = try reader.optional("acquiringRegistryAccountType")
        acquiringRegistryAccountIdentifier = try reader.optional("acquiringRegistryAccountIdentifier")
        notificationIdentifier = try reader.optional("notificationIdentifier")
        proposalUnitBlocks = try reader.array("proposalUnitBlocks")
    }

    public func encode(to writer: inout DESStructWriter) {
        writer.field("transactionIdentifier", transactionIdentifier)
        writer.field("transactionType", transactionType)
        writer.field("suppTransactionType", suppTransactionType)
        writer.field("transferringRegistryCode", transferringRegistryCode)
        writer.field("transferringRegistryAccountType", transferringRegistryAccountType)
        writer.field("transferringRegistryAccountIdentifier", transferringRegistryAccountIdentifier)
        writer.field("acquiringRegistryCode", acquiringRegistryCode)
        writer.field("acquiringRegistryAccountType", acquiringRegistryAccountType)
        writer.field("acquiringRegistryAccountIdentifier", acquiringRegistryAccountIdentifier)
        writer.field("notificationIdentifier", notificationIdentifier)
        writer.array("proposalUnitBlocks", proposalUnitBlocks)
    }
}

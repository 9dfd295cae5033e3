import RegistryCore

/// A unit block as a transaction carries it (common.wsdl `TransactionUnitBlock`, and the identical
/// `ReconciliationTransactionUnitBlock` of audit trails): the block itself, plus the DES-only per-block fields.
public struct DESTransactionUnitBlock: DESStructure {
    public static let xsiType = "TransactionUnitBlock"
    /// The name of the same structure inside an audit-trail `Transaction`.
    public static let reconciliationXSIType = "ReconciliationTransactionUnitBlock"

    public var block: UnitBlock
    /// DES `blockRole`, free text in the WSDL.
    public var blockRole: String?
    public var transferringAccountType: AccountType?
    public var transferringAccountIdentifier: Int64?
    public var acquiringAccountType: AccountType?
    public var acquiringAccountIdentifier: Int64?
    public var yearInCommitmentPeriod: Int?
    public var installationIdentifier: Int64?

    public init(
        block: UnitBlock, blockRole: String? = nil, transferringAccountType: AccountType? = nil,
        transferringAccountIdentifier: Int64? = nil, acquiringAccountType: AccountType? = nil,
        acquiringAccountIdentifier: Int64? = nil, yearInCommitmentPeriod: Int? = nil,
        installationIdentifier: Int64? = nil
    ) {
        self.block = block
        self.blockRole = blockRole
        self.transferringAccountType = transferringAccountType
        self.transferringAccountIdentifier = transferringAccountIdentifier
        self.acquiringAccountType = acquiringAccountType
        self.acquiringAccountIdentifier = acquiringAccountIdentifier
        self.yearInCommitmentPeriod = yearInCommitmentPeriod
        self.installationIdentifier = installationIdentifier
    }

    public init(from reader: inout DESStructReader) throws(DESError) {
        let range = try DESSerialRangeField.read(&reader)
        let attributes = UnitAttributes(
            originatingRegistry: try reader.required("originatingRegistryCode"),
            unitType: try reader.required("unitType"),
            supplementaryUnitType: try reader.optional("suppUnitType"),
            originalCommitmentPeriod: try reader.required("originalCommitPeriod"),
            applicableCommitmentPeriod: try reader.required("applicableCommitPeriod"),
            lulucfActivity: try reader.optional("LULUCFActivity"),
            project: try reader.optional("projectIdentifier"),
            track: try reader.optional("track"))
        block = UnitBlock(range: range, attributes: attributes)
        blockRole = try reader.optional("blockRole")
        transferringAccountType = try reader.optional("transferringRegistryAccountType")
        transferringAccountIdentifier = try reader.optional("transferringRegistryAccountIdentifier")
        acquiringAccountType = try reader.optional("acquiringRegistryAccountType")
        acquiringAccountIdentifier = try reader.optional("acquiringRegistryAccountIdentifier")
        yearInCommitmentPeriod = try reader.optional("yearInCommitmentPeriod")
        installationIdentifier = try reader.optional("installationIdentifier")
        block.attributes.expiryDate = try reader.optional("expiryDate")
    }

    public func encode(to writer: inout DESStructWriter) {
        let attributes = block.attributes
        writer.field("unitSerialBlockStart", block.range.start)
        writer.field("unitSerialBlockEnd", block.range.end)
        writer.field("originatingRegistryCode", attributes.originatingRegistry)
        writer.field("unitType", attributes.unitType)
        writer.field("suppUnitType", attributes.supplementaryUnitType)
        writer.field("originalCommitPeriod", attributes.originalCommitmentPeriod)
        writer.field("applicableCommitPeriod", attributes.applicableCommitmentPeriod)
        writer.field("LULUCFActivity", attributes.lulucfActivity)
        writer.field("projectIdentifier", attributes.project)
        writer.field("track", attributes.track)
        writer.field("blockRole", blockRole)
        writer.field("transferringRegistryAccountType", transferringAccountType)
        writer.field("transferringRegistryAccountIdentifier", transferringAccountIdentifier)
        writer.field("acquiringRegistryAccountType", acquiringAccountType)
        writer.field("acquiringRegistryAccountIdentifier", acquiringAccountIdentifier)
        writer.field("yearInCommitmentPeriod", yearInCommitmentPeriod)
        writer.field("installationIdentifier", installationIdentifier)
        writer.field("expiryDate", attributes.expiryDate)
    }
}

/// `unitSerialBlockStart` and `unitSerialBlockEnd`, read into a `SerialRange` (positive, start <= end).
enum DESSerialRangeField {
    static func read(_ reader: inout DESStructReader) throws(DESError) -> SerialRange {
        let start: Int64 = try reader.required("unitSerialBlockStart")
        let end: Int64 = try reader.required("unitSerialBlockEnd")
        do { return try SerialRange(start, end) } catch {
            let field = start < SerialRange.minimumSerial ? "unitSerialBlockStart" : "unitSerialBlockEnd"
            throw DESError(.invalidDomainValue, "\(error)", path: [field])
        }
    }

    static func write(_ range: SerialRange, to writer: inout DESStructWriter) {
        writer.field("unitSerialBlockStart", range.start)
        writer.field("unitSerialBlockEnd", range.end)
    }
}

import RegistryCore

/// A block as held in an account at a reconciliation snapshot (common.wsdl `UnitBlock`, sent in
/// receiveUnitBlocks). It has no original commitment period, so it is not a RegistryCore `UnitBlock`.
public struct DESHeldUnitBlock: DESStructure {
    public static let xsiType = "UnitBlock"

    public var range: SerialRange
    public var originatingRegistry: RegistryCode
    public var unitType: UnitType
    public var supplementaryUnitType: Int?
    public var accountType: AccountType
    public var accountIdentifier: Int64?
    public var applicableCommitmentPeriod: CommitmentPeriod

    public init(
        range: SerialRange, originatingRegistry: RegistryCode, unitType: UnitType, supplementaryUnitType: Int? = nil,
        accountType: AccountType, accountIdentifier: Int64? = nil, applicableCommitmentPeriod: CommitmentPeriod
    ) {
        self.range = range
        self.originatingRegistry = originatingRegistry
        self.unitType = unitType
        self.supplementaryUnitType = supplementaryUnitType
        self.accountType = accountType
        self.accountIdentifier = accountIdentifier
        self.applicableCommitmentPeriod = applicableCommitmentPeriod
    }

    public init(from reader: inout DESStructReader) throws(DESError) {
        range = try DESSerialRangeField.read(&reader)
        originatingRegistry = try reader.required("originatingRegistryCode")
        unitType = try reader.required("unitType")
        supplementaryUnitType = try reader.optional("suppUnitType")
        accountType = try reader.required("accountType")
        accountIdentifier = try reader.optional("accountIdentifier")
        applicableCommitmentPeriod = try reader.required("applicableCommitPeriod")
    }

    public func encode(to writer: inout DESStructWriter) {
        DESSerialRangeField.write(range, to: &writer)
        writer.field("originatingRegistryCode", originatingRegistry)
        writer.field("unitType", unitType)
        writer.field("suppUnitType", supplementaryUnitType)
        writer.field("accountType", accountType)
        writer.field("accountIdentifier", accountIdentifier)
        writer.field("applicableCommitPeriod", applicableCommitmentPeriod)
    }
}

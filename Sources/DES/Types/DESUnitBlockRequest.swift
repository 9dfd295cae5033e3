import RegistryCore

/// A selection of blocks the ITL asks for in provideUnitBlocks (common.wsdl `UnitBlockRequest`); absent = all.
public struct DESUnitBlockRequest: DESStructure {
    public static let xsiType = "UnitBlockRequest"

    public var unitType: UnitType?
    public var suppUnitType: Int?
    public var accountCommitPeriod: CommitmentPeriod?
    public var accountType: AccountType?
    public var accountIdentifier: Int64?

    public init(
        unitType: UnitType? = nil, suppUnitType: Int? = nil, accountCommitPeriod: CommitmentPeriod? = nil,
        accountType: AccountType? = nil, accountIdentifier: Int64? = nil
    ) {
        self.unitType = unitType
        self.suppUnitType = suppUnitType
        self.accountCommitPeriod = accountCommitPeriod
        self.accountType = accountType
        self.accountIdentifier = accountIdentifier
    }

    public init(from reader: inout DESStructReader) throws(DESError) {
        unitType = try reader.optional("unitType")
        suppUnitType = try reader.optional("suppUnitType")
        accountCommitPeriod = try reader.optional("accountCommitPeriod")
        accountType = try reader.optional("accountType")
        accountIdentifier = try reader.optional("accountIdentifier")
    }

    public func encode(to writer: inout DESStructWriter) {
        writer.field("unitType", unitType)
        writer.field("suppUnitType", suppUnitType)
        writer.field("accountCommitPeriod", accountCommitPeriod)
        writer.field("accountType", accountType)
        writer.field("accountIdentifier", accountIdentifier)
    }
}

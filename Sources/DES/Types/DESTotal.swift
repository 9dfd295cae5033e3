import RegistryCore

/// The units held per account type, commitment period and unit type at a snapshot (common.wsdl `Total`).
public struct DESTotal: DESStructure {
    public static let xsiType = "Total"

    public var accountType: AccountType
    public var accountIdentifier: Int64?
    public var accountCommitPeriod: CommitmentPeriod
    public var unitType: UnitType
    public var suppUnitType: Int?
    public var unitCount: Int64

    public init(
        accountType: AccountType, accountIdentifier: Int64? = nil, accountCommitPeriod: CommitmentPeriod,
        unitType: UnitType, suppUnitType: Int? = nil, unitCount: Int64
    ) {
        self.accountType = accountType
        self.accountIdentifier = accountIdentifier
        self.accountCommitPeriod = accountCommitPeriod
        self.unitType = unitType
        self.suppUnitType = suppUnitType
        self.unitCount = unitCount
    }

    public init(from reader: inout DESStructReader) throws(DESError) {
        accountType = try reader.required("accountType")
        accountIdentifier = try reader.optional("accountIdentifier")
        accountCommitPeriod = try reader.required("accountCommitPeriod")
        unitType = try reader.required("unitType")
        suppUnitType = try reader.optional("suppUnitType")
        unitCount = try reader.required("unitCount")
        guard unitCount >= 0 else {
            throw DESError(.invalidDomainValue, "unit count \(unitCount) is negative", path: ["unitCount"])
        }
    }

    public func encode(to writer: inout DESStructWriter) {
        writer.field("accountType", accountType)
        writer.field("accountIdentifier", accountIdentifier)
        writer.field("accountCommitPeriod", accountCommitPeriod)
        writer.field("unitType", unitType)
        writer.field("suppUnitType", suppUnitType)
        writer.field("unitCount", unitCount)
    }
}

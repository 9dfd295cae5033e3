import Foundation
import RegistryCore

/// The ITL asks for totals of a snapshot; the registry answers with receiveTotals.
/// The request of provideTotals (common.wsdl `ProvideTotalsRequest`).
public struct ProvideTotalsRequest: DESRequestMessage {
    public static let xsiType = "ProvideTotalsRequest"
    public static let operation = DESOperation.provideTotals

    public var from: RegistryCode
    public var to: RegistryCode
    public var majorVersion: Int
    public var minorVersion: Int
    public var reconciliationIdentifier: String
    public var reconciliationSnapshotDateTime: Date
    public var reconciliationStatus: Int
    public var unitType: UnitType?
    public var suppUnitType: Int?
    public var accountCommitPeriod: CommitmentPeriod?
    public var accountType: AccountType?
    public var byAccountFlag: Int?
    public var responseCodes: [DESResponseCode]?

    public init(
        from: RegistryCode, to: RegistryCode, majorVersion: Int, minorVersion: Int, reconciliationIdentifier: String,
        reconciliationSnapshotDateTime: Date, reconciliationStatus: Int, unitType: UnitType? = nil,
        suppUnitType: Int? = nil, accountCommitPeriod: CommitmentPeriod? = nil, accountType: AccountType? = nil,
        byAccountFlag: Int? = nil, responseCodes: [DESResponseCode]? = nil
    ) {
        self.from = from
        self.to = to
        self.majorVersion = majorVersion
        self.minorVersion = minorVersion
        self.reconciliationIdentifier = reconciliationIdentifier
        self.reconciliationSnapshotDateTime = reconciliationSnapshotDateTime
        self.reconciliationStatus = reconciliationStatus
        self.unitType = unitType
        self.suppUnitType = suppUnitType
        self.accountCommitPeriod = accountCommitPeriod
        self.accountType = accountType
        self.byAccountFlag = byAccountFlag
        self.responseCodes = responseCodes
    }

    public init(from reader: inout DESStructReader) throws(DESError) {
        from = try reader.required("from")
        to = try reader.required("to")
        majorVersion = try reader.required("majorVersion")
        minorVersion = try reader.required("minorVersion")
        reconciliationIdentifier = try reader.required("reconciliationIdentifier")
        reconciliationSnapshotDateTime = try reader.required("reconciliationSnapshotDatetime")
        reconciliationStatus = try reader.required("reconciliationStatus")
        unitType = try reader.optional("unitType")
        suppUnitType = try reader.optional("suppUnitType")
        accountCommitPeriod = try reader.optional("accountCommitPeriod")
        accountType = try reader.optional("accountType")
        byAccountFlag = try reader.optional("byAccountFlag")
        responseCodes = try reader.optionalScalarArray("responseCodes")
    }

    public func encode(to writer: inout DESStructWriter) {
        writer.field("from", from)
        writer.field("to", to)
        writer.field("majorVersion", majorVersion)
        writer.field("minorVersion", minorVersion)
        writer.field("reconciliationIdentifier", reconciliationIdentifier)
        writer.field("reconciliationSnapshotDatetime", reconciliationSnapshotDateTime)
        writer.field("reconciliationStatus", reconciliationStatus)
        writer.field("unitType", unitType)
        writer.field("suppUnitType", suppUnitType)
        writer.field("accountCommitPeriod", accountCommitPeriod)
        writer.field("accountType", accountType)
        writer.field("byAccountFlag", byAccountFlag)
        writer.intArray("responseCodes", responseCodes)
    }
}

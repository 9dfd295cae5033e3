import Foundation
import RegistryCore

/// The ITL asks for the transactions touching blocks in a window.
/// The request of provideAuditTrail (common.wsdl `ProvideAuditTrailRequest`).
public struct ProvideAuditTrailRequest: DESRequestMessage {
    public static let xsiType = "ProvideAuditTrailRequest"
    public static let operation = DESOperation.provideAuditTrail

    public var from: RegistryCode
    public var to: RegistryCode
    public var majorVersion: Int
    public var minorVersion: Int
    public var reconciliationIdentifier: String
    public var auditTrailBeginDateTime: Date
    public var auditTrailEndDateTime: Date
    public var accountType: AccountType?
    public var accountIdentifier: Int64?
    public var accountCommitPeriod: CommitmentPeriod?
    public var unitType: UnitType?
    public var suppUnitType: Int?
    public var unitBlockIdentifiers: [DESUnitBlockIdentifier]?
    public var responseCodes: [DESResponseCode]?

    public init(
        from: RegistryCode, to: RegistryCode, majorVersion: Int, minorVersion: Int, reconciliationIdentifier: String,
        auditTrailBeginDateTime: Date, auditTrailEndDateTime: Date, accountType: AccountType? = nil,
        accountIdentifier: Int64? = nil, accountCommitPeriod: CommitmentPeriod? = nil, unitType: UnitType? = nil,
        suppUnitType: Int? = nil, unitBlockIdentifiers: [DESUnitBlockIdentifier]? = nil,
        responseCodes: [DESResponseCode]? = nil
    ) {
        self.from = from
        self.to = to
        self.majorVersion = majorVersion
        self.minorVersion = minorVersion
        self.reconciliationIdentifier = reconciliationIdentifier
        self.auditTrailBeginDateTime = auditTrailBeginDateTime
        self.auditTrailEndDateTime = auditTrailEndDateTime
        self.accountType = accountType
        self.accountIdentifier = accountIdentifier
        self.accountCommitPeriod = accountCommitPeriod
        self.unitType = unitType
        self.suppUnitType = suppUnitType
        self.unitBlockIdentifiers = unitBlockIdentifiers
        self.responseCodes = responseCodes
    }

    public init(from reader: inout DESStructReader) throws(DESError) {
        from = try reader.required("from")
        to = try reader.required("to")
        majorVersion = try reader.required("majorVersion")
        minorVersion = try reader.required("minorVersion")
        reconciliationIdentifier = try reader.required("reconciliationIdentifier")
        auditTrailBeginDateTime = try reader.required("auditTrailBeginDatetime")
        auditTrailEndDateTime = try reader.required("auditTrailEndDatetime")
        accountType = try reader.optional("accountType")
        accountIdentifier = try reader.optional("accountIdentifier")
        accountCommitPeriod = try reader.optional("accountCommitPeriod")
        unitType = try reader.optional("unitType")
        suppUnitType = try reader.optional("suppUnitType")
        unitBlockIdentifiers = try reader.optionalArray("unitBlockIdentifiers")
        responseCodes = try reader.optionalScalarArray("responseCodes")
    }

    public func encode(to writer: inout DESStructWriter) {
        writer.field("from", from)
        writer.field("to", to)
        writer.field("majorVersion", majorVersion)
        writer.field("minorVersion", minorVersion)
        writer.field("reconciliationIdentifier", reconciliationIdentifier)
        writer.field("auditTrailBeginDatetime", auditTrailBeginDateTime)
        writer.field("auditTrailEndDatetime", auditTrailEndDateTime)
        writer.field("accountType", accountType)
        writer.field("accountIdentifier", accountIdentifier)
        writer.field("accountCommitPeriod", accountCommitPeriod)
        writer.field("unitType", unitType)
        writer.field("suppUnitType", suppUnitType)
        writer.array(
            "unitBlockIdentifiers", unitBlockIdentifiers, itemType: DESUnitBlockIdentifier.reconciliationXSIType)
        writer.intArray("responseCodes", responseCodes)
    }
}

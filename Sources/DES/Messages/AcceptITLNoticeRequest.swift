import Foundation
import RegistryCore

/// An ITL notice (cancellation, expiry, reversal...) that a registry must act on.
/// The request of acceptITLNotice (common.wsdl `ITLNoticeRequest`).
public struct AcceptITLNoticeRequest: DESRequestMessage {
    public static let xsiType = "ITLNoticeRequest"
    public static let operation = DESOperation.acceptITLNotice

    public var from: RegistryCode
    public var to: RegistryCode
    public var majorVersion: Int
    public var minorVersion: Int
    public var messageContent: String
    public var messageDate: Date
    public var notificationType: Int
    public var notificationIdentifier: Int64
    public var notificationStatus: Int
    public var projectNumber: String?
    public var unitType: UnitType?
    public var targetValue: Int64?
    public var targetDate: CalendarDate?
    public var lulucfActivity: Int64?
    public var commitPeriod: CommitmentPeriod?
    public var actionDueDate: CalendarDate?
    public var unitBlockIdentifiers: [DESUnitBlockIdentifier]?

    public init(
        from: RegistryCode, to: RegistryCode, majorVersion: Int, minorVersion: Int, messageContent: String,
        messageDate: Date, notificationType: Int, notificationIdentifier: Int64, notificationStatus: Int,
        projectNumber: String? = nil, unitType: UnitType? = nil, targetValue: Int64? = nil,
        targetDate: CalendarDate? = nil, lulucfActivity: Int64? = nil, commitPeriod: CommitmentPeriod? = nil,
        actionDueDate: CalendarDate? = nil, unitBlockIdentifiers: [DESUnitBlockIdentifier]? = nil
    ) {
        self.from = from
        self.to = to
        self.majorVersion = majorVersion
        self.minorVersion = minorVersion
        self.messageContent = messageContent
        self.messageDate = messageDate
        self.notificationType = notificationType
        self.notificationIdentifier = notificationIdentifier
        self.notificationStatus = notificationStatus
        self.projectNumber = projectNumber
        self.unitType = unitType
        self.targetValue = targetValue
        self.targetDate = targetDate
        self.lulucfActivity = lulucfActivity
        self.commitPeriod = commitPeriod
        self.actionDueDate = actionDueDate
        self.unitBlockIdentifiers = unitBlockIdentifiers
    }

    public init(from reader: inout DESStructReader) throws(DESError) {
        from = try reader.required("from")
        to = try reader.required("to")
        majorVersion = try reader.required("majorVersion")
        minorVersion = try reader.required("minorVersion")
        messageContent = try reader.required("messageContent")
        messageDate = try reader.required("messageDate")
        notificationType = try reader.required("notificationType")
        notificationIdentifier = try reader.required("notificationIdentifier")
        notificationStatus = try reader.required("notificationStatus")
        projectNumber = try reader.optional("projectNumber")
        unitType = try reader.optional("unitType")
        targetValue = try reader.optional("targetValue")
        targetDate = try reader.optional("targetDate")
        lulucfActivity = try reader.optional("LULUCFActivity")
        commitPeriod = try reader.optional("commitPeriod")
        actionDueDate = try reader.optional("actionDueDate")
        unitBlockIdentifiers = try reader.optionalArray("unitBlockIdentifiers")
    }

    public func encode(to writer: inout DESStructWriter) {
        writer.field("from", from)
        writer.field("to", to)
        writer.field("majorVersion", majorVersion)
        writer.field("minorVersion", minorVersion)
        writer.field("messageContent", messageContent)
        writer.field("messageDate", messageDate)
        writer.field("notificationType", notificationType)
        writer.field("notificationIdentifier", notificationIdentifier)
        writer.field("notificationStatus", notificationStatus)
        writer.field("projectNumber", projectNumber)
        writer.field("unitType", unitType)
        writer.field("targetValue", targetValue)
        writer.field("targetDate", targetDate)
        writer.field("LULUCFActivity", lulucfActivity)
        writer.field("commitPeriod", commitPeriod)
        writer.field("actionDueDate", actionDueDate)
        writer.array("unitBlockIdentifiers", unitBlockIdentifiers)
    }
}

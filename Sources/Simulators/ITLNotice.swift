import DES
import Foundation
import RegistryCore

/// An ITL notice as the ITL recorded it (DOMAIN.md section 4, "ITL notices"), in the shape `GET /notices` shows.
/// Codes are DES codes; dates are `YYYY-MM-DD`; `messageDate` is ISO 8601 on the simulator's clock.
public struct ITLNotice: Codable, Hashable, Sendable {
    /// A unit block named by a notice (DES UnitBlockIdentifier).
    public struct BlockIdentifier: Codable, Hashable, Sendable {
        public var originatingRegistry: String
        public var first: Int64
        public var last: Int64
    }

    public var notificationIdentifier: Int64
    public var registry: String
    /// The notice's own type (1-13); a type 10 update keeps it and counts in `updates`.
    public var notificationType: Int
    /// 1 open, 2 incomplete, 3 completed.
    public var notificationStatus: Int
    public var messageContent: String
    public var messageDate: String
    public var projectNumber: String?
    public var unitType: Int?
    public var targetValue: Int64?
    public var targetDate: String?
    public var lulucfActivity: Int64?
    public var commitPeriod: Int?
    public var actionDueDate: String?
    public var unitBlockIdentifiers: [BlockIdentifier]?
    /// How many type 10 updates were sent for this notice.
    public var updates: Int
    /// What the registry answered to the last message: "received", "refused", or "undelivered".
    public var delivery: String
    public var responseCodes: [Int]
    /// Why the last message was not delivered, when it was not.
    public var deliveryDetail: String?

    /// The DES message for this notice; `type` is the notice's type, or 10 for an update.
    func request(type: Int, date: Date) throws(AdminInputError) -> AcceptITLNoticeRequest {
        let to: RegistryCode
        do { to = try RegistryCode(registry) } catch { throw AdminInputError("registry: \(error)") }
        var blocks: [DESUnitBlockIdentifier]?
        if let unitBlockIdentifiers {
            blocks = []
            for (index, block) in unitBlockIdentifiers.enumerated() {
                let place = "unitBlockIdentifiers[\(index)]"
                do {
                    blocks?.append(
                        DESUnitBlockIdentifier(
                            range: try SerialRange(block.first, block.last),
                            originatingRegistry: try RegistryCode(block.originatingRegistry)))
                } catch let error as SerialRangeError {
                    throw AdminInputError("\(place) first/last: \(error)")
                } catch {
                    throw AdminInputError("\(place).originatingRegistry: \(error)")
                }
            }
        }
        return AcceptITLNoticeRequest(
            from: .itl, to: to, majorVersion: ITLChecks.majorVersion, minorVersion: ITLChecks.minorVersion,
            messageContent: messageContent, messageDate: date, notificationType: type,
            notificationIdentifier: notificationIdentifier, notificationStatus: notificationStatus,
            projectNumber: projectNumber, unitType: try unitType.map { value throws(AdminInputError) in
                guard let type = UnitType(rawValue: value) else {
                    throw AdminInputError("unitType \(value) is not a DES unit type (1-7)")
                }
                return type
            },
            targetValue: targetValue, targetDate: try Self.date(targetDate, "targetDate"),
            lulucfActivity: lulucfActivity,
            commitPeriod: try commitPeriod.map { value throws(AdminInputError) in
                guard let period = CommitmentPeriod(rawValue: value) else {
                    throw AdminInputError("commitPeriod \(value) is not 0, 1 or 2")
                }
                return period
            },
            actionDueDate: try Self.date(actionDueDate, "actionDueDate"), unitBlockIdentifiers: blocks)
    }

    private static func date(_ text: String?, _ name: String) throws(AdminInputError) -> CalendarDate? {
        guard let text else { return nil }
        do { return try CalendarDate(parsing: text) } catch { throw AdminInputError("\(name): \(error)") }
    }
}

import DES
import Foundation
import GRDB
import RegistryCore

/// What an admin caller asks the ITL to notify (`POST /notices`): a new notice (types 1-13) or, with type 10, an
/// update of an existing one, where every given field replaces the stored one.
public struct ITLNoticeDraft: Codable, Hashable, Sendable {
    public var registry: String
    public var notificationType: Int
    /// Absent for a new notice: the next free identifier. Required for an update (type 10).
    public var notificationIdentifier: Int64?
    public var notificationStatus: Int?
    public var messageContent: String?
    public var projectNumber: String?
    public var unitType: Int?
    public var targetValue: Int64?
    public var targetDate: String?
    public var lulucfActivity: Int64?
    public var commitPeriod: Int?
    public var actionDueDate: String?
    public var unitBlockIdentifiers: [ITLNotice.BlockIdentifier]?
}

/// Why a notice was not sent; nothing was recorded.
public enum ITLNoticeError: Error, Hashable, Sendable, CustomStringConvertible {
    case invalid(String)
    case unknownNotice(Int64)
    case conflict(String)
    case record(ITLRecordError)

    public var description: String {
        switch self {
        case .invalid(let message), .conflict(let message): message
        case .unknownNotice(let identifier): "notice \(identifier) was never sent by the ITL"
        case .record(let error): error.description
        }
    }
}

/// The ITL's notices (table `itlNotice` in the ITL database) and their sending: each notice is recorded, then
/// sent once with acceptITLNotice; the registry's answer (or the failure) is recorded with it. An undelivered
/// notice is re-sent by a type 10 update.
public final class ITLNoticeLog: Sendable {
    /// DOMAIN.md lists 1-10, 12 and 13; 11 is accepted too, as the ITL may send any code of the range.
    public static let noticeTypes = 1...13
    public static let updateType = 10

    private let record: ITLHoldingsRecord
    private let sender: any ITLRequestSender
    private let clock: @Sendable () -> Date

    public init(record: ITLHoldingsRecord, sender: any ITLRequestSender, clock: @escaping @Sendable () -> Date)
        throws(ITLRecordError)
    {
        self.record = record
        self.sender = sender
        self.clock = clock
        try Self.runRecord(record) {
            try record.pool.write { db in
                try db.execute(
                    sql: """
                        CREATE TABLE IF NOT EXISTS itlNotice (
                            identifier INTEGER PRIMARY KEY NOT NULL, registry TEXT NOT NULL, notice TEXT NOT NULL);
                        CREATE TABLE IF NOT EXISTS itlMessageIn (
                            id INTEGER PRIMARY KEY AUTOINCREMENT, registry TEXT NOT NULL, content TEXT NOT NULL,
                            sentAt REAL NOT NULL, receivedAt REAL NOT NULL, UNIQUE (registry, sentAt, content));
                        """)
            }
        }
    }

    /// What a registry answered to a message or a time check (not recorded: neither changes the ITL's state).
    public struct Exchange: Codable, Hashable, Sendable {
        /// `received`, `refused` or `undelivered`.
        public var delivery: String
        public var responseCodes: [Int]
        public var detail: String?
        /// provideTime: the registry's clock, and how far it is ahead of the ITL's (negative: behind).
        public var systemTime: String?
        public var driftSeconds: Double?
    }

    /// Sends an administrators' free-text message (DES acceptMessage) to `registry`, dated now.
    public func sendMessage(_ text: String, to registry: RegistryCode) async throws(ITLNoticeError) -> Exchange {
        guard !text.isEmpty, text.utf8.count <= 4_000 else {
            throw .invalid("the message text must be 1 to 4000 bytes (it is \(text.utf8.count))")
        }
        let request = AcceptMessageRequest(
            from: .itl, to: registry, majorVersion: 1, minorVersion: 1, messageContent: text, messageDateTime: clock())
        return Self.exchange(await sender.attempt(.acceptMessage(request), to: registry))
    }

    /// Asks `registry` for its clock (DES provideTime) and says how far it is from the ITL's.
    public func checkTime(of registry: RegistryCode) async -> Exchange {
        let now = clock()
        let attempt = await sender.attempt(
            .provideTime(
                ProvideTimeRequest(from: .itl, to: registry, majorVersion: 1, minorVersion: 1, itlSystemTime: now)),
            to: registry)
        var exchange = Self.exchange(attempt)
        if case .answered(.provideTime(let answer)) = attempt, answer.resultIdentifier == 1 {
            exchange.systemTime = ISO8601DateFormatter().string(from: answer.systemTime)
            exchange.driftSeconds = answer.systemTime.timeIntervalSince(now)
        }
        return exchange
    }

    static func exchange(_ attempt: DeliveryAttempt) -> Exchange {
        switch attempt.result {
        case .success(let result):
            Exchange(
                delivery: result.isReceived ? "received" : "refused",
                responseCodes: (result.responseCodes ?? []).map(\.rawValue))
        case .failure(let failure):
            Exchange(delivery: "undelivered", responseCodes: [], detail: failure.description)
        }
    }

    /// A registry administrators' message to the ITL, as the simulator keeps it.
    public struct ReceivedMessage: Codable, Hashable, Sendable {
        public var registry: String
        public var text: String
        public var sentAt: String
        public var receivedAt: String
    }

    /// A registry's acceptMessage: from the authenticated registry, to the ITL, DES 1.1; kept once per registry,
    /// time and text (a redelivery is not doubled).
    public func receiveMessage(_ request: AcceptMessageRequest, sender: RegistryCode?) -> DESResult {
        guard request.majorVersion == 1, request.minorVersion == 1 else { return .refused([.unsupportedVersion]) }
        guard let sender, sender == request.from else { return .refused([.senderMismatch]) }
        guard request.to == .itl else { return .refused([.wrongRecipient]) }
        do {
            try record.pool.write { db in
                try db.execute(
                    sql: """
                        INSERT OR IGNORE INTO itlMessageIn (registry, content, sentAt, receivedAt) VALUES (?, ?, ?, ?)
                        """,
                    arguments: [
                        sender.rawValue, request.messageContent, request.messageDateTime.timeIntervalSince1970,
                        clock().timeIntervalSince1970,
                    ])
            }
        } catch {
            return .refused([DESResponseCode(9999)])
        }
        return .received
    }

    /// The registries' messages, oldest first.
    public func receivedMessages() throws(ITLNoticeError) -> [ReceivedMessage] {
        do {
            return try record.pool.read { db in
                let format = ISO8601DateFormatter()
                return try Row.fetchAll(db, sql: "SELECT * FROM itlMessageIn ORDER BY id").map { row in
                    ReceivedMessage(
                        registry: row["registry"], text: row["content"],
                        sentAt: format.string(from: Date(timeIntervalSince1970: row["sentAt"])),
                        receivedAt: format.string(from: Date(timeIntervalSince1970: row["receivedAt"])))
                }
            }
        } catch {
            throw .record(.database("\(error)"))
        }
    }

    /// Validates, records and sends a notice or an update; returns the notice as now recorded.
    public func issue(_ draft: ITLNoticeDraft) async throws(ITLNoticeError) -> ITLNotice {
        guard Self.noticeTypes.contains(draft.notificationType) else {
            throw .invalid("notificationType \(draft.notificationType) is not between 1 and 13")
        }
        if let status = draft.notificationStatus, !(1...3).contains(status) {
            throw .invalid("notificationStatus \(status) is not 1 (open), 2 (incomplete) or 3 (completed)")
        }
        let registry: RegistryCode
        do { registry = try RegistryCode(draft.registry) } catch { throw .invalid("registry: \(error)") }
        let now = clock()
        var notice: ITLNotice
        if draft.notificationType == Self.updateType {
            guard let identifier = draft.notificationIdentifier else {
                throw .invalid("a type 10 update needs the notificationIdentifier of the notice it updates")
            }
            guard let stored = try self.notice(identifier) else { throw .unknownNotice(identifier) }
            guard stored.registry == registry.rawValue else {
                throw .conflict("notice \(identifier) was sent to \(stored.registry), not \(registry)")
            }
            notice = Self.merged(stored, draft)
            notice.updates += 1
        } else {
            guard let content = draft.messageContent, !content.isEmpty else {
                throw .invalid("missing key 'messageContent' (the notice's text)")
            }
            let identifier: Int64
            if let given = draft.notificationIdentifier {
                guard given > 0 else { throw .invalid("notificationIdentifier \(given) is not positive") }
                if try self.notice(given) != nil { throw .conflict("notice \(given) exists; update it with type 10") }
                identifier = given
            } else {
                identifier = try nextIdentifier()
            }
            notice = Self.merged(
                ITLNotice(
                    notificationIdentifier: identifier, registry: registry.rawValue,
                    notificationType: draft.notificationType, notificationStatus: 1, messageContent: content,
                    messageDate: "", updates: 0, delivery: "undelivered", responseCodes: []),
                draft)
        }
        notice.messageDate = ISO8601DateFormatter().string(from: now)
        let request: AcceptITLNoticeRequest
        do { request = try notice.request(type: draft.notificationType, date: now) } catch {
            throw .invalid(error.message)
        }
        try save(notice)
        switch await sender.attempt(.acceptITLNotice(request), to: registry).result {
        case .success(let result):
            notice.delivery = result.isReceived ? "received" : "refused"
            notice.responseCodes = (result.responseCodes ?? []).map(\.rawValue)
            notice.deliveryDetail = nil
        case .failure(let failure):
            notice.delivery = "undelivered"
            notice.responseCodes = []
            notice.deliveryDetail = failure.description
        }
        try save(notice)
        return notice
    }

    public func notice(_ identifier: Int64) throws(ITLNoticeError) -> ITLNotice? {
        try run {
            try record.pool.read { db in
                try String.fetchOne(
                    db, sql: "SELECT notice FROM itlNotice WHERE identifier = ?", arguments: [identifier]
                ).map(Self.decode)
            }
        }
    }

    /// Every notice, by identifier; only those sent to `registry` when it is given.
    public func all(registry: RegistryCode? = nil) throws(ITLNoticeError) -> [ITLNotice] {
        try run {
            try record.pool.read { db in
                try String.fetchAll(
                    db,
                    sql: "SELECT notice FROM itlNotice WHERE ?1 IS NULL OR registry = ?1 ORDER BY identifier",
                    arguments: [registry?.rawValue]
                ).map(Self.decode)
            }
        }
    }

    private func nextIdentifier() throws(ITLNoticeError) -> Int64 {
        try run {
            try record.pool.read { db in
                (try Int64.fetchOne(db, sql: "SELECT MAX(identifier) FROM itlNotice") ?? 0) + 1
            }
        }
    }

    private func save(_ notice: ITLNotice) throws(ITLNoticeError) {
        try run {
            let text = String(decoding: try JSONEncoder().encode(notice), as: UTF8.self)
            try record.pool.write { db in
                try db.execute(
                    sql: "INSERT OR REPLACE INTO itlNotice (identifier, registry, notice) VALUES (?, ?, ?)",
                    arguments: [notice.notificationIdentifier, notice.registry, text])
            }
        }
    }

    /// The stored notice with every field the draft gives replacing the stored one.
    static func merged(_ stored: ITLNotice, _ draft: ITLNoticeDraft) -> ITLNotice {
        var notice = stored
        if let value = draft.notificationStatus { notice.notificationStatus = value }
        if let value = draft.messageContent, !value.isEmpty { notice.messageContent = value }
        if let value = draft.projectNumber { notice.projectNumber = value }
        if let value = draft.unitType { notice.unitType = value }
        if let value = draft.targetValue { notice.targetValue = value }
        if let value = draft.targetDate { notice.targetDate = value }
        if let value = draft.lulucfActivity { notice.lulucfActivity = value }
        if let value = draft.commitPeriod { notice.commitPeriod = value }
        if let value = draft.actionDueDate { notice.actionDueDate = value }
        if let value = draft.unitBlockIdentifiers { notice.unitBlockIdentifiers = value }
        return notice
    }

    private static func decode(_ text: String) throws -> ITLNotice {
        do { return try JSONDecoder().decode(ITLNotice.self, from: Data(text.utf8)) } catch {
            throw ITLRecordError.corruptRow(table: "itlNotice", detail: "\(error)")
        }
    }

    private func run<T>(_ body: () throws -> T) throws(ITLNoticeError) -> T {
        do { return try body() } catch let error as ITLNoticeError { throw error } catch let error as ITLRecordError {
            throw .record(error)
        } catch {
            throw .record(.database("\(record.path): \(error)"))
        }
    }

    private static func runRecord<T>(_ record: ITLHoldingsRecord, _ body: () throws -> T) throws(ITLRecordError) -> T {
        do { return try body() } catch let error as ITLRecordError { throw error } catch {
            throw .database("\(record.path): \(error)")
        }
    }
}

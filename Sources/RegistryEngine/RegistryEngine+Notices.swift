import DES
import Foundation
import RegistryCore
import RegistryStore

/// An ITL notice as the registry keeps it (DOMAIN.md section 4, "ITL notices").
public struct ITLNotice: Hashable, Sendable, Codable {
    public var identifier: Int64
    public var type: Int
    /// 1 open, 2 incomplete, 3 completed.
    public var status: Int
    public var content: String
    public var messageDate: Date
    public var project: String?
    public var unitType: UnitType?
    public var targetValue: Int64?
    public var targetDate: CalendarDate?
    public var commitmentPeriod: CommitmentPeriod?
    public var actionDueDate: CalendarDate?
    public var lulucfActivity: Int64?
    public var unitBlocks: [String]
    /// The transactions proposed to act on it.
    public var transactions: [TransactionIdentifier]

    init(_ request: AcceptITLNoticeRequest) {
        identifier = request.notificationIdentifier
        type = request.notificationType
        status = request.notificationStatus
        content = request.messageContent
        messageDate = request.messageDate
        project = request.projectNumber
        unitType = request.unitType
        targetValue = request.targetValue
        targetDate = request.targetDate
        commitmentPeriod = request.commitPeriod
        actionDueDate = request.actionDueDate
        lulucfActivity = request.lulucfActivity
        unitBlocks = (request.unitBlockIdentifiers ?? []).map { "\($0.originatingRegistry) \($0.range)" }
        transactions = []
    }
}

extension RegistryEngine {
    /// Notice types (DOMAIN.md): what the CDM registry does with each.
    static let cancellationTarget: [Int: AccountType] = [
        6: .excessIssuanceCancellation, 12: .ccsNetReversalCancellation, 13: .ccsNonSubmissionCancellation,
    ]
    static let holderTasks: [Int: String] = [
        3: "impending tCER/lCER expiry: the holder replaces the units before they expire",
        4: "reversal of storage: the holder replaces or cancels the lCERs named",
        5: "non-submission of certification report: the holder replaces or cancels the lCERs named",
    ]

    /// Stores the notice (a type 10 updates the stored one) and acts on it: excess issuance and CCS notices become
    /// cancellations from the pending account carrying the notice's identifier; what the registry cannot do alone
    /// becomes an operator task with the due date. Answered once the notice is durable.
    func receiveNotice(_ request: AcceptITLNoticeRequest) async throws(EngineError) -> DESResult {
        let now = clock.now.date
        let existing: NoticeRecord?
        do { existing = try store.notice(request.notificationIdentifier) } catch { throw .store("\(error)") }
        var notice = ITLNotice(request)
        if let existing, let stored = try? Self.decoder.decode(ITLNotice.self, from: existing.record) {
            // An update (type 10) or a repeat: the content and status change, what was done stays.
            notice.type = request.notificationType == 10 ? stored.type : request.notificationType
            notice.transactions = stored.transactions
            try saveNotice(notice, action: existing.action, taskOpen: existing.taskOpen && notice.status != 3,
                receivedAt: existing.receivedAt, now: now)
            logger.notice(
                "ITL notice updated",
                metadata: ["notice": "\(notice.identifier)", "type": "\(notice.type)", "status": "\(notice.status)"])
            return .received
        }
        let (action, taskOpen) = await act(on: &notice)
        try saveNotice(notice, action: action, taskOpen: taskOpen, receivedAt: now, now: now)
        logger.notice(
            "ITL notice received",
            metadata: ["notice": "\(notice.identifier)", "type": "\(notice.type)", "action": "\(action)"])
        return .received
    }

    private func act(on notice: inout ITLNotice) async -> (action: String, taskOpen: Bool) {
        if let target = Self.cancellationTarget[notice.type] {
            return await cancelForNotice(&notice, into: target)
        }
        if let task = Self.holderTasks[notice.type] {
            let due = notice.actionDueDate.map { " by \($0)" } ?? ""
            return ("operator task: \(task)\(due)", notice.status != 3)
        }
        return ("no action: notice type \(notice.type) does not concern the CDM registry", false)
    }

    /// Takes the notice's quantity of the project's units from the pending account, issuance by issuance, into the
    /// cancellation account of the notice's commitment period; any shortfall stays an operator task (units already
    /// forwarded are in holders' accounts, and only their holders may give them).
    private func cancelForNotice(_ notice: inout ITLNotice, into type: AccountType) async -> (String, Bool) {
        guard let projectText = notice.project, let project = Int(projectText),
            let quantity = notice.targetValue, quantity > 0
        else { return ("operator task: the notice names no project or quantity to cancel", true) }
        let target = AccountIdentifier.cdmTerminal(type, period: notice.commitmentPeriod ?? .second)
        var remaining = quantity
        var problems: [String] = []
        let issuances: [IssuanceRecord]
        do {
            issuances = try store.issuances(ofProject: project)
        } catch {
            return ("operator task: the project's issuances could not be read (\(error))", true)
        }
        for issuance in issuances where remaining > 0 && issuance.inPending > 0 {
            if let unitType = notice.unitType, unitType != issuance.unitType { continue }
            let take = min(remaining, issuance.inPending)
            let order = CancellationOrder(
                sources: [issuance.pendingAccount], to: target, quantity: take, issuance: issuance.identifier,
                notification: notice.identifier)
            do {
                let summary = try await propose(.cancellation(order))
                notice.transactions.append(summary.identifier)
                remaining -= take
            } catch {
                problems.append("\(issuance.identifier): \(error)")
            }
        }
        let done = notice.transactions.map(\.rawValue).joined(separator: ", ")
        var action = done.isEmpty ? "" : "cancellation \(done) of \(quantity - remaining) into \(target)"
        if remaining > 0 {
            let due = notice.actionDueDate.map { " by \($0)" } ?? ""
            action += (action.isEmpty ? "" : "; ")
                + "operator task: \(remaining) units of project \(project) still to cancel into \(target)\(due)"
            if !problems.isEmpty { action += " (\(problems.joined(separator: "; ")))" }
            return (action, true)
        }
        return (action, false)
    }

    private func saveNotice(_ notice: ITLNotice, action: String, taskOpen: Bool, receivedAt: Date, now: Date)
        throws(EngineError)
    {
        do {
            try store.saveNotice(
                NoticeRecord(
                    identifier: notice.identifier, type: notice.type, status: notice.status,
                    record: try Self.encoder.encode(notice), action: action, taskOpen: taskOpen,
                    actionDueDate: notice.actionDueDate?.description, receivedAt: receivedAt, updatedAt: now))
        } catch { throw .store("\(error)") }
    }

    /// An operator did what a notice's task asked: the task is closed with a note.
    public func closeNoticeTask(_ identifier: Int64, note: String) throws(EngineError) -> NoticeRecord {
        do {
            guard var record = try store.notice(identifier) else {
                throw EngineError.invalidRequest("notice \(identifier) does not exist")
            }
            guard record.taskOpen else { throw EngineError.invalidRequest("notice \(identifier) has no open task") }
            record.taskOpen = false
            record.action += "; closed by operator: \(note)"
            record.updatedAt = clock.now.date
            try store.saveNotice(record)
            return record
        } catch let error as EngineError { throw error } catch { throw .store("\(error)") }
    }
}

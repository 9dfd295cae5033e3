import DES
import Foundation
import RegistryCore
import RegistryStore

/// DES reconciliation, the registry's side (DOMAIN.md section 4): a snapshot at initiation, then totals, unit
/// blocks and audit trail on request, each sent to the ITL through the outbox; the result recorded, an
/// inconsistent one raising an operator alert.
extension RegistryEngine {
    /// A reconciliation identifier this registry has no snapshot for (never initiated here, or initiated before a
    /// restart): the ITL must initiate it again.
    public static let unknownReconciliation = DESResponseCode(5008)

    func reconciliationResponse(_ request: DESRequest) async throws(EngineError) -> DESResponse? {
        switch request {
        case .initiateReconciliation(let initiate):
            return .initiateReconciliation(
                InitiateReconciliationResponse(result: try initiateReconciliation(initiate)))
        case .provideTotals(let provide):
            return .provideTotals(ProvideTotalsResponse(result: try await provideTotals(provide)))
        case .provideUnitBlocks(let provide):
            return .provideUnitBlocks(ProvideUnitBlocksResponse(result: try await provideUnitBlocks(provide)))
        case .provideAuditTrail(let provide):
            return .provideAuditTrail(ProvideAuditTrailResponse(result: try await provideAuditTrail(provide)))
        case .receiveReconciliationResult(let result):
            return .receiveReconciliationResult(
                ReceiveReconciliationResultResponse(result: try receiveReconciliationResult(result)))
        default:
            return nil
        }
    }

    /// Freezes the holdings now (a store snapshot: transactions keep flowing, the snapshot does not move) and
    /// records the reconciliation. A repeated initiation of the same identifier keeps the first snapshot.
    func initiateReconciliation(_ request: InitiateReconciliationRequest) throws(EngineError) -> DESResult {
        let id = request.reconciliationIdentifier
        if snapshots[id] != nil { return .received }
        let now = clock.now.date
        do {
            snapshots[id] = try store.makeHoldingsSnapshot(at: now)
            try saveReconciliation(
                ReconciliationRecord(
                    identifier: id, snapshotAt: request.snapshotDateTime, receivedAt: now, phase: 0, status: 1,
                    responseCodes: [], alert: false, clearedAt: nil, clearedNote: nil, updatedAt: now))
        } catch { throw .store("\(error)") }
        logger.notice(
            "reconciliation started", metadata: ["reconciliation": "\(id)", "snapshot": "\(request.snapshotDateTime)"])
        return .received
    }

    func provideTotals(_ request: ProvideTotalsRequest) async throws(EngineError) -> DESResult {
        let id = request.reconciliationIdentifier
        guard let snapshot = snapshots[id] else { return .refused([Self.unknownReconciliation]) }
        let filter = SnapshotFilter(
            unitType: request.unitType, supplementaryUnitType: request.suppUnitType,
            accountCommitmentPeriod: request.accountCommitPeriod?.rawValue, accountType: request.accountType)
        let totals: [DESTotal]
        do {
            totals = try snapshot.totals(filter, byAccount: request.byAccountFlag == 1).map {
                DESTotal(
                    accountType: $0.accountType, accountIdentifier: $0.accountNumber,
                    accountCommitPeriod: CommitmentPeriod(rawValue: $0.accountCommitmentPeriod) ?? .euPilot,
                    unitType: $0.unitType, suppUnitType: $0.supplementaryUnitType, unitCount: $0.units)
            }
        } catch { throw .store("\(error)") }
        let message = ReceiveTotalsRequest(
            from: configuration.registry, to: .itl, majorVersion: configuration.majorVersion,
            minorVersion: configuration.minorVersion, reconciliationIdentifier: id, totals: totals)
        try await enqueue(.receiveTotals, DESCodec.encode(message), event: "reconciliation \(id): totals")
        try advance(id, phase: 1)
        return .received
    }

    /// Streams the matching blocks of the snapshot into receiveUnitBlocks messages of at most
    /// `maximumBlocksPerMessage` blocks, each committed to the outbox as it is built.
    func provideUnitBlocks(_ request: ProvideUnitBlocksRequest) async throws(EngineError) -> DESResult {
        let id = request.reconciliationIdentifier
        guard let snapshot = snapshots[id] else { return .refused([Self.unknownReconciliation]) }
        let filters = request.unitBlockRequests.map {
            SnapshotFilter(
                unitType: $0.unitType, supplementaryUnitType: $0.suppUnitType,
                accountCommitmentPeriod: $0.accountCommitPeriod?.rawValue, accountType: $0.accountType,
                accountNumber: $0.accountIdentifier)
        }
        var bodies: [[UInt8]] = []
        var sentAny = false
        let registry = configuration.registry
        let (major, minor) = (configuration.majorVersion, configuration.minorVersion)
        func message(_ blocks: [DESHeldUnitBlock]) -> [UInt8] {
            DESCodec.encode(
                ReceiveUnitBlocksRequest(
                    from: registry, to: .itl, majorVersion: major, minorVersion: minor, reconciliationIdentifier: id,
                    unitBlocks: blocks))
        }
        do {
            try snapshot.forEachBlockChunk(matching: filters, chunkSize: configuration.maximumBlocksPerMessage) {
                chunk in
                bodies.append(
                    message(
                        chunk.map {
                            DESHeldUnitBlock(
                                range: $0.block.range, originatingRegistry: $0.block.originatingRegistry,
                                unitType: $0.block.attributes.unitType,
                                supplementaryUnitType: $0.block.attributes.supplementaryUnitType,
                                accountType: $0.account.type, accountIdentifier: $0.account.id,
                                applicableCommitmentPeriod: $0.block.attributes.applicableCommitmentPeriod)
                        }))
                // Bounded memory: finished messages go to the outbox a few at a time.
                if bodies.count >= 4 {
                    try self.enqueueBlocking(.receiveUnitBlocks, bodies, event: "reconciliation \(id): unit blocks")
                    bodies.removeAll()
                    sentAny = true
                }
            }
            // An empty answer is still an answer: the ITL learns that nothing here matches.
            if !sentAny && bodies.isEmpty { bodies = [message([])] }
            if !bodies.isEmpty {
                try enqueueBlocking(.receiveUnitBlocks, bodies, event: "reconciliation \(id): unit blocks")
            }
        } catch let error as EngineError {
            throw error
        } catch { throw .store("\(error)") }
        wakeSender()
        try advance(id, phase: 2)
        return .received
    }

    /// The completed transactions of the window that touched the given blocks (all, when none are given).
    func provideAuditTrail(_ request: ProvideAuditTrailRequest) async throws(EngineError) -> DESResult {
        let id = request.reconciliationIdentifier
        guard snapshots[id] != nil else { return .refused([Self.unknownReconciliation]) }
        let transactions: [DESAuditTransaction]
        do {
            transactions = try auditTrail(
                from: request.auditTrailBeginDateTime, to: request.auditTrailEndDateTime,
                touching: request.unitBlockIdentifiers ?? [])
        } catch { throw .store("\(error)") }
        let message = ReceiveAuditTrailRequest(
            from: configuration.registry, to: .itl, majorVersion: configuration.majorVersion,
            minorVersion: configuration.minorVersion, reconciliationIdentifier: id, transactions: transactions)
        try await enqueue(.receiveAuditTrail, DESCodec.encode(message), event: "reconciliation \(id): audit trail")
        try advance(id, phase: 3)
        return .received
    }

    /// The ITL's verdict. Final statuses end the snapshot; 3 and 4 (inconsistent) raise an alert that holds new
    /// ITL transactions (when configured) until `clearReconciliationAlert`.
    func receiveReconciliationResult(_ request: ReceiveReconciliationResultRequest) throws(EngineError) -> DESResult {
        let id = request.reconciliationIdentifier
        let now = clock.now.date
        do {
            var record =
                try store.reconciliation(id)
                ?? ReconciliationRecord(
                    identifier: id, snapshotAt: now, receivedAt: now, phase: 0, status: 1, responseCodes: [],
                    alert: false, clearedAt: nil, clearedNote: nil, updatedAt: now)
            record.status = request.reconciliationStatus
            record.responseCodes = (request.responseCodes ?? []).map(\.rawValue)
            record.updatedAt = now
            if [3, 4].contains(request.reconciliationStatus) {
                record.alert = true
                logger.critical(
                    "reconciliation inconsistent: operator action needed",
                    metadata: [
                        "reconciliation": "\(id)", "status": "\(request.reconciliationStatus)",
                        "codes": "\(record.responseCodes)",
                    ])
            } else {
                logger.notice(
                    "reconciliation result", metadata: ["reconciliation": "\(id)", "status": "\(record.status)"])
            }
            try saveReconciliation(record)
        } catch { throw .store("\(error)") }
        if [0, 3, 4, 5, 6, 7].contains(request.reconciliationStatus) { snapshots[id] = nil }
        return .received
    }

    /// An operator resolved the discrepancy by hand: the alert is cleared and ITL transactions flow again.
    public func clearReconciliationAlert(_ id: String, note: String) throws(EngineError) -> ReconciliationRecord {
        do {
            guard var record = try store.reconciliation(id) else {
                throw EngineError.invalidRequest("reconciliation \(id) does not exist")
            }
            guard record.alert else { throw EngineError.invalidRequest("reconciliation \(id) has no alert to clear") }
            record.alert = false
            record.clearedAt = clock.now.date
            record.clearedNote = note
            record.updatedAt = clock.now.date
            try saveReconciliation(record)
            logger.notice("reconciliation alert cleared", metadata: ["reconciliation": "\(id)", "note": "\(note)"])
            return record
        } catch let error as EngineError { throw error } catch { throw .store("\(error)") }
    }

    /// The alerts still open (new ITL transactions are held while any is, when configured).
    public func openReconciliationAlerts() throws(EngineError) -> [ReconciliationRecord] {
        if let openAlerts { return openAlerts }
        do {
            let alerts = try store.openReconciliationAlerts()
            openAlerts = alerts
            return alerts
        } catch { throw .store("\(error)") }
    }

    /// Every reconciliation write goes through here: it forgets the alerts kept in memory (before writing, so a
    /// failed write leaves them to be read again).
    private func saveReconciliation(_ record: ReconciliationRecord) throws {
        openAlerts = nil
        try store.saveReconciliation(record)
    }

    /// Open reconciliations (snapshot held in memory).
    public var openReconciliations: [String] { snapshots.keys.sorted() }

    // MARK: Helpers

    private func advance(_ id: String, phase: Int) throws(EngineError) {
        do {
            guard var record = try store.reconciliation(id) else { return }
            record.phase = max(record.phase, phase)
            record.status = max(record.status, 1)
            record.updatedAt = clock.now.date
            try saveReconciliation(record)
        } catch { throw .store("\(error)") }
    }

    func enqueue(_ operation: DESOperation, _ body: [UInt8], event: String) async throws(EngineError) {
        let message = OutboxMessage(
            recipient: .itl, transaction: nil, operation: operation.rawValue, body: Data(body),
            enqueuedAt: clock.now.date)
        let step = EngineStep(time: clock.now.date, commands: [], transaction: nil, event: event) { _ in [message] }
        switch await committer.submit(step) {
        case .success: wakeSender()
        case .failure(let error): throw EngineError.wrapping(error)
        }
    }

    /// Enqueues from inside a synchronous streaming callback (the snapshot cursor): a direct store write.
    private nonisolated func enqueueBlocking(_ operation: DESOperation, _ bodies: [[UInt8]], event: String) throws {
        let now = clock.now.date
        let messages = bodies.map {
            OutboxMessage(
                recipient: .itl, transaction: nil, operation: operation.rawValue, body: Data($0), enqueuedAt: now)
        }
        let step = EngineStep(time: now, commands: [], transaction: nil, event: event) { _ in messages }
        let results = try store.commitSteps([step])
        if case .failure(let error) = results.first { throw error }
    }

    private func auditTrail(from begin: Date, to end: Date, touching identifiers: [DESUnitBlockIdentifier]) throws
        -> [DESAuditTransaction]
    {
        let registry = configuration.registry
        var committedBlocks: [TransactionIdentifier: [UnitBlock]] = [:]
        for record in try store.journalEntries(kinds: ["commit"], from: begin, to: end, limit: 100_000) {
            if case .commit(let id) = record.entry.command {
                committedBlocks[id, default: []] += record.entry.movements.flatMap(\.blocks)
            }
        }
        var result: [DESAuditTransaction] = []
        for record in try store.engineTransactions(.final, limit: 10_000)
        where record.finalStatus == .completed && record.updatedAt >= begin && record.updatedAt <= end {
            guard let request = try? Self.decoder.decode(TransactionRequest.self, from: record.details) else { continue }
            var transferring = registry
            var acquiring = registry
            var from: AccountIdentifier?
            var to: (type: AccountType, id: Int64)?
            let blocks: [UnitBlock]
            var notification: Int64?
            switch request {
            case .issuance(let issuance):
                let order = issuance.order
                blocks = [
                    UnitBlock(
                        range: order.serials,
                        attributes: UnitAttributes(
                            originatingRegistry: registry, unitType: order.unitType,
                            originalCommitmentPeriod: order.originalCommitmentPeriod,
                            applicableCommitmentPeriod: order.applicableCommitmentPeriod,
                            lulucfActivity: order.lulucfActivity, project: order.issuance.project,
                            expiryDate: order.expiryDate))
                ]
                to = (order.pendingAccount.type, order.pendingAccount.id)
            case .externalTransfer(let transfer):
                blocks = committedBlocks[record.identifier] ?? []
                from = transfer.reservation.from
                acquiring = transfer.acquiringAccount.registry
                to = (transfer.acquiringAccount.type, transfer.acquiringAccount.id)
            case .cancellation(let cancellation):
                blocks = committedBlocks[record.identifier] ?? []
                from = cancellation.reservation.from
                if case .account(let target) = cancellation.reservation.destination { to = (target.type, target.id) }
                notification = cancellation.notification
            case .acquiring(let proposal):
                blocks = proposal.blocks
                transferring = proposal.transferringRegistry
                if let account = proposal.account { to = (account.type, account.id) }
            case .internalTransfer:
                continue  // type 10 never reaches the ITL, so it is not in its audit trail
            }
            if !identifiers.isEmpty {
                let touches = blocks.contains { block in
                    identifiers.contains {
                        $0.originatingRegistry == block.originatingRegistry && $0.range.overlaps(block.range)
                    }
                }
                guard touches else { continue }
            }
            result.append(
                DESAuditTransaction(
                    transactionIdentifier: record.identifier, transactionType: request.flow.transactionType,
                    transactionStatusDateTime: record.updatedAt, transferringRegistryCode: transferring,
                    transferringRegistryAccountType: from?.type, transferringRegistryAccountIdentifier: from?.id,
                    acquiringRegistryCode: acquiring, acquiringRegistryAccountType: to?.type,
                    acquiringRegistryAccountIdentifier: to?.id, notificationIdentifier: notification,
                    transactionBlocks: blocks.map { DESTransactionUnitBlock(block: $0) }))
        }
        return result
    }
}

import Foundation
import Logging
import RegistryAdmin
import RegistryCore
import RegistryEngine
import RegistryStore

/// The admin socket's commands (docs/OPERATIONS.md): each drives the same engine operations as the tests.
/// Commands that change anything are logged with the caller's uid and pid.
struct RegistryAdminCommands: AdminCommandHandler {
    let engine: RegistryEngine
    let store: SQLiteRegistryStore
    let sender: OutboxSender
    let status: @Sendable () async -> JSONValue
    let logger: Logger
    /// Attestations and the online platform's offers.
    var publicCommands: PublicAdminCommands?

    static let changing: Set<String> = [
        "account.open", "project.register", "issue", "sopAdmin.pay", "forward", "transfer", "cancel",
        "transaction.cancel", "reconciliation.clear", "notice.close", "peer.pause", "peer.resume", "retry",
        "message.send",
    ]

    func handle(_ request: AdminRequest, caller: AdminCaller) async -> AdminResponse {
        if Self.changing.contains(request.command) || PublicAdminCommands.changing.contains(request.command) {
            logger.notice("admin \(request.command) by \(caller): \(JSONValue.object(request.arguments))")
        }
        do {
            return .success(id: request.id, try await run(request))
        } catch let error as AdminError {
            return .failure(id: request.id, error)
        } catch let error as EngineError {
            return .failure(id: request.id, AdminError(code: error.code, message: error.description))
        } catch {
            return .failure(id: request.id, AdminError(code: "failed", message: "\(error)"))
        }
    }

    private func run(_ request: AdminRequest) async throws -> JSONValue {
        let arguments = AdminArguments(request)
        switch request.command {
        case "status":
            return await status()
        case "accounts.list":
            return .array(try store.accounts(after: nil, limit: 10_000).map { try accountJSON($0) })
        case "account.show":
            let id = try Self.account(arguments, "account")
            guard let found = try store.account(id) else {
                throw AdminError(code: "unknown-account", message: "account \(id) does not exist")
            }
            var json = try accountJSON(found)
            if case .object(var fields) = json {
                fields["holdings"] = .array(
                    try store.holdings(matching: HoldingFilter(account: id)).map { holding in
                        [
                            "unitType": .string("\(holding.unitType)"),
                            "originalCommitmentPeriod": .integer(Int64(holding.originalCommitmentPeriod.rawValue)),
                            "applicableCommitmentPeriod": .integer(Int64(holding.applicableCommitmentPeriod.rawValue)),
                            "quantity": .integer(holding.quantity), "blocks": .integer(holding.blockCount),
                        ]
                    })
                json = .object(fields)
            }
            return json
        case "account.open":
            let type = AccountType(Int(try arguments.integer("type")))
            let identifier = try AccountIdentifier(
                registry: engine.configuration.registry, type: type, id: try arguments.integer("identifier"),
                commitmentPeriod: Int(try arguments.optionalInteger("commitmentPeriod") ?? 0))
            let name = try arguments.optionalString("name") ?? "Account \(identifier.id)"
            try await engine.perform(.openAccount(Account(identifier: identifier, name: name, kind: .permanentHolding)))
            return ["account": .string(identifier.description)]
        case "project.register":
            let number = Int(try arguments.integer("number"))
            let host = try RegistryCode(try arguments.string("hostParty"))
            let participants = try arguments.strings("participants").map { $0 }
            try await engine.perform(
                .registerProject(
                    Project(
                        number: number, title: try arguments.string("title"), hostParty: host,
                        projectType: try arguments.optionalString("projectType") ?? "",
                        isLeastDevelopedCountry: try arguments.bool("leastDevelopedCountry", default: false),
                        modalities: Set(participants))))
            return ["project": .integer(Int64(number))]
        case "issue":
            return summaryJSON(try await engine.propose(.issuance(try issuanceOrder(arguments))))
        case "sopAdmin.pay":
            try await engine.perform(
                .paySOPAdmin(SOPAdminPayment(issuance: try issuance(arguments), amount: try arguments.integer("amount"))))
            return ["issuance": .string("\(try issuance(arguments))")]
        case "forward":
            let order = ForwardOrder(
                issuance: try issuance(arguments), to: try Self.account(arguments, "to"),
                quantity: try arguments.integer("quantity"),
                instructedBy: try arguments.string("instructedBy"))
            return summaryJSON(try await engine.propose(.forward(order)))
        case "transfer":
            let order = TransferOrder(
                from: try Self.account(arguments, "from"), to: try Self.account(arguments, "to"),
                quantity: try arguments.integer("quantity"))
            return summaryJSON(try await engine.propose(.transfer(order)))
        case "cancel":
            let source = try Self.account(arguments, "from")
            let target =
                try arguments.optionalString("to").map { _ in try Self.account(arguments, "to") }
                ?? AccountIdentifier.cdmTerminal(.voluntaryCancellation, period: .second)
            let order = CancellationOrder(
                sources: [source], to: target, quantity: try arguments.integer("quantity"),
                beneficiary: try arguments.optionalString("beneficiary"),
                purpose: try arguments.optionalString("purpose"))
            return summaryJSON(try await engine.propose(.cancellation(order)))
        case "transactions.list":
            let filterText = try arguments.optionalString("state") ?? "all"
            guard let filter = EngineTransactionFilter(rawValue: filterText) else {
                throw AdminError.invalidArgument("state", command: request.command, "must be in-flight, final or all")
            }
            let limit = Int(try arguments.optionalInteger("limit") ?? 100)
            return .array(try store.engineTransactions(filter, limit: limit).map(recordJSON))
        case "transaction.show":
            let id = try Self.transaction(arguments)
            guard let summary = try await engine.summary(of: id) else {
                throw EngineError.unknownTransaction(id)
            }
            var json = summaryJSON(summary)
            if case .object(var fields) = json {
                fields["history"] = .array(
                    try store.engineEvents(of: id).map {
                        ["at": .string($0.at.formatted(.iso8601)), "event": .string($0.event), "state": .string($0.state)]
                    })
                json = .object(fields)
            }
            return json
        case "transaction.cancel":
            return summaryJSON(try await engine.cancel(try Self.transaction(arguments)))
        case "outbox.list":
            return .array(
                try store.outbox(limit: 1_000).map { message in
                    [
                        "id": .integer(message.id ?? 0), "recipient": .string(message.recipient.rawValue),
                        "transaction": message.transaction.map { .string($0.rawValue) } ?? .null,
                        "operation": .string(message.operation), "attempts": .integer(Int64(message.attempts)),
                        "enqueuedAt": .string(message.enqueuedAt.formatted(.iso8601)),
                        "nextAttemptAt": .string(message.nextAttemptAt.formatted(.iso8601)),
                        "lastError": message.lastError.map { .string($0) } ?? .null,
                    ]
                })
        case "ledger.blocks":
            // Where every unit this registry issued is, block by block (serial order): the operator's view for a
            // reconciliation by hand, and what the end-to-end suite compares with the ITL and the peers.
            let limit = Int(try arguments.optionalInteger("limit") ?? 10_000)
            return .array(
                try store.placements(originatingRegistry: engine.configuration.registry, limit: limit).map {
                    placement in
                    var json = Self.blockJSON(placement.block)
                    json["location"] =
                        switch placement.location {
                        case .account(let id): .string("account:\(id)")
                        case .reserved(let transaction): .string("reserved:\(transaction)")
                        case .external(let registry): .string("external:\(registry)")
                        }
                    return .object(json)
                })
        case "account.blocks":
            // What an account holds and can move, block by block in the ledger's take order, one page at a time
            // (`next` is the `after` of the following page). Units reserved by a transaction or a hold are not
            // here: `transaction show` and `offer list` show them.
            let id = try Self.account(arguments, "account")
            guard try store.account(id) != nil else {
                throw AdminError(code: "unknown-account", message: "account \(id) does not exist")
            }
            let limit = Int(try arguments.optionalInteger("limit") ?? 1_000)
            guard (1...10_000).contains(limit) else {
                throw AdminError.invalidArgument("limit", command: request.command, "must be in 1...10000, not \(limit)")
            }
            let after = try arguments.optionalString("after").map { text in try Self.blockKey(text, request.command) }
            let page = try store.blocks(in: id, after: after, limit: limit + 1)
            let shown = page.prefix(limit)
            return [
                "account": .string(id.description),
                "blocks": .array(shown.map { .object(Self.blockJSON($0)) }),
                "next": page.count > limit ? (shown.last.map { .string($0.key.description) } ?? .null) : .null,
            ]
        case "queue":
            // In-flight transactions with what they wait for and their messages' retries.
            let now = engine.clock.now.date
            let outbox = try store.outbox(limit: 10_000)
            return .array(
                try store.engineTransactions(.inFlight, limit: Int(try arguments.optionalInteger("limit") ?? 1_000))
                    .sorted { $0.createdAt < $1.createdAt }
                    .map { record in
                        let waiting = outbox.filter { $0.transaction == record.identifier }
                        return [
                            "transaction": .string(record.identifier.rawValue),
                            "type": .integer(Int64(record.flow.transactionType.rawValue)),
                            "peer": record.peer.map { .string($0.rawValue) } ?? .null,
                            "state": .string(record.state),
                            "ageSeconds": .integer(Int64(now.timeIntervalSince(record.createdAt))),
                            "attempts": .integer(Int64(waiting.map(\.attempts).max() ?? 0)),
                            "nextRetry": waiting.filter { $0.attempts > 0 }.map(\.nextAttemptAt).min()
                                .map { .string($0.formatted(.iso8601)) } ?? .null,
                            "deadline": record.deadline.map { .string($0.formatted(.iso8601)) } ?? .null,
                        ]
                    })
        case "peer.pause", "peer.resume":
            let text = try arguments.string("peer")
            guard let peer = try? RegistryCode(text) else {
                throw AdminError.invalidArgument("peer", command: request.command, "'\(text)' is not a registry code")
            }
            if request.command == "peer.pause" { await sender.pause(peer) } else { await sender.resume(peer) }
            return ["peer": .string(peer.rawValue), "paused": .bool(await sender.paused.contains(peer))]
        case "retry":
            let peer = try arguments.optionalString("peer").map { text throws -> RegistryCode in
                guard let code = try? RegistryCode(text) else {
                    throw AdminError.invalidArgument("peer", command: request.command, "'\(text)' is not a registry code")
                }
                return code
            }
            let transaction = try arguments.optionalString("transaction").map { _ in try Self.transaction(arguments) }
            return ["messagesMadeDue": .integer(Int64(try await sender.retryNow(peer: peer, transaction: transaction)))]
        case "journal.tail":
            let limit = Int(try arguments.optionalInteger("limit") ?? 20)
            return .array(
                try store.journalTail(limit: max(1, min(limit, 1_000))).map { record in
                    [
                        "sequence": .integer(record.sequence), "time": .string(record.entry.time.formatted(.iso8601)),
                        "operation": .string(record.entry.operation),
                        "units": .integer(record.entry.movements.flatMap(\.blocks).reduce(0) { $0 + $1.quantity }),
                        "hash": .string(String(record.hashHex.prefix(16))),
                    ]
                })
        case "reconciliation.list":
            return .array(
                try store.reconciliations(limit: Int(try arguments.optionalInteger("limit") ?? 100)).map {
                    [
                        "reconciliation": .string($0.identifier), "snapshotAt": .string($0.snapshotAt.formatted(.iso8601)),
                        "phase": .integer(Int64($0.phase)), "status": .integer(Int64($0.status)),
                        "statusText": .string(Self.reconciliationStatus($0.status)),
                        "responseCodes": .array($0.responseCodes.map { .integer(Int64($0)) }),
                        "alert": .bool($0.alert), "clearedAt": $0.clearedAt.map { .string($0.formatted(.iso8601)) } ?? .null,
                        "clearedNote": $0.clearedNote.map { .string($0) } ?? .null,
                    ]
                })
        case "reconciliation.clear":
            let record = try await engine.clearReconciliationAlert(
                try arguments.string("reconciliation"), note: try arguments.string("note"))
            return ["reconciliation": .string(record.identifier), "alert": .bool(record.alert)]
        case "notices.list":
            return .array(
                try store.notices(limit: Int(try arguments.optionalInteger("limit") ?? 100)).map { notice in
                    var json: [String: JSONValue] = [
                        "notice": .integer(notice.identifier), "type": .integer(Int64(notice.type)),
                        "status": .integer(Int64(notice.status)), "action": .string(notice.action),
                        "taskOpen": .bool(notice.taskOpen),
                        "actionDueDate": notice.actionDueDate.map { .string($0) } ?? .null,
                        "receivedAt": .string(notice.receivedAt.formatted(.iso8601)),
                    ]
                    if let stored = try? JSONDecoder().decode(ITLNotice.self, from: notice.record) {
                        json["content"] = .string(stored.content)
                        json["project"] = stored.project.map { .string($0) } ?? .null
                        json["targetValue"] = stored.targetValue.map { .integer($0) } ?? .null
                        json["transactions"] = .array(stored.transactions.map { .string($0.rawValue) })
                    }
                    return .object(json)
                })
        case "messages.list":
            // Free-text messages from the ITL's administrators (DES acceptMessage), newest first.
            let limit = Int(try arguments.optionalInteger("limit") ?? 50)
            return .array(
                try store.itlMessages(limit: max(1, min(limit, 10_000))).map { message in
                    [
                        "from": .string(message.sender.rawValue), "text": .string(message.content),
                        "sentAt": .string(message.messageAt.formatted(.iso8601)),
                        "receivedAt": .string(message.receivedAt.formatted(.iso8601)),
                    ]
                })
        case "message.send":
            try await engine.sendMessage(try arguments.string("text"))
            return ["queued": true]
        case "notice.close":
            let record = try await engine.closeNoticeTask(try arguments.integer("notice"), note: try arguments.string("note"))
            return ["notice": .integer(record.identifier), "taskOpen": .bool(record.taskOpen)]
        case "verify":
            let verification = try store.verify()
            return [
                "intact": .bool(verification.isIntact), "journalEntries": .integer(verification.journalEntries),
                "blocks": .integer(verification.blocks), "report": .string(verification.description),
            ]
        default:
            if let publicCommands, PublicAdminCommands.commands.contains(request.command) {
                return try await publicCommands.run(request)
            }
            throw AdminError.unknownCommand(request.command)
        }
    }

    static func reconciliationStatus(_ status: Int) -> String {
        switch status {
        case 0: "confirmed"
        case 1: "initiated"
        case 2: "validated"
        case 3: "totals inconsistent"
        case 4: "unit blocks inconsistent"
        case 5: "completed"
        case 6: "completed after manual intervention"
        case 7: "start request denied"
        default: "status \(status)"
        }
    }

    // MARK: Arguments

    /// A block's serials and attributes as `ledger.blocks` and `account.blocks` show them.
    static func blockJSON(_ block: UnitBlock) -> [String: JSONValue] {
        let attributes = block.attributes
        var json: [String: JSONValue] = [
            "originatingRegistry": .string(attributes.originatingRegistry.rawValue),
            "first": .integer(block.range.start), "last": .integer(block.range.end),
            "quantity": .integer(block.quantity), "unitType": .string("\(attributes.unitType)"),
            "originalCommitmentPeriod": .integer(Int64(attributes.originalCommitmentPeriod.rawValue)),
            "applicableCommitmentPeriod": .integer(Int64(attributes.applicableCommitmentPeriod.rawValue)),
        ]
        if let project = attributes.project { json["project"] = .integer(Int64(project)) }
        if let expiry = attributes.expiryDate { json["expiryDate"] = .string("\(expiry)") }
        return json
    }

    /// `CDM:1234` (a block's originating registry and first serial, as `account.blocks` gives it in `next`).
    static func blockKey(_ text: String, _ command: String) throws -> BlockKey {
        let parts = text.split(separator: ":", omittingEmptySubsequences: false)
        guard parts.count == 2, let registry = try? RegistryCode(String(parts[0])), let serial = Int64(parts[1]),
            serial >= 0
        else {
            throw AdminError.invalidArgument(
                "after", command: command, "'\(text)' is not REGISTRY:SERIAL (the 'next' of the previous page)")
        }
        return BlockKey(originatingRegistry: registry, serialStart: serial)
    }

    static func account(_ arguments: AdminArguments, _ name: String) throws -> AccountIdentifier {
        let text = try arguments.string(name)
        do { return try AccountIdentifier(parsing: text) } catch {
            throw AdminError.invalidArgument(name, command: arguments.command, "'\(text)': \(error)")
        }
    }

    static func transaction(_ arguments: AdminArguments) throws -> TransactionIdentifier {
        let text = try arguments.string("transaction")
        do { return try TransactionIdentifier(text) } catch {
            throw AdminError.invalidArgument("transaction", command: arguments.command, error.description)
        }
    }

    private func issuance(_ arguments: AdminArguments) throws -> IssuanceIdentifier {
        IssuanceIdentifier(
            project: Int(try arguments.integer("project")), number: Int(try arguments.integer("issuance")))
    }

    private func date(_ arguments: AdminArguments, _ name: String) throws -> CalendarDate {
        let text = try arguments.string(name)
        do { return try CalendarDate(parsing: text) } catch {
            throw AdminError.invalidArgument(name, command: arguments.command, "'\(text)': \(error)")
        }
    }

    private func issuanceOrder(_ arguments: AdminArguments) throws -> IssuanceOrder {
        let typeText = try arguments.string("unitType")
        guard let unitType = UnitType.allCases.first(where: { "\($0)".lowercased() == typeText.lowercased() })
        else {
            throw AdminError.invalidArgument("unitType", command: arguments.command, "'\(typeText)' is not CER, tCER or lCER")
        }
        func period(_ name: String) throws -> CommitmentPeriod {
            let value = try arguments.integer(name)
            guard let period = CommitmentPeriod(rawValue: Int(value)) else {
                throw AdminError.invalidArgument(name, command: arguments.command, "\(value) is not 1 or 2")
            }
            return period
        }
        let serials: SerialRange
        do { serials = try SerialRange(try arguments.integer("firstSerial"), try arguments.integer("lastSerial")) } catch {
            throw AdminError.invalidArgument("firstSerial", command: arguments.command, "\(error)")
        }
        let original = try period("commitmentPeriod")
        return IssuanceOrder(
            issuance: try issuance(arguments), unitType: unitType, serials: serials,
            originalCommitmentPeriod: original,
            applicableCommitmentPeriod: try arguments.optionalInteger("applicableCommitmentPeriod") == nil
                ? original : try period("applicableCommitmentPeriod"),
            monitoringPeriodStart: try date(arguments, "monitoringStart"),
            monitoringPeriodEnd: try date(arguments, "monitoringEnd"),
            expiryDate: try arguments.optionalString("expiryDate") == nil ? nil : try date(arguments, "expiryDate"),
            lulucfActivity: try arguments.optionalInteger("lulucfActivity").map { Int($0) },
            sopAdminDue: try arguments.optionalInteger("sopAdminDue") ?? 0)
    }

    // MARK: Rendering

    private func accountJSON(_ account: Account) throws -> JSONValue {
        [
            "account": .string(account.identifier.description), "name": .string(account.name),
            "state": .string(account.state.rawValue), "kind": .string("\(account.kind)"),
            "balance": .integer(try store.balance(of: account.identifier)),
        ]
    }

    private func summaryJSON(_ summary: TransactionSummary) -> JSONValue {
        [
            "transaction": .string(summary.identifier.rawValue), "flow": .string(summary.flow.rawValue),
            "state": .string(summary.state.description),
            "status": summary.state.desStatus.map { .integer(Int64($0.rawValue)) } ?? .null,
            "final": .bool(summary.state.isFinal), "quantity": .integer(summary.quantity),
            "peer": summary.peer.map { .string($0.rawValue) } ?? .null,
            "responseCodes": .array(summary.responseCodes.map { .integer(Int64($0)) }),
            "deadline": summary.deadline.map { .string($0.formatted(.iso8601)) } ?? .null,
        ]
    }

    private func recordJSON(_ record: EngineTransactionRecord) -> JSONValue {
        [
            "transaction": .string(record.identifier.rawValue), "flow": .string(record.flow.rawValue),
            "state": .string(record.state),
            "status": record.finalStatus.map { .integer(Int64($0.rawValue)) } ?? .null,
            "quantity": .integer(record.quantity), "peer": record.peer.map { .string($0.rawValue) } ?? .null,
            "updatedAt": .string(record.updatedAt.formatted(.iso8601)),
        ]
    }
}

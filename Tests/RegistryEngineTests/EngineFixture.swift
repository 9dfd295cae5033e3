import DES
import Foundation
import Synchronization
import Testing

@testable import RegistryCore
@testable import RegistryEngine
@testable import RegistryStore

/// An engine on a fresh SQLite store in a temporary folder, a manual clock, and a scripted ITL in memory.
final class EngineFixture: Sendable {
    static let start = ISO8601DateFormatter().date(from: "2022-03-01T10:00:00Z")!
    static let holder = try! AccountIdentifier(registry: .cdm, type: .partyHolding, id: 5001)
    static let japan = try! AccountIdentifier(registry: "JP", type: .partyHolding, id: 77)
    static let swiss = try! AccountIdentifier(registry: "CH", type: .partyHolding, id: 12)
    static let voluntary = AccountIdentifier.cdmTerminal(.voluntaryCancellation, period: .second)
    static let participant: ParticipantIdentifier = "pp:andes"
    static let project = 1001

    let folder: URL
    let path: String
    let clock: RegistryClock
    let itl = ScriptedITL()
    let rules: PeerRuleBook
    let store: SQLiteRegistryStore
    let engine: RegistryEngine
    let sender: OutboxSender

    init(
        clockStart: Date = EngineFixture.start, timeouts: TransactionTimeouts = .standard,
        maximumBlocksPerMessage: Int = 5_000
    ) async throws {
        folder = FileManager.default.temporaryDirectory.appendingPathComponent("engine-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        path = folder.appendingPathComponent("registry.sqlite").path
        clock = .manual(at: clockStart)
        let rulesFile = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
            .appendingPathComponent("../../deploy/peer-rules.json")
        rules = try PeerRuleBook(json: Data(contentsOf: rulesFile))
        store = try SQLiteRegistryStore(path: path)
        engine = RegistryEngine(
            store: store,
            configuration: EngineConfiguration(
                timeouts: timeouts, rules: rules, maximumBlocksPerMessage: maximumBlocksPerMessage),
            clock: clock)
        sender = OutboxSender(
            engine: engine, store: store, transport: itl,
            policy: RetryPolicy(initial: .seconds(1), maximum: .seconds(8)))
        try await engine.resume()
        for account in Ledger.cdmStandardAccounts { try await engine.perform(.openAccount(account)) }
        try await engine.perform(
            .openAccount(Account(identifier: Self.holder, name: "Andes Wind", kind: .permanentHolding)))
        try await engine.perform(
            .registerProject(
                Project(
                    number: Self.project, title: "Andes Wind", hostParty: "CL", projectType: "Wind",
                    isLeastDevelopedCountry: false, modalities: [Self.participant])))
    }

    /// Another engine on the same file, as after a restart (the first must no longer be used).
    func restarted() async throws -> (RegistryEngine, OutboxSender) {
        let engine = RegistryEngine(
            store: store, configuration: EngineConfiguration(timeouts: .standard, rules: rules), clock: clock)
        try await engine.resume()
        let sender = OutboxSender(engine: engine, store: store, transport: itl)
        return (engine, sender)
    }

    deinit { try? FileManager.default.removeItem(at: folder) }

    static func order(
        project: Int = project, number: Int = 1, first: Int64 = 1, count: Int64 = 1000,
        period: CommitmentPeriod = .second
    ) throws -> IssuanceOrder {
        IssuanceOrder(
            issuance: IssuanceIdentifier(project: project, number: number), unitType: .cer,
            serials: try SerialRange(start: first, count: count), originalCommitmentPeriod: period,
            monitoringPeriodStart: try CalendarDate(parsing: "2019-01-01"),
            monitoringPeriodEnd: try CalendarDate(parsing: "2019-12-31"), sopAdminDue: 0)
    }

    /// Issues through the ITL (proposal, acknowledgement, status 2) and returns the issuance's identifier.
    @discardableResult
    func issue(
        project: Int = project, number: Int = 1, first: Int64 = 1, count: Int64 = 1000,
        period: CommitmentPeriod = .second
    ) async throws -> IssuanceIdentifier {
        let order = try Self.order(project: project, number: number, first: first, count: count, period: period)
        let summary = try await engine.propose(.issuance(order))
        await sender.deliverDue()
        try await notify(summary.identifier, .checkedNoDiscrepancy)
        await sender.deliverDue()
        return order.issuance
    }

    /// The ITL sends a status notification to the engine; returns the engine's answer.
    @discardableResult
    func notify(_ id: TransactionIdentifier, _ status: TransactionStatus, codes: [Int] = []) async throws -> DESResult {
        let notification = AcceptNotificationRequest(
            from: .itl, to: .cdm, majorVersion: 1, minorVersion: 1, transactionIdentifier: id,
            transactionStatus: status, partyType: 1,
            evaluationResult: codes.map { DESEvaluationResult(responseCode: DESResponseCode($0)) })
        let response = try await engine.handle(.acceptNotification(notification), authenticatedSender: .itl)
        guard case .acceptNotification(let answer) = response else {
            Issue.record("no notification answer")
            return .refused([])
        }
        return answer.result
    }

    func forward(_ quantity: Int64, of issuance: IssuanceIdentifier, to account: AccountIdentifier) async throws
        -> TransactionSummary
    {
        try await engine.propose(
            .forward(
                ForwardOrder(issuance: issuance, to: account, quantity: quantity, instructedBy: Self.participant)))
    }

    func state(_ id: TransactionIdentifier) async throws -> TransactionState? {
        try await engine.summary(of: id)?.state
    }

    func balance(_ account: AccountIdentifier) throws -> Int64 { try store.balance(of: account) }

    func expectVerified(sourceLocation: SourceLocation = #_sourceLocation) throws {
        let verification = try store.verify()
        #expect(verification.isIntact, "\(verification)", sourceLocation: sourceLocation)
    }
}

/// The ITL as the tests script it: records every message the engine sends and answers as told.
final class ScriptedITL: DESTransport {
    struct Sent: Sendable {
        var operation: DESOperation
        var request: DESRequest
    }

    private let state = Mutex<(sent: [Sent], failuresToInject: Int, statusAnswer: GetTransactionStatusResponse?)>(
        ([], 0, nil))

    var sent: [Sent] { state.withLock { $0.sent } }

    /// The operations sent so far, in order.
    var operations: [DESOperation] { sent.map(\.operation) }

    /// The next `count` sends fail as if the ITL were unreachable.
    func failNext(_ count: Int) { state.withLock { $0.failuresToInject = count } }

    /// What getTransactionStatus answers (default: unknown, resultIdentifier 0).
    func answerStatus(_ status: TransactionStatus?, for id: TransactionIdentifier) {
        state.withLock {
            $0.statusAnswer = GetTransactionStatusResponse(
                transactionIdentifier: id, transactionStatus: status ?? .proposed, transactionStatusDateTime: Date(),
                resultIdentifier: status == nil ? 0 : 1, responseCodes: status == nil ? [DESResponseCode(5006)] : nil)
        }
    }

    /// The notifications sent for a transaction: (status, codes).
    func notifications(of id: TransactionIdentifier) -> [TransactionStatus] {
        sent.compactMap {
            if case .acceptNotification(let n) = $0.request, n.transactionIdentifier == id { return n.transactionStatus }
            return nil
        }
    }

    func requests<T>(_ pick: (DESRequest) -> T?) -> [T] { sent.compactMap { pick($0.request) } }

    func proposals() -> [AcceptProposalRequest] {
        sent.compactMap {
            if case .acceptProposal(let proposal) = $0.request { return proposal }
            return nil
        }
    }

    func send(operation: DESOperation, body: [UInt8], to recipient: RegistryCode) async throws -> DESReply {
        let request = try DESCodec.decodeRequest(body, soapAction: operation.soapAction, service: .transactionLog)
        let fail = state.withLock { state -> Bool in
            if state.failuresToInject > 0 {
                state.failuresToInject -= 1
                return true
            }
            state.sent.append(Sent(operation: operation, request: request))
            return false
        }
        if fail { throw ScriptedITLError.unreachable }
        switch request {
        case .acceptProposal:
            return .response(.acceptProposal(AcceptProposalResponse(result: .received)))
        case .acceptNotification:
            return .response(.acceptNotification(AcceptNotificationResponse(result: .received)))
        case .receiveTotals:
            return .response(.receiveTotals(ReceiveTotalsResponse(result: .received)))
        case .receiveUnitBlocks:
            return .response(.receiveUnitBlocks(ReceiveUnitBlocksResponse(result: .received)))
        case .receiveAuditTrail:
            return .response(.receiveAuditTrail(ReceiveAuditTrailResponse(result: .received)))
        case .getTransactionStatus(let query):
            let answer =
                state.withLock { $0.statusAnswer }
                ?? GetTransactionStatusResponse(
                    transactionIdentifier: query.transactionIdentifier, transactionStatus: .proposed,
                    transactionStatusDateTime: Date(), resultIdentifier: 0, responseCodes: [DESResponseCode(5006)])
            return .response(.getTransactionStatus(answer))
        default:
            return .fault(DESFault(code: .client, string: "not served"))
        }
    }
}

enum ScriptedITLError: Error {
    case unreachable
}

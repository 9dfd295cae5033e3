import DES
import Foundation
import Testing

@testable import RegistryCore
@testable import RegistryEngine
@testable import RegistryStore

/// A registry built by the real engine on a fresh store file: two projects (one in a least developed country),
/// three issuances, forwards, an internal transfer into the Adaptation Fund, voluntary cancellations on several
/// days (one with an attestation, one with a beneficiary that looks like a spreadsheet formula), one cancellation
/// the ITL rejects and one still in flight.
final class PublicRegistryFixture: Sendable {
    static let start = ISO8601DateFormatter().date(from: "2024-03-01T10:00:00Z")!
    static let holder = try! AccountIdentifier(registry: .cdm, type: .partyHolding, id: 5001)
    static let participant: ParticipantIdentifier = "pp:andes"
    static let wind = 1001
    static let hydro = 2002
    static let voluntary = AccountIdentifier.cdmTerminal(.voluntaryCancellation, period: .second)

    let folder: URL
    let path: String
    let clock: RegistryClock
    let store: SQLiteRegistryStore
    let engine: RegistryEngine
    let sender: OutboxSender
    /// Completed voluntary cancellations in order: (transaction, day, quantity, beneficiary, purpose).
    let cancellations: [(id: TransactionIdentifier, day: String, quantity: Int64, beneficiary: String?)]
    let rejected: TransactionIdentifier
    let inFlight: TransactionIdentifier
    let attestationNumber = "VC-2024-000001"

    init() async throws {
        folder = FileManager.default.temporaryDirectory.appendingPathComponent("public-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        path = folder.appendingPathComponent("registry.sqlite").path
        clock = .manual(at: Self.start)
        store = try SQLiteRegistryStore(path: path)
        engine = RegistryEngine(
            store: store, configuration: EngineConfiguration(rules: PeerRuleBook(rules: [])), clock: clock)
        sender = OutboxSender(engine: engine, store: store, transport: AcknowledgingITL())
        try await engine.resume()
        for account in Ledger.cdmStandardAccounts { try await engine.perform(.openAccount(account)) }
        try await engine.perform(
            .openAccount(Account(identifier: Self.holder, name: "Andes Wind", kind: .permanentHolding)))
        try await engine.perform(
            .registerProject(
                Project(
                    number: Self.wind, title: "Andes Wind <Phase 1>", hostParty: "CL", projectType: "Wind",
                    isLeastDevelopedCountry: false, modalities: [Self.participant])))
        try await engine.perform(
            .registerProject(
                Project(
                    number: Self.hydro, title: "Sahel Hydro", hostParty: "ML", projectType: "Hydro",
                    isLeastDevelopedCountry: true, modalities: [Self.participant])))
        let windOne = try await Self.issue(engine, sender, project: Self.wind, number: 1, first: 1, count: 1000)
        clock.advance(by: .seconds(86_400))
        try await Self.issue(engine, sender, project: Self.wind, number: 2, first: 1001, count: 550)
        try await Self.issue(engine, sender, project: Self.hydro, number: 1, first: 5001, count: 300)
        _ = try await engine.propose(
            .forward(ForwardOrder(issuance: windOne, to: Self.holder, quantity: 600, instructedBy: Self.participant)))
        _ = try await engine.propose(.transfer(TransferOrder(from: Self.holder, to: .adaptationFund, quantity: 7)))

        var done: [(TransactionIdentifier, String, Int64, String?)] = []
        let plan: [(days: Int64, quantity: Int64, beneficiary: String?, purpose: String?)] = [
            (1, 20, "Town of Example", "2023 emissions, scope 1"),
            (0, 5, nil, nil),
            (3, 30, "=HYPERLINK(\"http://evil\")", "-offset"),
            (10, 12, "Ferry Co.", "Travel \"2024\""),
        ]
        for step in plan {
            clock.advance(by: .seconds(86_400 * step.days))
            let summary = try await engine.propose(
                .cancellation(
                    CancellationOrder(
                        sources: [Self.holder], to: Self.voluntary, quantity: step.quantity,
                        beneficiary: step.beneficiary, purpose: step.purpose)))
            await sender.deliverDue()
            _ = try await Self.notify(engine, summary.identifier, .checkedNoDiscrepancy)
            await sender.deliverDue()
            let day = String(ISO8601DateFormatter().string(from: clock.now.date).prefix(10))
            done.append((summary.identifier, day, step.quantity, step.beneficiary))
        }
        cancellations = done
        let refused = try await engine.propose(
            .cancellation(
                CancellationOrder(
                    sources: [Self.holder], to: Self.voluntary, quantity: 9, beneficiary: "Refused", purpose: nil)))
        await sender.deliverDue()
        _ = try await Self.notify(engine, refused.identifier, .checkedDiscrepancy, codes: [5005])
        rejected = refused.identifier
        let open = try await engine.propose(
            .cancellation(
                CancellationOrder(
                    sources: [Self.holder], to: Self.voluntary, quantity: 4, beneficiary: "Pending", purpose: nil)))
        await sender.deliverDue()
        inFlight = open.identifier
        let first = done[0].0
        _ = try store.issueAttestation(for: first) { [attestationNumber] sequence in
            AttestationRecord(
                number: attestationNumber, sequence: sequence, transaction: first, issuedAt: Self.start,
                document: "<html>attestation</html>")
        }
    }

    deinit { try? FileManager.default.removeItem(at: folder) }

    @discardableResult
    static func issue(
        _ engine: RegistryEngine, _ sender: OutboxSender, project: Int, number: Int, first: Int64, count: Int64
    ) async throws -> IssuanceIdentifier {
        let order = IssuanceOrder(
            issuance: IssuanceIdentifier(project: project, number: number), unitType: .cer,
            serials: try SerialRange(start: first, count: count), originalCommitmentPeriod: .second,
            monitoringPeriodStart: try CalendarDate(parsing: "2022-01-01"),
            monitoringPeriodEnd: try CalendarDate(parsing: "2022-12-31"), sopAdminDue: 0)
        let summary = try await engine.propose(.issuance(order))
        await sender.deliverDue()
        _ = try await notify(engine, summary.identifier, .checkedNoDiscrepancy)
        await sender.deliverDue()
        return order.issuance
    }

    static func notify(
        _ engine: RegistryEngine, _ id: TransactionIdentifier, _ status: TransactionStatus, codes: [Int] = []
    ) async throws -> DESResponse? {
        let notification = AcceptNotificationRequest(
            from: .itl, to: .cdm, majorVersion: 1, minorVersion: 1, transactionIdentifier: id,
            transactionStatus: status, partyType: 1,
            evaluationResult: codes.map { DESEvaluationResult(responseCode: DESResponseCode($0)) })
        return try await engine.handle(.acceptNotification(notification), authenticatedSender: .itl)
    }
}

/// The ITL acknowledging whatever it is sent (the tests drive the outcome with notifications).
struct AcknowledgingITL: DESTransport {
    func send(operation: DESOperation, body: [UInt8], to recipient: RegistryCode) async throws -> DESReply {
        let request = try DESCodec.decodeRequest(body, soapAction: operation.soapAction, service: .transactionLog)
        switch request {
        case .acceptProposal: return .response(.acceptProposal(AcceptProposalResponse(result: .received)))
        case .acceptNotification:
            return .response(.acceptNotification(AcceptNotificationResponse(result: .received)))
        default: return .fault(DESFault(code: .client, string: "not served"))
        }
    }
}

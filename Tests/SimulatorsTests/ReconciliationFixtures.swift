import DES
import Foundation
import RegistryCore
@testable import Simulators

/// A registry that answers the ITL's reconciliation requests like cdm-registryd's contract: each provide request
/// is acknowledged with 1, then the receive message goes back to the ITL from a separate task (as it would
/// arrive over the network after the acknowledgement).
final class FakeReconcilingRegistry: ITLRequestSender, @unchecked Sendable {
    private let lock = NSLock()
    /// How the receive messages reach the ITL: in process to a driver, or over HTTPS.
    private var deliverBack: (@Sendable (DESRequest) async -> Void)?
    private var received: [DESRequest] = []
    let code: RegistryCode
    /// The registry's holdings at the snapshot, with their accounts.
    var blocks: [DESHeldUnitBlock]
    var trail: [DESAuditTransaction]
    /// Units added to the first reported total (a registry whose totals contradict its blocks).
    var totalsSkew: Int64 = 0
    /// Blocks per receiveUnitBlocks message (large answers are split).
    var blocksPerMessage = 2
    /// Operations acknowledged but never answered with the receive message (time-out tests).
    var silentOn: Set<DESOperation> = []
    var denyStart = false

    init(code: RegistryCode = .cdm, blocks: [DESHeldUnitBlock], trail: [DESAuditTransaction] = []) {
        self.code = code
        self.blocks = blocks
        self.trail = trail
    }

    func connect(_ driver: ITLReconciliationDriver) {
        let code = self.code
        connect { request in
            switch request {
            case .receiveTotals(let message): _ = await driver.receiveTotals(message, sender: code)
            case .receiveUnitBlocks(let message): _ = await driver.receiveUnitBlocks(message, sender: code)
            case .receiveAuditTrail(let message): _ = await driver.receiveAuditTrail(message, sender: code)
            default: break
            }
        }
    }

    func connect(_ deliver: @escaping @Sendable (DESRequest) async -> Void) { lock.withLock { deliverBack = deliver } }

    var requests: [DESRequest] { lock.withLock { received } }

    func requests(_ operation: DESOperation) -> [DESRequest] { requests.filter { $0.operation == operation } }

    var results: [ReceiveReconciliationResultRequest] {
        requests.compactMap {
            if case .receiveReconciliationResult(let result) = $0 { return result }
            return nil
        }
    }

    var notices: [AcceptITLNoticeRequest] {
        requests.compactMap {
            if case .acceptITLNotice(let notice) = $0 { return notice }
            return nil
        }
    }

    func attempt(_ request: DESRequest, to recipient: RegistryCode) async -> DeliveryAttempt {
        lock.withLock { received.append(request) }
        let deliver = lock.withLock { deliverBack }
        let silent = silentOn.contains(request.operation)
        switch request {
        case .initiateReconciliation:
            let result: DESResult = denyStart ? .refused([DESResponseCode(7001)]) : .received
            return .answered(.initiateReconciliation(InitiateReconciliationResponse(result: result)))
        case .provideTotals(let ask):
            if let deliver, !silent {
                let message = ReceiveTotalsRequest(
                    from: code, to: .itl, majorVersion: 1, minorVersion: 1,
                    reconciliationIdentifier: ask.reconciliationIdentifier, totals: totals())
                Task { await deliver(.receiveTotals(message)) }
            }
            return .answered(.provideTotals(ProvideTotalsResponse(result: .received)))
        case .provideUnitBlocks(let ask):
            if let deliver, !silent {
                let chunks = stride(from: 0, to: blocks.count, by: blocksPerMessage).map {
                    Array(blocks[$0..<min($0 + blocksPerMessage, blocks.count)])
                }
                let code = self.code
                Task {
                    for chunk in chunks {
                        let message = ReceiveUnitBlocksRequest(
                            from: code, to: .itl, majorVersion: 1, minorVersion: 1,
                            reconciliationIdentifier: ask.reconciliationIdentifier, unitBlocks: chunk)
                        await deliver(.receiveUnitBlocks(message))
                    }
                }
            }
            return .answered(.provideUnitBlocks(ProvideUnitBlocksResponse(result: .received)))
        case .provideAuditTrail(let ask):
            if let deliver, !silent {
                let message = ReceiveAuditTrailRequest(
                    from: code, to: .itl, majorVersion: 1, minorVersion: 1,
                    reconciliationIdentifier: ask.reconciliationIdentifier, transactions: trail)
                Task { await deliver(.receiveAuditTrail(message)) }
            }
            return .answered(.provideAuditTrail(ProvideAuditTrailResponse(result: .received)))
        case .receiveReconciliationResult:
            return .answered(.receiveReconciliationResult(ReceiveReconciliationResultResponse(result: .received)))
        case .acceptITLNotice:
            return .answered(.acceptITLNotice(AcceptITLNoticeResponse(result: .received)))
        default:
            return .fault("the fake registry does not serve \(request.operation)")
        }
    }

    /// Totals per account type, account commitment period and unit type, as the registry reports them.
    func totals() -> [DESTotal] {
        struct Key: Hashable {
            var accountType: AccountType
            var period: CommitmentPeriod
            var unitType: UnitType
        }
        var counts: [Key: Int64] = [:]
        for block in blocks {
            let key = Key(
                accountType: block.accountType, period: block.applicableCommitmentPeriod, unitType: block.unitType)
            counts[key, default: 0] += block.range.count
        }
        var totals = counts.sorted { $0.key.accountType < $1.key.accountType }.map {
            DESTotal(
                accountType: $0.key.accountType, accountCommitPeriod: $0.key.period, unitType: $0.key.unitType,
                unitCount: $0.value)
        }
        if !totals.isEmpty { totals[0].unitCount += totalsSkew }
        return totals
    }
}

enum ReconciliationFixture {
    /// A CER block of CDM held in an account of `type`.
    static func held(_ first: Int64, _ last: Int64, in type: AccountType = .pending) throws -> DESHeldUnitBlock {
        DESHeldUnitBlock(
            range: try SerialRange(first, last), originatingRegistry: .cdm, unitType: .cer, accountType: type,
            accountIdentifier: 1, applicableCommitmentPeriod: .second)
    }

    /// A relay whose record has CER 1-100 issued to CDM.
    static func recordWithIssuance() async throws -> (ITLRelay, ITLHoldingsRecord) {
        let record = try ITLHoldingsRecord(path: Fixture.temporaryPath("itl.sqlite"))
        let relay = ITLRelay(
            record: record,
            configuration: ITLRelayConfiguration(registries: [.cdm: .operational, "CH": .operational]),
            outbound: RecordingOutbound())
        let issuance = try Fixture.proposal(
            "CDM1", type: .issuance, acquiring: .cdm, acquiringAccountType: .pending, blocks: [try Fixture.cer(1, 100)])
        _ = try await relay.propose(issuance, .cdm)
        _ = try await relay.notify(try completion("CDM1"), .cdm)
        return (relay, record)
    }

    static func completion(_ id: String) throws -> AcceptNotificationRequest {
        AcceptNotificationRequest(
            from: .cdm, to: .itl, majorVersion: 1, minorVersion: 1, transactionIdentifier: try Fixture.id(id),
            transactionStatus: .completed, partyType: 1, evaluationResult: [])
    }

    static func driver(
        _ record: ITLHoldingsRecord, _ registry: FakeReconcilingRegistry, faults: ITLRecordFaults = ITLRecordFaults(),
        phaseTimeout: Duration = .seconds(20)
    ) throws -> ITLReconciliationDriver {
        let driver = ITLReconciliationDriver(
            record: record, log: try ITLReconciliationLog(record: record), faults: faults, sender: registry,
            registries: [.cdm: .operational, "CH": .operational],
            settings: ITLReconciliationSettings(
                phaseTimeout: phaseTimeout, quietPeriod: .seconds(2),
                retry: DeliveryRetryPolicy(initial: .milliseconds(5), maximum: .milliseconds(10), maximumAttempts: 2)))
        registry.connect(driver)
        return driver
    }
}

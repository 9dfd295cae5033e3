import Foundation
import Testing

@testable import RegistryCore

/// Random sequences of every operation, including ones that must fail. After each: `verify` holds, units are
/// conserved, and a refused operation left the ledger exactly as it was.
///
/// Replay a failure with `LEDGER_PROPERTY_SEED=<seed> swift test --filter LedgerPropertyTests`.
@Suite struct LedgerPropertyTests {
    typealias F = LedgerFixture

    static var seed: UInt64 {
        if let text = ProcessInfo.processInfo.environment["LEDGER_PROPERTY_SEED"], let seed = UInt64(text) {
            return seed
        }
        return UInt64.random(in: 0...UInt64.max)
    }

    static let holders = (1...3).map {
        try! AccountIdentifier(registry: .cdm, type: .partyHolding, id: Int64(6000 + $0))
    }

    @Test func randomOperationsKeepTheLedgerConsistent() async throws {
        let seed = Self.seed
        var random = SplitMix64(seed: seed)
        var fixture = try F()
        for holder in Self.holders {
            try fixture.ledger.perform(
                .openAccount(Account(identifier: holder, name: "Holder \(holder.id)", kind: .permanentHolding)),
                at: F.time)
        }
        var generator = OperationGenerator()
        var succeeded: [String: Int] = [:]
        var failed: [String: Int] = [:]
        for step in 0..<4_000 {
            // Several seconds of CPU: it yields now and then, so the other suites' tasks on the two threads of the
            // cooperative pool are not starved meanwhile (a starved suite timed out at 30 s in a full run).
            if step % 100 == 0 { await Task.yield() }
            let command = try generator.next(on: fixture.ledger, using: &random)
            let before = fixture.ledger
            do {
                let change = try plan(command, on: fixture.ledger, at: F.time)
                fixture.ledger.apply(change)
                succeeded[command.operation, default: 0] += 1
            } catch {
                failed[command.operation, default: 0] += 1
                #expect(fixture.ledger == before, "seed \(seed) step \(step): refused \(command) changed the ledger")
            }
            let violations = fixture.ledger.verify()
            #expect(violations.isEmpty, "seed \(seed) step \(step) after \(command): \(violations)")
            let issued = fixture.ledger.issuances.values.reduce(Int64(0)) { $0 + $1.quantity }
            let placed = fixture.ledger.allPlacements.reduce(Int64(0)) { $0 + $1.block.quantity }
            #expect(issued == placed, "seed \(seed) step \(step): issued \(issued), placed \(placed)")
            if !violations.isEmpty || issued != placed { return }
        }
        // The run must have exercised every kind of operation, both ways where it can fail.
        for operation in ["issue", "paySOPAdmin", "forward", "transfer", "cancel", "reserve", "commit", "release",
                          "creditIncoming", "setAccountState", "splitReservation"] {
            #expect(succeeded[operation, default: 0] > 0, "seed \(seed): no \(operation) succeeded")
            #expect(failed[operation, default: 0] > 0, "seed \(seed): no \(operation) failed")
        }
    }
}

/// Draws commands that are mostly plausible (so the ledger grows and fragments) and sometimes wrong.
struct OperationGenerator {
    var nextIssuance = 1
    var nextTransaction = 1

    static let participant = LedgerFixture.participant
    static let destinations: [BlockLocation] = [
        .external("CH"), .external("JP"), .account(LedgerFixture.voluntary), .account(LedgerFixture.excess),
        .account(.cdmTerminal(.ccsNetReversalCancellation, period: .second)),
    ]

    mutating func next(on ledger: Ledger, using random: inout SplitMix64) throws -> LedgerCommand {
        let holders = LedgerPropertyTests.holders + [.adaptationFund]
        let issuances = ledger.issuances.keys.sorted()
        func chance(_ percent: Int) -> Bool { Int.random(in: 0..<100, using: &random) < percent }
        func quantity(_ upTo: Int64) -> Int64 { Int64.random(in: 1...max(1, upTo), using: &random) }
        func anyIssuance() -> IssuanceIdentifier {
            issuances.randomElement(using: &random) ?? IssuanceIdentifier(project: 1001, number: 999)
        }
        let pick = issuances.isEmpty ? 0 : Int.random(in: 0..<12, using: &random)
        switch pick {
        case 0:
            let project = chance(5) ? 4242 : (chance(70) ? LedgerFixture.windProject : LedgerFixture.ldcProject)
            // Serials from a small space, so that some issuances overlap earlier ones.
            let start = Int64.random(in: 1...40_000, using: &random)
            let type = [UnitType.cer, .cer, .tcer, .lcer].randomElement(using: &random) ?? .cer
            let due: Int64 = [0, 100, 999].randomElement(using: &random) ?? 0
            defer { nextIssuance += 1 }
            return .issue(try LedgerFixture.order(project: project, number: nextIssuance, start: start,
                                                  count: quantity(300), type: type, due: due))
        case 1:
            let issuance = anyIssuance()
            let due = ledger.issuance(issuance)?.sopAdminDue ?? 0
            return .paySOPAdmin(SOPAdminPayment(issuance: issuance, amount: chance(10) ? due + 1 : quantity(due / 2)))
        case 2, 3:
            let issuance = anyIssuance()
            let record = ledger.issuance(issuance)
            let limit = chance(15) ? (record?.pendingQuantity ?? 10) : max(1, record?.forwardable ?? 1)
            return .forward(ForwardOrder(issuance: issuance, to: holders.randomElement(using: &random)!,
                                         quantity: quantity(limit),
                                         instructedBy: chance(5) ? "stranger" : Self.participant))
        case 4, 5:
            let from = holders.randomElement(using: &random)!
            let to = holders.randomElement(using: &random)!
            let balance = ledger.balance(of: from)
            return .transfer(TransferOrder(from: from, to: to, quantity: quantity(chance(10) ? balance + 5 : balance)))
        case 6:
            let from = holders.randomElement(using: &random)!
            let fromPending = chance(30)
            let issuance = anyIssuance()
            let to = chance(70) ? LedgerFixture.voluntary
                : [LedgerFixture.excess, .cdmTerminal(.tCERReplacementExpiry, period: .second)]
                    .randomElement(using: &random)!
            let available = fromPending ? (ledger.issuance(issuance)?.forwardable ?? 1) : ledger.balance(of: from)
            return .cancel(CancellationOrder(
                sources: fromPending ? [.cdmPending, from] : [from], to: to,
                quantity: quantity(chance(10) ? available + 3 : available), issuance: fromPending ? issuance : nil,
                instructedBy: Self.participant, beneficiary: chance(50) ? "Third party" : nil, purpose: "offset"))
        case 7:
            defer { nextTransaction += 1 }
            let transaction = try TransactionIdentifier("CDM\(nextTransaction)")
            let destination = Self.destinations.randomElement(using: &random)!
            if chance(30) {
                let issuance = anyIssuance()
                return .reserve(ReservationOrder(
                    transaction: transaction, from: .cdmPending, destination: destination,
                    quantity: quantity(ledger.issuance(issuance)?.forwardable ?? 1), issuance: issuance,
                    instructedBy: Self.participant))
            }
            let from = holders.randomElement(using: &random)!
            return .reserve(ReservationOrder(transaction: transaction, from: from, destination: destination,
                                             quantity: quantity(ledger.balance(of: from))))
        case 8, 9:
            let open = ledger.reservations.keys.sorted()
            let transaction = try open.randomElement(using: &random) ?? TransactionIdentifier("CDM999999")
            if chance(30) {
                // Part of a reservation becomes its own (an offer's units sold); sometimes more than it holds.
                defer { nextTransaction += 1 }
                let held = ledger.reservations[transaction]?.quantity ?? 1
                return .splitReservation(
                    ReservationSplit(
                        from: transaction, into: try TransactionIdentifier("CDM\(nextTransaction)"),
                        quantity: chance(10) ? held + 1 : quantity(held)))
            }
            return try chance(50) ? .commit(chance(5) ? TransactionIdentifier("CDM999998") : transaction)
                : .release(transaction)
        case 10:
            // Units transferred out come back, in part, or serials that never left.
            let external = ledger.allPlacements.filter { if case .external = $0.location { true } else { false } }
            let to = holders.randomElement(using: &random)!
            let transaction = try TransactionIdentifier("JP\(nextTransaction)")
            nextTransaction += 1
            guard let placement = external.randomElement(using: &random), !chance(10) else {
                let attributes = ledger.issuances.values.first?.attributes
                    ?? UnitAttributes(originatingRegistry: .cdm, unitType: .cer, originalCommitmentPeriod: .second,
                                      applicableCommitmentPeriod: .second)
                let start = Int64.random(in: 1...40_000, using: &random)
                let block = UnitBlock(range: try SerialRange(start: start, count: quantity(20)), attributes: attributes)
                return .creditIncoming(IncomingCredit(transaction: transaction, from: "JP", to: to, blocks: [block]))
            }
            let range = placement.block.range
            let start = Int64.random(in: range.start...range.end, using: &random)
            let end = Int64.random(in: start...range.end, using: &random)
            let block = placement.block.with(range: try SerialRange(start, end))
            return .creditIncoming(IncomingCredit(transaction: transaction, from: "JP", to: to, blocks: [block]))
        default:
            let account = LedgerPropertyTests.holders.randomElement(using: &random)!
            let state: AccountState = chance(15) ? .closed : (chance(40) ? .blocked : .open)
            return .setAccountState(account, state)
        }
    }
}

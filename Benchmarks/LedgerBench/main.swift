import BenchmarkSupport
import Foundation
import RegistryCore

// Ledger benchmark: operations that touch at most 10 blocks must cost the same whether the accounts hold 10^3 or
// 10^6 blocks; `verify` must stay around a second at 10^6 blocks.
//
// Run: swift run -c release --scratch-path .build-ledger-rel ledger-bench

let time = Date(timeIntervalSince1970: 1_600_000_000)
let participant: ParticipantIdentifier = "pp:bench"
let holderX = try AccountIdentifier(registry: .cdm, type: .partyHolding, id: 7001)
let holderY = try AccountIdentifier(registry: .cdm, type: .partyHolding, id: 7002)
let holderD = try AccountIdentifier(registry: .cdm, type: .partyHolding, id: 7003)
let issuanceID = IssuanceIdentifier(project: 1, number: 1)

/// A CDM ledger whose pending account and holding account X each hold `blocks` single-unit blocks, interleaved
/// (serial 2k+1 pending, 2k+2 in X) so that no two of them merge. Built with public operations plus one crafted
/// change per 100,000 blocks that moves units pending -> X block by block (what 10^6 forwards would leave).
func ledger(blocks: Int) throws -> Ledger {
    var ledger = try Ledger.cdmRegistry(openedAt: time)
    for (id, name) in [(holderX, "X"), (holderY, "Y"), (holderD, "D")] {
        try ledger.perform(.openAccount(Account(identifier: id, name: name, kind: .permanentHolding)), at: time)
    }
    try ledger.perform(
        .registerProject(
            Project(number: 1, title: "Bench", hostParty: "ML", projectType: "Solar", isLeastDevelopedCountry: true,
                    modalities: [participant])), at: time)
    let units = Int64(blocks) * 2
    try ledger.perform(
        .issue(
            IssuanceOrder(
                issuance: issuanceID, unitType: .cer, serials: try SerialRange(start: 1, count: units),
                originalCommitmentPeriod: .second, monitoringPeriodStart: try CalendarDate(parsing: "2020-01-01"),
                monitoringPeriodEnd: try CalendarDate(parsing: "2020-12-31"), sopAdminDue: 0)), at: time)
    guard var record = ledger.issuance(issuanceID), let whole = ledger.blocks(in: .cdmPending).first else {
        throw BenchError.setup
    }
    var mutations: [LedgerMutation] = [.removeBlock(Placement(location: .account(.cdmPending), block: whole))]
    func flush() {
        ledger.apply(LedgerChange(mutations: mutations, journal: JournalEntry(
            operation: "bench-setup", time: time, command: .commit(try! TransactionIdentifier("CDM1")),
            movements: [])))
        mutations.removeAll(keepingCapacity: true)
    }
    var serial: Int64 = 1
    while serial <= units {
        let pair = try SerialRange(serial, serial)
        let next = try SerialRange(serial + 1, serial + 1)
        mutations.append(.addBlock(Placement(location: .account(.cdmPending), block: whole.with(range: pair))))
        mutations.append(.addBlock(Placement(location: .account(holderX), block: whole.with(range: next))))
        serial += 2
        if mutations.count >= 200_000 { flush() }
    }
    record.inPending = Int64(blocks)
    record.forwarded = Int64(blocks)
    record.sopAdminDue = 0
    mutations.append(.putIssuance(record))
    flush()
    return ledger
}

enum BenchError: Error { case setup, inconsistent([LedgerViolation]) }

func micro(_ nanoseconds: Double) -> String { (nanoseconds / 1_000).formatted(1) }

var table = ResultTable(
    "blocks per account", "operation", "runs", "median (us)", "p99 (us)", "blocks touched")
var verifyTable = ResultTable("blocks in ledger", "verify (ms)", "violations")

for blocks in [1_000, 10_000, 100_000, 1_000_000] {
    var ledger = try ledger(blocks: blocks)
    let violations = ledger.verify()
    guard violations.isEmpty else { throw BenchError.inconsistent(Array(violations.prefix(5))) }

    // Forward 10 units = 10 single-unit blocks out of the pending account.
    let forwards = min(blocks / 10, 2_000)
    var samples: [Double] = []
    for _ in 0..<forwards {
        samples.append(try Measure.once {
            try ledger.perform(
                .forward(ForwardOrder(issuance: issuanceID, to: holderD, quantity: 10, instructedBy: participant)),
                at: time)
        })
    }
    table.add(String(blocks), "forward 10 units (pending -> D)", String(samples.count), micro(Measure.median(samples)),
              micro(Measure.percentile(samples, 0.99)), "10")

    // Internal transfer X -> Y and back: steady state, 10 blocks each way, X keeps its size.
    samples = []
    for round in 0..<4_000 {
        let (from, to) = round % 2 == 0 ? (holderX, holderY) : (holderY, holderX)
        samples.append(try Measure.once {
            try ledger.perform(.transfer(TransferOrder(from: from, to: to, quantity: 10)), at: time)
        })
    }
    table.add(String(blocks), "transfer 10 units (X <-> Y)", String(samples.count), micro(Measure.median(samples)),
              micro(Measure.percentile(samples, 0.99)), "10")

    var verifyResult: [LedgerViolation] = []
    let verifyTime = Measure.once { verifyResult = ledger.verify() }
    verifyTable.add(String(ledger.blockCount), (verifyTime / 1e6).formatted(1), String(verifyResult.count))
}

print("## Ledger operations (release build)\n")
print(table.render())
print("\n## verify\n")
print(verifyTable.render())
if let peak = Measure.peakResidentBytes() { print("\npeak RSS: \(peak / 1_048_576) MiB") }

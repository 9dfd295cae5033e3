import DES
// store-bench: durable operations per second through RegistryStore against the raw durable-commit rate of the
// same SQLite file (synchronous = FULL), and the cost of opening a store of 10^6 blocks and answering balances.
//
//   swift run -c release --scratch-path .build-store-rel store-bench [--seconds S] [--rounds R] [--blocks N]
//       [--keep DIR] [--deep yes|no]
//
// Goal: store operations at no less than half the raw rate (the durable flush dominates both). The two are
// measured in R alternating rounds (raw first in even rounds, store first in odd ones) and compared by the median
// of the per-round ratios, so a burst of load from other processes skews one round, not the verdict.
import BenchmarkSupport
import Foundation
import RegistryCore
import RegistryStore

struct Options {
    var seconds = 1.0
    var rounds = 7
    var blocks = 1_000_000
    /// A directory to keep the large store in between runs (it takes a while to build).
    var keep: String?
    /// Also time `verify(deep: true)` (decodes every journal payload; slow on purpose).
    var deep = true

    init(_ arguments: [String]) {
        var iterator = arguments.dropFirst().makeIterator()
        while let flag = iterator.next() {
            let value = iterator.next()
            switch flag {
            case "--seconds": seconds = value.flatMap(Double.init) ?? seconds
            case "--rounds": rounds = value.flatMap(Int.init) ?? rounds
            case "--blocks": blocks = value.flatMap(Int.init) ?? blocks
            case "--keep": keep = value
            case "--deep": deep = value != "no"
            default:
                FileHandle.standardError.write(Data("unknown option \(flag)\n".utf8))
                exit(2)
            }
        }
    }
}

/// The accounts and issuance every scenario uses.
enum Fixture {
    static let participant: ParticipantIdentifier = "participant-1"
    static let issuance = IssuanceIdentifier(project: 1, number: 1)

    static func holder(_ number: Int64) throws -> AccountIdentifier {
        try AccountIdentifier(registry: .cdm, type: .partyHolding, id: 5000 + number)
    }

    /// Accounts, a project and one issuance of `units` CERs with nothing due, so all of it may be forwarded.
    static func setUp(_ store: SQLiteRegistryStore, units: Int64, clock: inout Date) throws {
        _ = try store.performAll(try commands(units: units, clock: &clock))
    }

    static func commands(units: Int64, clock: inout Date) throws -> [TimedCommand] {
        var commands: [TimedCommand] = []
        func add(_ command: LedgerCommand) {
            clock = clock.addingTimeInterval(1)
            commands.append(TimedCommand(command, at: clock))
        }
        add(
            .openAccount(
                Account(identifier: .cdmPending, name: "Pending account", kind: .registryOperated)))
        add(
            .openAccount(
                Account(identifier: .adaptationFund, name: "Adaptation Fund", kind: .permanentHolding)))
        for number: Int64 in 1...2 {
            add(
                .openAccount(
                    Account(identifier: try holder(number), name: "Holder \(number)", kind: .permanentHolding)
                ))
        }
        add(
            .registerProject(
                Project(
                    number: 1, title: "Benchmark hydro", hostParty: "BR", projectType: "Hydro",
                    isLeastDevelopedCountry: true, modalities: [participant])))
        add(
            .issue(
                IssuanceOrder(
                    issuance: issuance, unitType: .cer, serials: try SerialRange(start: 1, count: units),
                    originalCommitmentPeriod: .second,
                    monitoringPeriodStart: try CalendarDate(year: 2013, month: 1, day: 1),
                    monitoringPeriodEnd: try CalendarDate(year: 2014, month: 12, day: 31), sopAdminDue: 0)))
        return commands
    }
}

func megabytes(_ bytes: Int?) -> String {
    bytes.map { (Double($0) / 1_048_576).formatted(1) + " MB" } ?? "n/a"
}

func run() throws {
    let options = Options(CommandLine.arguments)
    let directory =
        options.keep.map { URL(fileURLWithPath: $0) }
        ?? FileManager.default.temporaryDirectory.appendingPathComponent("store-bench-\(getpid())")
    try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
    defer { if options.keep == nil { try? FileManager.default.removeItem(at: directory) } }

    // 1. Durable operations against the raw durable commit, interleaved so both see the same disk weather.
    let path = directory.appendingPathComponent("operations.sqlite").path
    for suffix in ["", "-wal", "-shm"] { try? FileManager.default.removeItem(atPath: path + suffix) }
    let store = try SQLiteRegistryStore(path: path)
    var clock = Date(timeIntervalSince1970: 1_400_000_000)
    try Fixture.setUp(store, units: 1_000_000, clock: &clock)
    let first = try Fixture.holder(1)
    let second = try Fixture.holder(2)
    _ = try store.perform(
        .forward(
            ForwardOrder(
                issuance: Fixture.issuance, to: first, quantity: 500_000, instructedBy: Fixture.participant)
        ),
        at: clock)
    var rawSamples: [Double] = []
    var storeSamples: [Double] = []
    var roundRates: [(raw: Double, store: Double)] = []
    var flip = false
    func measureRaw() throws -> [Double] {
        try Measure.samples(seconds: options.seconds) { try store.probeDurableCommit() }
    }
    func measureStore() throws -> [Double] {
        try Measure.samples(seconds: options.seconds) {
            clock = clock.addingTimeInterval(1)
            flip.toggle()
            let order =
                flip
                ? TransferOrder(from: first, to: second, quantity: 3)
                : TransferOrder(from: second, to: first, quantity: 3)
            _ = try store.perform(.transfer(order), at: clock)
        }
    }
    for round in 0..<max(1, options.rounds) {
        let raw: [Double]
        let operations: [Double]
        if round % 2 == 0 {
            raw = try measureRaw()
            operations = try measureStore()
        } else {
            operations = try measureStore()
            raw = try measureRaw()
        }
        rawSamples += raw
        storeSamples += operations
        roundRates.append((1e9 / Measure.median(raw), 1e9 / Measure.median(operations)))
    }
    let verification = try store.verify()
    guard verification.isIntact else { throw BenchError.notIntact(verification.description) }
    try store.close()

    let rawRate = 1e9 / Measure.median(rawSamples)
    let storeRate = 1e9 / Measure.median(storeSamples)
    let roundRatios = roundRates.map { $0.store / $0.raw }
    var throughput = ResultTable(
        "measure", "per second (median)", "p50 latency", "p99 latency", "samples")
    throughput.add(
        "raw SQLite durable commit (1 tiny upsert, FULL)", rawRate.formatted(0),
        (Measure.percentile(rawSamples, 0.5) / 1000).formatted(1) + " µs",
        (Measure.percentile(rawSamples, 0.99) / 1000).formatted(1) + " µs", String(rawSamples.count))
    throughput.add(
        "store operation (internal transfer of 3 units)", storeRate.formatted(0),
        (Measure.percentile(storeSamples, 0.5) / 1000).formatted(1) + " µs",
        (Measure.percentile(storeSamples, 0.99) / 1000).formatted(1) + " µs", String(storeSamples.count)
    )
    throughput.add(
        "ratio store / raw, median of \(roundRatios.count) per-round ratios (goal >= 0.50)",
        Measure.median(roundRatios).formatted(2),
        "min \((roundRatios.min() ?? 0).formatted(2))", "max \((roundRatios.max() ?? 0).formatted(2))", "")
    print("## Durable operations, one per transaction\n")
    print(throughput.render())
    print(
        "\nper round (raw/s, store/s, ratio): "
            + roundRates.map {
                "\($0.raw.formatted(0))/\($0.store.formatted(0))/\(($0.store / $0.raw).formatted(2))"
            }.joined(separator: ", ")
    )

    // 2. A store of N blocks: build it (or reuse it), then time a cold open and balance questions.
    let bigPath = directory.appendingPathComponent("blocks-\(options.blocks).sqlite").path
    var buildSeconds: Double?
    if !FileManager.default.fileExists(atPath: bigPath) {
        buildSeconds =
            try Measure.once { try buildFragmentedStore(at: bigPath, blocks: options.blocks) } / 1e9
    }
    Measure.resetPeakResident()
    let residentBefore = Measure.residentBytes()
    var big: SQLiteRegistryStore?
    let openNanoseconds = try Measure.once { big = try SQLiteRegistryStore(path: bigPath) }
    guard let big else { throw BenchError.notIntact("store did not open") }
    var balance: Int64 = 0
    let balanceNanoseconds = try Measure.once { balance = try big.balance(of: first) }
    let holdingsSamples = try Measure.samples(seconds: 0.5) {
        _ = try big.holdings(
            matching: HoldingFilter(account: second, unitType: .cer, applicableCommitmentPeriod: .second))
    }
    let pageSamples = try Measure.samples(seconds: 0.5) {
        _ = try big.blocks(in: second, after: nil, limit: 100)
    }
    let peakAfterQueries = Measure.peakResidentBytes()
    var verifyResult: StoreVerification?
    let verifyNanoseconds = try Measure.once { verifyResult = try big.verify() }
    let peakAfterVerify = Measure.peakResidentBytes()
    var deepResult: StoreVerification?
    let deepNanoseconds =
        options.deep ? try Measure.once { deepResult = try big.verify(deep: true) } : Double.nan
    let peakAfterDeep = Measure.peakResidentBytes()
    let holdings = try big.holdings(matching: HoldingFilter())

    // Reconciliation (issue 8): totals and every unit block from a snapshot, encoded as the DES messages the
    // registry sends (receiveUnitBlocks of at most 5,000 blocks), without holding them all.
    let snapshot = try big.makeHoldingsSnapshot(at: Date())
    var totals: [SnapshotTotal] = []
    let totalsNanoseconds = try Measure.once { totals = try snapshot.totals(SnapshotFilter(), byAccount: false) }
    let byAccountNanoseconds = try Measure.once { _ = try snapshot.totals(SnapshotFilter(), byAccount: true) }
    var streamedBlocks = 0
    var messages = 0
    var largestMessage = 0
    let streamNanoseconds = try Measure.once {
        try snapshot.forEachBlockChunk(matching: [], chunkSize: 5_000) { chunk in
            let message = ReceiveUnitBlocksRequest(
                from: .cdm, to: .itl, majorVersion: 1, minorVersion: 1, reconciliationIdentifier: "BENCH",
                unitBlocks: chunk.map {
                    DESHeldUnitBlock(
                        range: $0.block.range, originatingRegistry: $0.block.originatingRegistry,
                        unitType: $0.block.attributes.unitType, accountType: $0.account.type,
                        accountIdentifier: $0.account.id,
                        applicableCommitmentPeriod: $0.block.attributes.applicableCommitmentPeriod)
                })
            largestMessage = max(largestMessage, DESCodec.encode(message).count)
            streamedBlocks += chunk.count
            messages += 1
        }
    }
    let peakAfterStream = Measure.peakResidentBytes()
    try big.close()

    var large = ResultTable("store of \(options.blocks) blocks", "time", "peak RSS of the process")
    if let buildSeconds {
        large.add(
            "build (1-unit forwards imported, \(importBatch) per transaction)", buildSeconds.formatted(1) + " s",
            "")
    }
    large.add("RSS before opening", "", megabytes(residentBefore))
    large.add("open (pragmas, schema check)", (openNanoseconds / 1e6).formatted(2) + " ms", "")
    large.add(
        "first balance of an account of \(holdings.first?.blockCount ?? 0) blocks (= \(balance))",
        (balanceNanoseconds / 1e6).formatted(2) + " ms", "")
    large.add(
        "holdings by unit type and CP (median)",
        (Measure.median(holdingsSamples) / 1000).formatted(1) + " µs", "")
    large.add(
        "first page of 100 blocks (median)", (Measure.median(pageSamples) / 1000).formatted(1) + " µs",
        "")
    large.add("after open + balance questions", "", megabytes(peakAfterQueries))
    large.add(
        "verify (stream all blocks; \(verifyResult?.isIntact == true ? "intact" : "NOT INTACT"))",
        (verifyNanoseconds / 1e9).formatted(2) + " s", megabytes(peakAfterVerify))
    if options.deep {
        large.add(
            "verify deep (also decode \(deepResult?.journalEntries ?? 0) journal payloads; "
                + "\(deepResult?.isIntact == true ? "intact" : "NOT INTACT"))",
            (deepNanoseconds / 1e9).formatted(2) + " s", megabytes(peakAfterDeep))
    }
    large.add(
        "reconciliation totals from a snapshot (\(totals.count) rows)", (totalsNanoseconds / 1e6).formatted(1) + " ms",
        "")
    large.add("reconciliation totals per account", (byAccountNanoseconds / 1e6).formatted(1) + " ms", "")
    large.add(
        "unit blocks streamed: \(streamedBlocks) blocks in \(messages) receiveUnitBlocks messages "
            + "(largest \(largestMessage / 1024) KiB)", (streamNanoseconds / 1e9).formatted(2) + " s",
        megabytes(peakAfterStream))
    print("\n## Large store\n")
    print(large.render())
}

/// Changes per `importChanges` transaction when building the large store.
let importBatch = 20_000

/// Forwards one unit at a time alternately to two accounts, so each forward leaves a block that cannot merge with
/// its neighbours: `blocks` blocks in the two holding accounts.
///
/// Planning 10^6 forwards one by one takes many minutes, so the changes are written out here exactly as the
/// planner makes them for a 1-unit forward (issuance record, then the pending block removed, then the forwarded
/// unit and the pending remainder added; one journal entry each) and loaded with `importChanges`, through the
/// store's own writer and journal. The first changes are compared with the planner's own, and the store must pass
/// `verify` afterwards (checked by the caller).
func buildFragmentedStore(at path: String, blocks: Int) throws {
    let store = try SQLiteRegistryStore(path: path)
    var clock = Date(timeIntervalSince1970: 1_400_000_000)
    let setUp = try Fixture.commands(units: Int64(blocks) * 2, clock: &clock)
    _ = try store.performAll(setUp)
    guard let issuance = try store.issuance(Fixture.issuance),
        let pending = try store.blocks(in: issuance.pendingAccount, after: nil, limit: 1).first
    else { throw BenchError.notIntact("the fixture issuance is missing") }
    var forwards = ForwardChanges(issuance: issuance, remainder: pending, start: clock, targets: [
        try Fixture.holder(1), try Fixture.holder(2),
    ])
    try checkAgainstPlanner(setUp: setUp, forwards: forwards)
    var done = 0
    while done < blocks {
        let count = min(importBatch, blocks - done)
        _ = try store.importChanges(try (0..<count).map { _ in try forwards.next() })
        done += count
    }
    try store.close()
}

/// The change the planner makes for each of a run of 1-unit forwards from the pending account, alternating
/// between the targets (issuance record, then the pending block removed, then the unit and the remainder added).
struct ForwardChanges {
    var issuance: IssuanceRecord
    var remainder: UnitBlock
    let start: Date
    let targets: [AccountIdentifier]
    var count = 0

    mutating func next() throws -> LedgerChange {
        let target = targets[count % targets.count]
        let source = BlockLocation.account(issuance.pendingAccount)
        let first = remainder.range.start
        guard first < remainder.range.end else { throw BenchError.notIntact("the issuance ran out of units") }
        let unit = remainder.with(range: try SerialRange(first, first))
        let rest = remainder.with(range: try SerialRange(first + 1, remainder.range.end))
        issuance.forwarded += 1
        issuance.inPending -= 1
        let mutations: [LedgerMutation] = [
            .putIssuance(issuance), .removeBlock(Placement(location: source, block: remainder)),
            .addBlock(Placement(location: .account(target), block: unit)),
            .addBlock(Placement(location: source, block: rest)),
        ]
        remainder = rest
        count += 1
        let command = LedgerCommand.forward(
            ForwardOrder(issuance: issuance.identifier, to: target, quantity: 1, instructedBy: Fixture.participant))
        return LedgerChange(
            mutations: mutations,
            journal: JournalEntry(
                operation: command.operation, time: start.addingTimeInterval(Double(count)), command: command,
                movements: [BlockMovement(from: source, to: .account(target), blocks: [unit])]))
    }
}

/// The shortcut is only honest if it writes what the planner would: plan the first forwards on the in-memory
/// ledger and require equal changes.
func checkAgainstPlanner(setUp: [TimedCommand], forwards: ForwardChanges) throws {
    var ledger = Ledger(registryCode: .cdm)
    for command in setUp { _ = try ledger.perform(command.command, at: command.time) }
    var forwards = forwards
    for _ in 0..<6 {
        let made = try forwards.next()
        let planned = try plan(made.journal.command, on: ledger, at: made.journal.time)
        guard planned == made else {
            throw BenchError.notIntact("the bulk loader's change differs from the planner's:\n\(made)\n\(planned)")
        }
        ledger.apply(planned)
    }
}

enum BenchError: Error, CustomStringConvertible {
    case notIntact(String)
    var description: String {
        switch self {
        case .notIntact(let text): "store failed verification: \(text)"
        }
    }
}

do {
    try run()
} catch {
    FileHandle.standardError.write(Data("store-bench: \(error)\n".utf8))
    exit(1)
}

// The child process of RegistryStoreTests' crash test: opens the store at argv[1] and performs ledger operations
// on it, one durable transaction each, until it is killed (or until argv[3] operations when given). It prints
// "ready" once the store is set up, so the test kills it while it writes, not while it opens.
import Foundation
import RegistryCore
import RegistryStore

/// SplitMix64: small, seedable, the same sequence on every platform.
struct SplitMix64: RandomNumberGenerator {
    var state: UInt64
    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}

func fail(_ message: String) -> Never {
    FileHandle.standardError.write(Data("store-crash-writer: \(message)\n".utf8))
    exit(2)
}

let arguments = CommandLine.arguments
guard arguments.count >= 3, let seed = UInt64(arguments[2]) else {
    fail("usage: store-crash-writer STORE-PATH SEED [OPERATIONS]")
}
let operationLimit = arguments.count >= 4 ? Int(arguments[3]) : nil

let holders: [AccountIdentifier]
do {
    holders = try (1...4).map {
        try AccountIdentifier(registry: .cdm, type: .partyHolding, id: Int64(5000 + $0))
    }
} catch { fail("\(error)") }
let cancellation = AccountIdentifier.cdmTerminal(.voluntaryCancellation, period: .second)
let issuance = IssuanceIdentifier(project: 7, number: 1)
let participant: ParticipantIdentifier = "participant-7"
var clock = Date(timeIntervalSince1970: 1_400_000_000)

@MainActor func tick() -> Date {
    clock = clock.addingTimeInterval(1)
    return clock
}

let store: SQLiteRegistryStore
do {
    store = try SQLiteRegistryStore(path: arguments[1])
    if let last = try store.journalTail(limit: 1).last { clock = last.entry.time }
    if try store.journalCount() == 0 {
        var setup: [TimedCommand] = []
        func add(_ command: LedgerCommand) { setup.append(TimedCommand(command, at: tick())) }
        add(
            .openAccount(
                Account(identifier: .cdmPending, name: "Pending account", kind: .registryOperated)))
        add(
            .openAccount(
                Account(identifier: .adaptationFund, name: "Adaptation Fund", kind: .permanentHolding)))
        add(
            .openAccount(
                Account(identifier: cancellation, name: "Voluntary cancellation", kind: .registryOperated)))
        for holder in holders {
            add(
                .openAccount(
                    Account(identifier: holder, name: "Holder \(holder.id)", kind: .permanentHolding)))
        }
        add(
            .registerProject(
                Project(
                    number: issuance.project, title: "Crash test wind farm", hostParty: "BR",
                    projectType: "Wind",
                    isLeastDevelopedCountry: false, modalities: [participant])))
        add(
            .issue(
                IssuanceOrder(
                    issuance: issuance, unitType: .cer, serials: try SerialRange(start: 1, count: 10_000_000),
                    originalCommitmentPeriod: .second,
                    monitoringPeriodStart: try CalendarDate(year: 2013, month: 1, day: 1),
                    monitoringPeriodEnd: try CalendarDate(year: 2013, month: 12, day: 31), sopAdminDue: 0)))
        _ = try store.performAll(setup)
    }
} catch { fail("cannot set up the store: \(error)") }

print("ready")
fflush(nil)

var random = SplitMix64(state: seed)
var performed = 0
while operationLimit.map({ performed < $0 }) ?? true {
    let quantity = Int64.random(in: 1...50, using: &random)
    let from = holders.randomElement(using: &random) ?? holders[0]
    let to = holders.randomElement(using: &random) ?? holders[1]
    let command: LedgerCommand
    switch Int.random(in: 0..<10, using: &random) {
    case 0...3:
        command = .forward(
            ForwardOrder(issuance: issuance, to: to, quantity: quantity, instructedBy: participant))
    case 4...7:
        command = .transfer(TransferOrder(from: from, to: to, quantity: quantity))
    case 8:
        command = .cancel(
            CancellationOrder(
                sources: [from], to: cancellation, quantity: quantity, purpose: "crash test"))
    default:
        // Refused (more than anyone holds): must leave no trace.
        command = .transfer(TransferOrder(from: from, to: to, quantity: 1_000_000_000))
    }
    do {
        _ = try store.perform(command, at: tick())
    } catch is LedgerError {
        // A refused operation writes nothing; the test checks that through the journal and the balances.
    } catch {
        fail("operation failed: \(error)")
    }
    performed += 1
}
print("done \(performed)")

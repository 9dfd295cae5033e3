import Foundation
import RegistryCore
import RegistryStore

// A short, real walkthrough of the durable ledger: a project from registration to a voluntary cancellation, every
// step one SQLite transaction with its hash-chained journal entry. The store goes to a fresh folder (or to the
// path given as the first argument) and is verified at the end.

func date(_ text: String) throws -> CalendarDate { try CalendarDate(parsing: text) }

let day = 86_400.0
var clock = Date(timeIntervalSince1970: 1_594_000_000)  // 2020-07-06, after EB 106 allowed SOP-Admin instalments
@MainActor func tick() -> Date {
    clock += day
    return clock
}

let storePath: String
if CommandLine.arguments.count > 1 {
    storePath = CommandLine.arguments[1]
} else {
    let folder = FileManager.default.temporaryDirectory.appendingPathComponent("cdm-walkthrough-\(getpid())")
    try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
    storePath = folder.appendingPathComponent("registry.sqlite").path
}
guard !FileManager.default.fileExists(atPath: storePath) else {
    print("\(storePath) exists already: give the walkthrough a new path")
    exit(2)
}
let ledger = try SQLiteRegistryStore(path: storePath)
print("store: \(storePath) (SQLite, WAL, synchronous=\(try ledger.synchronousSetting()))")
for account in Ledger.cdmStandardAccounts { _ = try ledger.perform(.openAccount(account), at: clock) }
let participant = try AccountIdentifier(registry: .cdm, type: .partyHolding, id: 5001)
let buyer = try AccountIdentifier(registry: .cdm, type: .partyHolding, id: 5002)
let voluntary = AccountIdentifier.cdmTerminal(.voluntaryCancellation, period: .second)
_ = try ledger.perform(
    .openAccount(Account(identifier: participant, name: "Andes Wind S.A.", kind: .permanentHolding)), at: tick())
_ = try ledger.perform(
    .openAccount(Account(identifier: buyer, name: "Green Buyer Ltd", kind: .permanentHolding)), at: tick())

let project = Project(
    number: 1234, title: "Andes Wind Farm", hostParty: "CL", projectType: "Wind", isLeastDevelopedCountry: false,
    modalities: ["focal-point:andes-wind"])
_ = try ledger.perform(.registerProject(project), at: tick())
print("registered \(project)")

let issuance = IssuanceIdentifier(project: 1234, number: 1)
let order = IssuanceOrder(
    issuance: issuance, unitType: .cer, serials: try SerialRange(start: 1_000_001, count: 10_123),
    originalCommitmentPeriod: .second, monitoringPeriodStart: try date("2019-01-01"),
    monitoringPeriodEnd: try date("2019-12-31"), sopAdminDue: 202_460)  // USD 2,024.60 in cents
_ = try ledger.perform(.issue(order), at: tick())
let issued = try require(ledger.issuance(issuance))
print("issued \(issued.quantity) CERs \(issued.serials): \(issued.shareOfProceeds) to the Adaptation Fund "
    + "(2%, rounded up), \(issued.pendingQuantity) to the pending account")

for amount: Int64 in [80_000, 122_460] {
    _ = try ledger.perform(.paySOPAdmin(SOPAdminPayment(issuance: issuance, amount: amount)), at: tick())
    let record = try require(ledger.issuance(issuance))
    print("SOP-Admin instalment \(amount) cents: paid \(record.sopAdminPaid) of \(record.sopAdminDue), "
        + "released \(record.released) of \(record.pendingQuantity)")
    let quantity = record.released - record.forwarded
    _ = try ledger.perform(
        .forward(ForwardOrder(issuance: issuance, to: participant, quantity: quantity,
                              instructedBy: "focal-point:andes-wind")), at: tick())
    print("forwarded \(quantity) to \(participant)")
}

_ = try ledger.perform(.transfer(TransferOrder(from: participant, to: buyer, quantity: 2_500)), at: tick())
print("transferred 2500 to \(buyer)")
let record = try ledger.perform(
    .cancel(CancellationOrder(sources: [buyer], to: voluntary, quantity: 1_000, beneficiary: "City of Valparaiso",
                              purpose: "Offsetting the 2020 municipal fleet")), at: tick())
print("voluntary cancellation: \(record.entry.movements.map(\.description).joined(separator: "; "))")

var rows = [["account", "holder", "unit type", "CP", "blocks", "units"]]
for holding in try ledger.holdings(matching: HoldingFilter()) where holding.quantity > 0 {
    let holder = try ledger.account(holding.account)?.name ?? "?"
    rows.append([
        holding.account.description, holder, holding.unitType.description,
        holding.applicableCommitmentPeriod.description, String(holding.blockCount), String(holding.quantity),
    ])
}
print("")
print("| " + rows[0].joined(separator: " | ") + " |")
print("|" + rows[0].map { _ in "---" }.joined(separator: "|") + "|")
for row in rows.dropFirst() { print("| " + row.joined(separator: " | ") + " |") }
print("")
print("journal:")
for stored in try ledger.journalTail(limit: 4) {
    let moved = stored.entry.movements.reduce(Int64(0)) { $0 + $1.quantity }
    print("  #\(stored.sequence) \(stored.entry.operation) \(moved) units, sha256 \(stored.hashHex.prefix(16))...")
}
let verification = try ledger.verify()
print("verify: \(verification)")
try ledger.close()
exit(verification.isIntact ? 0 : 1)

/// `#require` for a script: a missing value is a walkthrough bug worth stopping for.
func require<T>(_ value: T?, _ what: String = #function) throws -> T {
    guard let value else { throw WalkthroughError(what: what) }
    return value
}
struct WalkthroughError: Error { let what: String }

import Foundation
import RegistryCore

// A short, real walkthrough of the in-memory ledger: a project from registration to a voluntary cancellation.

func date(_ text: String) throws -> CalendarDate { try CalendarDate(parsing: text) }

let day = 86_400.0
var clock = Date(timeIntervalSince1970: 1_594_000_000)  // 2020-07-06, after EB 106 allowed SOP-Admin instalments
@MainActor func tick() -> Date {
    clock += day
    return clock
}

var ledger = try Ledger.cdmRegistry(openedAt: clock)
let participant = try AccountIdentifier(registry: .cdm, type: .partyHolding, id: 5001)
let buyer = try AccountIdentifier(registry: .cdm, type: .partyHolding, id: 5002)
let voluntary = AccountIdentifier.cdmTerminal(.voluntaryCancellation, period: .second)
try ledger.perform(
    .openAccount(Account(identifier: participant, name: "Andes Wind S.A.", kind: .permanentHolding)), at: tick())
try ledger.perform(
    .openAccount(Account(identifier: buyer, name: "Green Buyer Ltd", kind: .permanentHolding)), at: tick())

let project = Project(
    number: 1234, title: "Andes Wind Farm", hostParty: "CL", projectType: "Wind", isLeastDevelopedCountry: false,
    modalities: ["focal-point:andes-wind"])
try ledger.perform(.registerProject(project), at: tick())
print("registered \(project)")

let issuance = IssuanceIdentifier(project: 1234, number: 1)
let order = IssuanceOrder(
    issuance: issuance, unitType: .cer, serials: try SerialRange(start: 1_000_001, count: 10_123),
    originalCommitmentPeriod: .second, monitoringPeriodStart: try date("2019-01-01"),
    monitoringPeriodEnd: try date("2019-12-31"), sopAdminDue: 202_460)  // USD 2,024.60 in cents
try ledger.perform(.issue(order), at: tick())
let issued = try require(ledger.issuance(issuance))
print("issued \(issued.quantity) CERs \(issued.serials): \(issued.shareOfProceeds) to the Adaptation Fund "
    + "(2%, rounded up), \(issued.pendingQuantity) to the pending account")

for amount: Int64 in [80_000, 122_460] {
    try ledger.perform(.paySOPAdmin(SOPAdminPayment(issuance: issuance, amount: amount)), at: tick())
    let record = try require(ledger.issuance(issuance))
    print("SOP-Admin instalment \(amount) cents: paid \(record.sopAdminPaid) of \(record.sopAdminDue), "
        + "released \(record.released) of \(record.pendingQuantity)")
    let quantity = record.released - record.forwarded
    try ledger.perform(
        .forward(ForwardOrder(issuance: issuance, to: participant, quantity: quantity,
                              instructedBy: "focal-point:andes-wind")), at: tick())
    print("forwarded \(quantity) to \(participant)")
}

try ledger.perform(.transfer(TransferOrder(from: participant, to: buyer, quantity: 2_500)), at: tick())
print("transferred 2500 to \(buyer)")
let entry = try ledger.perform(
    .cancel(CancellationOrder(sources: [buyer], to: voluntary, quantity: 1_000, beneficiary: "City of Valparaiso",
                              purpose: "Offsetting the 2020 municipal fleet")), at: tick())
print("voluntary cancellation: \(entry.movements.map(\.description).joined(separator: "; "))")

var rows = [["account", "holder", "blocks", "units"]]
for account in ledger.accounts.values.sorted(by: { $0.identifier < $1.identifier })
where ledger.balance(of: account.identifier) > 0 {
    rows.append([account.identifier.description, account.name, String(ledger.blockCount(in: account.identifier)),
                 String(ledger.balance(of: account.identifier))])
}
print("")
print("| " + rows[0].joined(separator: " | ") + " |")
print("|---|---|---|---|")
for row in rows.dropFirst() { print("| " + row.joined(separator: " | ") + " |") }
print("")
let violations = ledger.verify()
print(violations.isEmpty ? "verify: OK (\(ledger.blockCount) blocks)" : "verify: \(violations.count) violations")
for violation in violations { print("  \(violation)") }

/// `#require` for a script: a missing value is a walkthrough bug worth stopping for.
func require<T>(_ value: T?, _ what: String = #function) throws -> T {
    guard let value else { throw WalkthroughError(what: what) }
    return value
}
struct WalkthroughError: Error { let what: String }

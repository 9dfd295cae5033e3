import Foundation
import Testing

@testable import RegistryCore
@testable import RegistryStore

/// SplitMix64: small, seedable, the same sequence on every platform, so a failing seed replays.
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

/// A fresh directory for one test's store files, removed when the test is done with it.
final class ScratchDirectory {
    let url: URL

    init() throws {
        url = FileManager.default.temporaryDirectory
            .appendingPathComponent("registry-store-tests-\(getpid())-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
    }

    func path(_ name: String) -> String { url.appendingPathComponent(name).path }

    deinit { try? FileManager.default.removeItem(at: url) }
}

/// A CDM registry with holders, two projects and a seeded mix of every ledger operation, valid and refused.
struct Workload {
    var random: SplitMix64
    var clock = Date(timeIntervalSince1970: 1_400_000_000)
    let holders: [AccountIdentifier]
    let cancellation = AccountIdentifier.cdmTerminal(.voluntaryCancellation, period: .second)
    let participant: ParticipantIdentifier = "participant"
    var issuances: [IssuanceIdentifier] = []
    var nextSerial: Int64 = 1
    var nextTransaction = 1
    var reservations: [TransactionIdentifier] = []

    init(seed: UInt64) throws {
        random = SplitMix64(state: seed)
        holders = try (1...4).map {
            try AccountIdentifier(registry: .cdm, type: .partyHolding, id: Int64(5000 + $0))
        }
    }

    mutating func tick() -> Date {
        clock = clock.addingTimeInterval(Double(Int.random(in: 1...3600, using: &random)))
        return clock
    }

    func setUpCommands() -> [LedgerCommand] {
        var commands: [LedgerCommand] = [
            .openAccount(
                Account(identifier: .cdmPending, name: "Pending account", kind: .registryOperated)),
            .openAccount(
                Account(identifier: .adaptationFund, name: "Adaptation Fund", kind: .permanentHolding)),
            .openAccount(
                Account(identifier: cancellation, name: "Voluntary cancellation", kind: .registryOperated)),
        ]
        for (index, holder) in holders.enumerated() {
            let kind: AccountKind =
                index == 3 ? .temporaryHolding(associatedRegistry: "JP") : .permanentHolding
            commands.append(
                .openAccount(Account(identifier: holder, name: "Holder \(holder.id)", kind: kind)))
        }
        for number in 1...2 {
            commands.append(
                .registerProject(
                    Project(
                        number: number, title: "Project \(number)", hostParty: number == 1 ? "BR" : "TZ",
                        projectType: number == 1 ? "Wind" : "Afforestation/reforestation",
                        isLeastDevelopedCountry: number == 2, modalities: [participant, "other-\(number)"])))
        }
        return commands
    }

    /// The next command; `ledger` is the in-memory reference, read only to choose plausible parameters.
    mutating func next(given ledger: Ledger) throws -> LedgerCommand {
        let holder = holders.randomElement(using: &random) ?? holders[0]
        let other = holders.randomElement(using: &random) ?? holders[1]
        let quantity = Int64.random(in: 1...400, using: &random)
        let roll = issuances.isEmpty ? 0 : Int.random(in: 0..<100, using: &random)
        switch roll {
        case 0..<8:
            return try issue()
        case 8..<16:
            let issuance = issuances.randomElement(using: &random) ?? issuances[0]
            return .paySOPAdmin(
                SOPAdminPayment(issuance: issuance, amount: Int64.random(in: 1...6000, using: &random)))
        case 16..<38:
            let issuance = issuances.randomElement(using: &random) ?? issuances[0]
            let instructor = Int.random(in: 0..<10, using: &random) == 0 ? "stranger" : participant
            return .forward(
                ForwardOrder(issuance: issuance, to: holder, quantity: quantity, instructedBy: instructor))
        case 38..<60:
            return .transfer(TransferOrder(from: holder, to: other, quantity: quantity))
        case 60..<66:
            return .cancel(
                CancellationOrder(
                    sources: [holder], to: cancellation, quantity: quantity, beneficiary: "City of Bonn",
                    purpose: "offsetting"))
        case 66..<76:
            let transaction = try TransactionIdentifier("CDM\(nextTransaction)")
            nextTransaction += 1
            reservations.append(transaction)
            return .reserve(
                ReservationOrder(
                    transaction: transaction, from: holder, destination: .external("CH"), quantity: quantity))
        case 76..<84 where !reservations.isEmpty:
            let index = Int.random(in: 0..<reservations.count, using: &random)
            let transaction = reservations.remove(at: index)
            return Bool.random(using: &random) ? .commit(transaction) : .release(transaction)
        case 84..<90:
            let gone = ledger.placements(
                overlapping: try SerialRange(1, Int64.max), originatingRegistry: ledger.registryCode
            ).filter { if case .external = $0.location { true } else { false } }
            guard let placement = gone.randomElement(using: &random) else { return try issue() }
            let count = min(placement.block.quantity, Int64.random(in: 1...50, using: &random))
            let returned = placement.block.with(
                range: try placement.block.range.split(taking: count).taken)
            let transaction = try TransactionIdentifier("CH\(nextTransaction)")
            nextTransaction += 1
            return .creditIncoming(
                IncomingCredit(transaction: transaction, from: "CH", to: holder, blocks: [returned]))
        case 90..<94:
            return .setAccountState(holder, Bool.random(using: &random) ? .blocked : .open)
        default:
            // Refused: more than the whole registry ever issued.
            return .transfer(TransferOrder(from: holder, to: other, quantity: 1_000_000_000_000))
        }
    }

    private mutating func issue() throws -> LedgerCommand {
        let project = Int.random(in: 1...2, using: &random)
        let number = issuances.filter { $0.project == project }.count + 1
        let identifier = IssuanceIdentifier(project: project, number: number)
        issuances.append(identifier)
        let count = Int64.random(in: 100...5000, using: &random)
        let serials = try SerialRange(start: nextSerial, count: count)
        nextSerial = serials.end + 1 + Int64.random(in: 0...2, using: &random)
        let temporary = project == 2
        return .issue(
            IssuanceOrder(
                issuance: identifier, unitType: temporary ? .tcer : .cer, serials: serials,
                originalCommitmentPeriod: .second,
                monitoringPeriodStart: try CalendarDate(year: 2014, month: 1, day: 1),
                monitoringPeriodEnd: try CalendarDate(year: 2014, month: 12, day: 31),
                expiryDate: temporary ? try CalendarDate(year: 2020, month: 12, day: 31) : nil,
                lulucfActivity: temporary ? 1 : nil,
                sopAdminDue: Bool.random(using: &random) ? 0 : 5000))
    }
}

/// Every observable part of the ledger, compared between the store and the in-memory reference.
func expectSameState(
    _ store: SQLiteRegistryStore, _ ledger: Ledger, sourceLocation: SourceLocation = #_sourceLocation
) throws {
    for (id, account) in ledger.accounts {
        #expect(try store.account(id) == account, sourceLocation: sourceLocation)
        #expect(
            try store.balance(of: id) == ledger.balance(of: id), "balance of \(id)",
            sourceLocation: sourceLocation)
        #expect(
            try allBlocks(of: id, in: store) == ledger.blocks(in: id), "blocks of \(id)",
            sourceLocation: sourceLocation)
        let holdings = try store.holdings(matching: HoldingFilter(account: id))
        #expect(
            holdings.reduce(0) { $0 + $1.quantity } == ledger.balance(of: id),
            sourceLocation: sourceLocation)
    }
    var listed: [Account] = []
    var after: AccountIdentifier?
    while true {
        let page = try store.accounts(after: after, limit: 3)
        listed += page
        guard let last = page.last else { break }
        after = last.identifier
    }
    #expect(listed.map(\.identifier) == ledger.accounts.keys.sorted(), sourceLocation: sourceLocation)
    for (number, project) in ledger.projects {
        #expect(try store.project(number) == project, sourceLocation: sourceLocation)
    }
    for (id, issuance) in ledger.issuances {
        #expect(try store.issuance(id) == issuance, "\(id)", sourceLocation: sourceLocation)
    }
    for (transaction, reservation) in ledger.reservations {
        #expect(try store.reservation(transaction) == reservation, sourceLocation: sourceLocation)
    }
    let everything = try SerialRange(1, Int64.max)
    #expect(
        try store.placements(overlapping: everything, originatingRegistry: .cdm)
            == ledger.placements(overlapping: everything, originatingRegistry: .cdm),
        "every placement", sourceLocation: sourceLocation)
}

/// All of an account's blocks, read page by page as a client would.
func allBlocks(of account: AccountIdentifier, in store: SQLiteRegistryStore) throws -> [UnitBlock] {
    var blocks: [UnitBlock] = []
    var after: BlockKey?
    while true {
        let page = try store.blocks(in: account, after: after, limit: 7)
        blocks += page
        guard let last = page.last else { return blocks }
        after = last.key
    }
}

import Foundation

/// Plans a command against a ledger: reads what it needs, decides, and returns the mutations and the journal
/// entry. Pure: nothing is changed until the caller applies the result (the in-memory `Ledger`, or one store
/// transaction). Domain failures throw `LedgerError`; a failing read of the ledger propagates as is.
public func plan(_ command: LedgerCommand, on ledger: some LedgerReading, at time: Date) throws -> LedgerChange {
    var planner = LedgerPlanner(reader: ledger, command: command, time: time)
    try planner.plan()
    return LedgerChange(
        mutations: planner.records + planner.staged.mutations + planner.trailing,
        journal: JournalEntry(operation: command.operation, time: time, command: command, movements: planner.movements))
}

/// The state of one plan: the staged block edits, the record edits and the movements for the journal.
struct LedgerPlanner<Reader: LedgerReading> {
    let reader: Reader
    let command: LedgerCommand
    /// When the operation happens: the caller's clock, never read here.
    let time: Date
    var staged: StagedPlacements<Reader>
    /// Account, project, issuance and reservation edits, applied before the block edits.
    var records: [LedgerMutation] = []
    /// Edits that must follow the block edits (a reservation is deleted after its blocks are gone).
    var trailing: [LedgerMutation] = []
    var movements: [BlockMovement] = []

    init(reader: Reader, command: LedgerCommand, time: Date) {
        self.reader = reader
        self.command = command
        self.time = time
        staged = StagedPlacements(reader: reader)
    }

    var registry: RegistryCode { reader.registryCode }

    mutating func plan() throws {
        switch command {
        case .openAccount(let account): try openAccount(account)
        case .setAccountState(let id, let state): try setAccountState(id, state)
        case .registerProject(let project): try registerProject(project)
        case .setModalities(let project, let participants): try setModalities(project, participants)
        case .issue(let order): try issue(order)
        case .paySOPAdmin(let payment): try paySOPAdmin(payment)
        case .forward(let order): try forward(order)
        case .transfer(let order): try transfer(order)
        case .cancel(let order): try cancel(order)
        case .reserve(let order): try reserve(order)
        case .splitReservation(let split): try splitReservation(split)
        case .commit(let transaction): try commit(transaction)
        case .release(let transaction): try release(transaction)
        case .creditIncoming(let credit): try creditIncoming(credit)
        }
    }

    // MARK: Shared checks

    /// The account, which must exist in this registry.
    func existingAccount(_ id: AccountIdentifier) throws -> Account {
        guard id.registry == registry else { throw LedgerError.accountNotInThisRegistry(id, registry: registry) }
        guard let account = try reader.account(id) else { throw LedgerError.unknownAccount(id) }
        return account
    }

    /// The account, which must exist and be open: a blocked or closed account neither sends nor receives.
    func openAccount(_ id: AccountIdentifier) throws -> Account {
        let account = try existingAccount(id)
        switch account.state {
        case .open: return account
        case .blocked: throw LedgerError.accountBlocked(id)
        case .closed: throw LedgerError.accountClosed(id)
        }
    }

    func existingIssuance(_ id: IssuanceIdentifier) throws -> IssuanceRecord {
        guard let issuance = try reader.issuance(id) else { throw LedgerError.unknownIssuance(id) }
        return issuance
    }

    func existingProject(_ number: Int) throws -> Project {
        guard let project = try reader.project(number) else { throw LedgerError.unknownProject(number) }
        return project
    }

    /// Only someone the project's modalities of communication name may instruct its pending units to move.
    func checkInstruction(_ participant: ParticipantIdentifier?, issuance: IssuanceRecord) throws {
        let project = try existingProject(issuance.identifier.project)
        guard let participant, project.modalities.contains(participant) else {
            throw LedgerError.notInModalities(participant, project: project.number)
        }
    }

    static func checkQuantity(_ quantity: Int64) throws {
        guard quantity > 0 else { throw LedgerError.nonPositiveQuantity(quantity) }
    }

    static func checkUnitTypes(_ blocks: [UnitBlock], allowedIn account: AccountIdentifier) throws {
        for block in blocks where !account.type.cdmHolds(block.attributes.unitType) {
            throw LedgerError.unitTypeNotAllowed(block.attributes.unitType, account: account, serials: block.range)
        }
    }

    // MARK: Taking blocks

    /// Takes up to `quantity` units from `account` in take order, restricted to `window` (serials of this
    /// registry) when given: whole blocks, and only the last one split (with a window, also the first may be cut
    /// at the window's start). Each remainder stays in the account with every attribute. Reads only the blocks it
    /// takes (plus the one that stops it), never the whole account; loops over blocks, never over units.
    mutating func take(upTo quantity: Int64, from account: AccountIdentifier, window: SerialRange?) throws
        -> [UnitBlock]
    {
        var remaining = quantity
        var taken: [UnitBlock] = []
        let source = BlockLocation.account(account)
        func takeFrom(_ block: UnitBlock) throws {
            let usable: SerialRange
            if let window {
                guard let cut = block.range.intersection(window) else { return }
                usable = cut
            } else {
                usable = block.range
            }
            let count = min(remaining, usable.count)
            let part = SerialRange(unchecked: usable.start, usable.start + (count - 1))
            staged.remove(Placement(location: source, block: block))
            for piece in block.range.subtracting(part) {
                try staged.add(Placement(location: source, block: block.with(range: piece)))
            }
            taken.append(block.with(range: part))
            remaining -= count
        }
        var after: BlockKey?
        if let window {
            if let first = try reader.placement(containing: window.start, originatingRegistry: registry),
                first.location == source
            {
                try takeFrom(first.block)
            }
            after = BlockKey(originatingRegistry: registry, serialStart: window.start)
        }
        var limit = Int(min(quantity, 64))
        paging: while remaining > 0 {
            let page = try reader.availableBlocks(in: account, after: after, limit: limit)
            for block in page {
                if let window, block.originatingRegistry != registry || block.range.start > window.end {
                    break paging
                }
                try takeFrom(block)
                if remaining == 0 { break paging }
            }
            guard page.count == limit, let last = page.last else { break }
            after = last.key
            limit = min(limit * 2, 4096)
        }
        return taken
    }

    /// Takes exactly `quantity` units from a holding account (whole account, take order).
    mutating func takeExactly(_ quantity: Int64, from account: AccountIdentifier) throws -> [UnitBlock] {
        let available = try reader.balance(of: account)
        guard available >= quantity else {
            throw LedgerError.insufficientUnits(account: account, requested: quantity, available: available)
        }
        let taken = try take(upTo: quantity, from: account, window: nil)
        let got = taken.reduce(Int64(0)) { $0 + $1.quantity }
        guard got == quantity else {
            throw LedgerError.insufficientUnits(account: account, requested: quantity, available: got)
        }
        return taken
    }

    /// Puts taken blocks at `location`, merged with neighbours, and records the movement.
    mutating func put(_ blocks: [UnitBlock], from: BlockLocation?, at location: BlockLocation) throws {
        for block in blocks { try staged.add(Placement(location: location, block: block)) }
        movements.append(BlockMovement(from: from, to: location, blocks: blocks))
    }
}

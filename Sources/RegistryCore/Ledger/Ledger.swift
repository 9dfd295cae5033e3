import Foundation

/// The in-memory ledger: accounts, projects, issuances, reservations, and every block of this registry's units
/// wherever it is.
///
/// A value type; `apply` mutates its storage in place (every container is uniquely referenced, so no copy-on-write
/// copy happens per operation). Blocks are kept twice: once in the global index by (originating registry, serial
/// start), which holds the blocks themselves, and once per account as keys in take order, so an operation finds
/// the first blocks of an account and their neighbours in O(log n).
public struct Ledger: LedgerReading, Equatable, Sendable {
    public let registryCode: RegistryCode
    public private(set) var accounts: [AccountIdentifier: Account] = [:]
    public private(set) var projects: [Int: Project] = [:]
    public private(set) var issuances: [IssuanceIdentifier: IssuanceRecord] = [:]
    public private(set) var reservations: [TransactionIdentifier: Reservation] = [:]
    private(set) var index = SortedBlockIndex<Placement>()
    private(set) var holdings: [AccountIdentifier: AccountHoldings] = [:]

    /// An account's blocks as keys into the global index, in take order, and their total.
    struct AccountHoldings: Equatable, Sendable {
        var keys = SortedBlockIndex<BlockKey>()
        /// Kept with every add and remove; `verify` checks it against the blocks.
        var total: Int64 = 0

        /// One hash lookup per mutation: the caller reaches this through the dictionary's in-place accessor.
        mutating func add(_ placement: Placement) {
            keys.insert(placement.key)
            total += placement.block.quantity
        }

        mutating func remove(_ placement: Placement) {
            keys.remove(placement.key)
            total -= placement.block.quantity
        }
    }

    public init(registryCode: RegistryCode) {
        self.registryCode = registryCode
    }

    // MARK: LedgerReading

    public func account(_ id: AccountIdentifier) -> Account? { accounts[id] }

    public func balance(of id: AccountIdentifier) -> Int64 { holdings[id]?.total ?? 0 }

    public func project(_ number: Int) -> Project? { projects[number] }

    public func issuance(_ id: IssuanceIdentifier) -> IssuanceRecord? { issuances[id] }

    public func availableBlocks(in account: AccountIdentifier, after: BlockKey?, limit: Int) -> [UnitBlock] {
        guard limit > 0, let keys = holdings[account]?.keys else { return [] }
        var result: [UnitBlock] = []
        result.reserveCapacity(min(limit, keys.count))
        keys.forEach(after: after) { key in
            if let placement = index.element(for: key) { result.append(placement.block) }
            return result.count < limit
        }
        return result
    }

    public func placements(overlapping range: SerialRange, originatingRegistry: RegistryCode) -> [Placement] {
        var result: [Placement] = []
        visitPlacements(overlapping: range, originatingRegistry: originatingRegistry) { placement in
            result.append(placement)
            return true
        }
        return result
    }

    public func placement(containing serial: Int64, originatingRegistry: RegistryCode) -> Placement? {
        let key = BlockKey(originatingRegistry: originatingRegistry, serialStart: serial)
        guard let found = index.last(atOrBefore: key), found.block.originatingRegistry == originatingRegistry,
            found.block.range.end >= serial
        else { return nil }
        return found
    }

    public func firstPlacement(overlapping range: SerialRange, originatingRegistry: RegistryCode) -> Placement? {
        var first: Placement?
        visitPlacements(overlapping: range, originatingRegistry: originatingRegistry) { placement in
            first = placement
            return false
        }
        return first
    }

    /// Calls `body` on the blocks sharing a serial with `range`, in serial order, until it returns false. Blocks
    /// never overlap: the one starting at or before `range.start` (if it reaches that far), then those starting
    /// inside `range`.
    private func visitPlacements(
        overlapping range: SerialRange, originatingRegistry: RegistryCode, _ body: (Placement) -> Bool
    ) {
        let startKey = BlockKey(originatingRegistry: originatingRegistry, serialStart: range.start)
        if let before = index.last(atOrBefore: startKey), before.block.originatingRegistry == originatingRegistry,
            before.block.range.overlaps(range)
        {
            guard body(before) else { return }
        }
        // A single serial (a neighbour query) is in at most the block found above.
        guard range.start < range.end else { return }
        index.forEach(after: startKey) { placement in
            guard placement.block.originatingRegistry == originatingRegistry,
                placement.block.range.start <= range.end
            else { return false }
            return body(placement)
        }
    }

    public func reservation(_ transaction: TransactionIdentifier) -> Reservation? { reservations[transaction] }

    // MARK: Whole-ledger views

    /// Every block of the account in take order (reports and the walkthrough; planners page instead).
    public func blocks(in account: AccountIdentifier) -> [UnitBlock] {
        availableBlocks(in: account, after: nil, limit: Int.max)
    }

    /// Every placement in global order (originating registry, serial start).
    public var allPlacements: some Sequence<Placement> { index }

    /// The number of blocks in the ledger, wherever they are.
    public var blockCount: Int { index.count }

    /// The number of blocks in one account.
    public func blockCount(in account: AccountIdentifier) -> Int { holdings[account]?.keys.count ?? 0 }

    // MARK: Changing

    /// Plans the command against this ledger and applies it; on error nothing changed.
    @discardableResult
    public mutating func perform(_ command: LedgerCommand, at time: Date) throws -> JournalEntry {
        let change = try plan(command, on: self, at: time)
        apply(change)
        return change.journal
    }

    /// Applies a change planned against this very state. The mutations are mechanical; one that does not fit
    /// (removing a block that is not there, adding one that overlaps) is a planner bug and stops the process
    /// rather than corrupting the ledger.
    public mutating func apply(_ change: LedgerChange) {
        for mutation in change.mutations {
            switch mutation {
            case .removeBlock(let placement):
                guard let removed = index.remove(placement.key), removed == placement else {
                    preconditionFailure("ledger: remove of \(placement) that is not in the ledger")
                }
                if case .account(let id) = placement.location {
                    holdings[id, default: AccountHoldings()].remove(placement)
                }
            case .addBlock(let placement):
                guard index.insert(placement) else {
                    preconditionFailure("ledger: add of \(placement) whose key is already taken")
                }
                if case .account(let id) = placement.location {
                    holdings[id, default: AccountHoldings()].add(placement)
                }
            case .putAccount(let account):
                accounts[account.identifier] = account
            case .putProject(let project):
                projects[project.number] = project
            case .putIssuance(let issuance):
                issuances[issuance.identifier] = issuance
            case .putReservation(let reservation):
                reservations[reservation.transaction] = reservation
            case .deleteReservation(let transaction):
                reservations.removeValue(forKey: transaction)
            }
        }
    }

    // MARK: Checking

    /// Every invariant of the ledger (see `LedgerVerifier`); empty when all hold.
    public func verify() -> [LedgerViolation] {
        var verifier = LedgerVerifier(
            registry: registryCode, accounts: Array(accounts.values), issuances: Array(issuances.values),
            reservations: Array(reservations.values))
        for (id, holding) in holdings where holding.total != 0 || !holding.keys.isEmpty {
            verifier.declareTotal(holding.total, blocks: holding.keys.count, of: id)
        }
        index.forEachChunk { verifier.consume(contentsOf: $0) }
        return verifier.finish()
    }
}

import Foundation
import GRDB
import RegistryCore

/// What the reports need from the journal, gathered once and then kept up to date from new entries only.
///
/// The journal is append-only and numbered, so reading `sequence > last seen` after each change is exact; the
/// reports never rescan it. It holds, per completed voluntary cancellation, the units committed into a 230
/// account (their unit type, commitment periods and project come only from the blocks that moved), and every
/// movement of units into the Adaptation Fund account (shares of proceeds at issuance and any other credit).
final class JournalDigest: @unchecked Sendable {
    /// Units of one kind committed into a voluntary cancellation account by one transaction.
    struct CancelledUnits: Hashable, Sendable {
        var unitType: UnitType
        var originalCommitmentPeriod: CommitmentPeriod
        var applicableCommitmentPeriod: CommitmentPeriod
        var project: Int?
        var quantity: Int64
        var serials: [SerialRange]
    }

    /// A cancellation's commit into voluntary cancellation accounts: when, by which entry, and what.
    struct VoluntaryCommit: Hashable, Sendable {
        var transaction: TransactionIdentifier
        var sequence: Int64
        var time: Date
        var account: AccountIdentifier
        var units: [CancelledUnits]

        var quantity: Int64 { units.reduce(0) { $0.addingReportingOverflow($1.quantity).partialValue } }
    }

    /// One credit of the Adaptation Fund account as the journal recorded it.
    struct FundInflow: Hashable, Sendable {
        var sequence: Int64
        var time: Date
        /// The journal operation (`issue` for a share of proceeds, `transfer`, `commit`, `creditIncoming`, ...).
        var operation: String
        /// The issuance whose share of proceeds this is (issue entries only).
        var issuance: IssuanceIdentifier?
        var transaction: TransactionIdentifier?
        var unitType: UnitType
        var originalCommitmentPeriod: CommitmentPeriod
        var applicableCommitmentPeriod: CommitmentPeriod
        var project: Int?
        var quantity: Int64
    }

    private let lock = NSLock()
    private var lastSequence: Int64 = 0
    private var commits: [VoluntaryCommit] = []
    private var inflows: [FundInflow] = []
    private var unreadable = 0
    private let adaptationFund: AccountIdentifier
    /// Rows decoded per query while catching up, so a first scan of a long journal stays in small steps.
    private static let batch = 2_000
    /// Operations that can move units into a 230 account or the Adaptation Fund account; the rest (accounts,
    /// projects, reservations, releases, forwards out of the pending account) never do.
    static let relevantKinds = ["issue", "commit", "transfer", "forward", "cancel", "creditIncoming"]

    init(adaptationFund: AccountIdentifier) { self.adaptationFund = adaptationFund }

    /// Reads the entries appended since the last call, in `db`'s snapshot, and returns that snapshot's last
    /// journal sequence: a report keeps only what the digest holds up to it, so a request reading an older
    /// snapshot than another's never mixes the two states. Entries a newer build wrote and this one cannot
    /// decode are counted (`unreadableEntries`) and logged by the caller, never silently dropped.
    func catchUp(_ db: Database) throws -> Int64 {
        try lock.withLock {
            let kinds = Self.relevantKinds.map { "'\($0)'" }.joined(separator: ", ")
            let decoder = JSONDecoder()
            while true {
                let rows = try Row.fetchAll(
                    db,
                    sql: """
                        SELECT sequence, payload FROM journal WHERE sequence > ? AND kind IN (\(kinds))
                        ORDER BY sequence LIMIT ?
                        """, arguments: [lastSequence, Self.batch])
                for row in rows {
                    let sequence: Int64 = row[0]
                    let payload: Data = row[1]
                    if let entry = try? decoder.decode(JournalEntry.self, from: payload) {
                        absorb(entry, sequence: sequence)
                    } else {
                        unreadable += 1
                    }
                    lastSequence = sequence
                }
                if rows.count < Self.batch { break }
            }
            // Entries of other kinds after the last relevant one need no reading on the next call either.
            let head = try Int64.fetchOne(db, sql: "SELECT max(sequence) FROM journal") ?? 0
            if head > lastSequence { lastSequence = head }
            return head
        }
    }

    /// Journal entries skipped because this build could not decode them.
    var unreadableEntries: Int { lock.withLock { unreadable } }

    /// Every commit into a voluntary cancellation account up to journal entry `head`, in journal order.
    func voluntaryCommits(upTo head: Int64) -> [VoluntaryCommit] {
        lock.withLock { Array(commits.prefix { $0.sequence <= head }) }
    }

    /// Every credit of the Adaptation Fund account up to journal entry `head`, oldest first.
    func fundInflows(upTo head: Int64) -> [FundInflow] {
        lock.withLock { Array(inflows.prefix { $0.sequence <= head }) }
    }

    private func absorb(_ entry: JournalEntry, sequence: Int64) {
        for movement in entry.movements {
            guard case .account(let target) = movement.to else { continue }
            if target == adaptationFund {
                recordInflow(entry, movement, sequence: sequence)
            } else if target.type == .voluntaryCancellation, case .commit(let transaction) = entry.command {
                var commit =
                    commits.last.flatMap { $0.sequence == sequence && $0.account == target ? $0 : nil }
                    ?? VoluntaryCommit(transaction: transaction, sequence: sequence, time: entry.time, account: target,
                        units: [])
                let isNew = commit.units.isEmpty
                for block in movement.blocks { add(block, to: &commit.units) }
                if isNew { commits.append(commit) } else { commits[commits.count - 1] = commit }
            }
        }
    }

    private func recordInflow(_ entry: JournalEntry, _ movement: BlockMovement, sequence: Int64) {
        var issuance: IssuanceIdentifier?
        var transaction: TransactionIdentifier?
        switch entry.command {
        case .issue(let order): issuance = order.issuance
        case .commit(let id): transaction = id
        case .creditIncoming(let credit): transaction = credit.transaction
        default: break
        }
        var byKind: [CancelledUnits] = []
        for block in movement.blocks { add(block, to: &byKind) }
        for kind in byKind {
            inflows.append(
                FundInflow(
                    sequence: sequence, time: entry.time, operation: entry.operation, issuance: issuance,
                    transaction: transaction, unitType: kind.unitType,
                    originalCommitmentPeriod: kind.originalCommitmentPeriod,
                    applicableCommitmentPeriod: kind.applicableCommitmentPeriod, project: kind.project,
                    quantity: kind.quantity))
        }
    }

    /// Adds a block to the summary of its kind (unit type, periods, project), keeping its serial range.
    private func add(_ block: UnitBlock, to units: inout [CancelledUnits]) {
        let attributes = block.attributes
        if let index = units.firstIndex(where: {
            $0.unitType == attributes.unitType && $0.originalCommitmentPeriod == attributes.originalCommitmentPeriod
                && $0.applicableCommitmentPeriod == attributes.applicableCommitmentPeriod
                && $0.project == attributes.project
        }) {
            units[index].quantity = units[index].quantity.addingReportingOverflow(block.quantity).partialValue
            units[index].serials.append(block.range)
        } else {
            units.append(
                CancelledUnits(
                    unitType: attributes.unitType, originalCommitmentPeriod: attributes.originalCommitmentPeriod,
                    applicableCommitmentPeriod: attributes.applicableCommitmentPeriod, project: attributes.project,
                    quantity: block.quantity, serials: [block.range]))
        }
    }
}

import DES
import Foundation
import GRDB
import RegistryCore

/// What the registry simulator answers a request with, and what it then sends the ITL on its own.
public struct NationalRegistryReply: Sendable {
    public var response: DESResponse
    /// Notifications for the ITL, to send after the response (DES answers are asynchronous).
    public var toITL: [AcceptNotificationRequest]

    public init(response: DESResponse, toITL: [AcceptNotificationRequest] = []) {
        self.response = response
        self.toITL = toITL
    }
}

/// The national-registry simulator's logic: its own accounts, holdings and policy, in its own SQLite file.
///
/// Independent of the daemon's engine (DESIGN.md, `Simulators`): the acquiring-registry checks are written here
/// from DOMAIN.md section 4, and Party policy comes from a `PeerRuleBook` evaluated at the transaction's time on
/// this registry's clock (CH refusing CP1 units from 2015-04-30, GB closed from 2021-01-01: 5904).
public final class NationalRegistry: Sendable {
    public let code: RegistryCode
    public let path: String
    private let pool: DatabasePool
    /// The DES endpoint's writes: one flush for every message that arrived during the previous one.
    private let commits: GroupCommit
    private let rules: PeerRuleBook
    private let clock: @Sendable () -> Date

    /// Statuses kept per transaction: incoming ones (the ITL relayed them) and outgoing ones (proposed here).
    enum Direction: String { case incoming, outgoing }

    public init(
        code: RegistryCode, path: String, rules: PeerRuleBook, clock: @escaping @Sendable () -> Date = { Date() }
    ) throws(NationalRegistryError) {
        self.code = code
        self.path = path
        self.rules = rules
        self.clock = clock
        do {
            let pool: DatabasePool
            do {
                pool = try SimulatorDatabase.open(path: path, label: "NationalRegistry-\(code)")
            } catch SimulatorDatabase.DurabilityFailure.notDurable(let synchronous) {
                throw NationalRegistryError.notDurable(synchronous: synchronous, path: path)
            } catch SimulatorDatabase.DurabilityFailure.notWriteAheadLogged(let mode) {
                throw NationalRegistryError.database("\(path): journal mode is \(mode), not WAL")
            }
            try pool.write { db in
                try db.execute(
                    sql: """
                        CREATE TABLE IF NOT EXISTS account (
                            identifier INTEGER PRIMARY KEY NOT NULL, type INTEGER NOT NULL, open INTEGER NOT NULL,
                            eligibleUnitTypes TEXT NOT NULL);
                        CREATE TABLE IF NOT EXISTS holding (
                            account INTEGER NOT NULL REFERENCES account(identifier),
                            originatingRegistry TEXT NOT NULL, serialStart INTEGER NOT NULL,
                            serialEnd INTEGER NOT NULL, attributes TEXT NOT NULL, reservedBy TEXT,
                            PRIMARY KEY (originatingRegistry, serialStart));
                        CREATE TABLE IF NOT EXISTS registryTransaction (
                            identifier TEXT PRIMARY KEY NOT NULL, direction TEXT NOT NULL,
                            account INTEGER NOT NULL, blocks TEXT NOT NULL, status INTEGER NOT NULL,
                            responseCodes TEXT NOT NULL);
                        CREATE TABLE IF NOT EXISTS counter (
                            name TEXT PRIMARY KEY NOT NULL, value INTEGER NOT NULL);
                        """)
                // Releasing or debiting a proposal's blocks finds them by reservation, not by a scan of every
                // holding (which grows with every transfer received); added later, so IF NOT EXISTS.
                try db.execute(
                    sql: """
                        CREATE INDEX IF NOT EXISTS holdingByReservation ON holding (reservedBy)
                            WHERE reservedBy IS NOT NULL
                        """)
            }
            self.pool = pool
            self.commits = GroupCommit(pool: pool)
        } catch let error as NationalRegistryError {
            throw error
        } catch {
            throw .database("\(path): \(error)")
        }
    }

    // MARK: Accounts and holdings

    public func openAccount(_ account: NationalRegistryAccount) throws(NationalRegistryError) {
        try run {
            try pool.write { db in
                if try Self.account(db, account.identifier) != nil {
                    throw NationalRegistryError.accountExists(account.identifier)
                }
                try db.execute(
                    sql: "INSERT INTO account (identifier, type, open, eligibleUnitTypes) VALUES (?, ?, ?, ?)",
                    arguments: [
                        account.identifier, account.type.rawValue, account.isOpen,
                        account.eligibleUnitTypes.map { String($0.rawValue) }.sorted().joined(separator: ","),
                    ])
            }
        }
    }

    public func closeAccount(_ identifier: Int64) throws(NationalRegistryError) {
        try run {
            try pool.write { db in
                try db.execute(sql: "UPDATE account SET open = 0 WHERE identifier = ?", arguments: [identifier])
                guard db.changesCount == 1 else { throw NationalRegistryError.unknownAccount(identifier) }
            }
        }
    }

    public func account(_ identifier: Int64) throws(NationalRegistryError) -> NationalRegistryAccount? {
        try run { try pool.read { db in try Self.account(db, identifier) } }
    }

    /// The blocks an account holds, reserved ones included, in serial order.
    public func holdings(of account: Int64) throws(NationalRegistryError) -> [UnitBlock] {
        try run {
            try pool.read { db in
                try Row.fetchAll(
                    db, sql: "SELECT * FROM holding WHERE account = ? ORDER BY originatingRegistry, serialStart",
                    arguments: [account]
                ).map(Self.block)
            }
        }
    }

    /// Puts blocks into an account as the scenario's starting position (units this registry held before the
    /// simulation began; the ITL record is seeded with the same blocks).
    public func seed(_ blocks: [UnitBlock], into account: Int64) throws(NationalRegistryError) {
        try run {
            try pool.write { db in
                guard try Self.account(db, account) != nil else { throw NationalRegistryError.unknownAccount(account) }
                for (index, block) in blocks.enumerated() {
                    let clashes = blocks[..<index].contains {
                        $0.originatingRegistry == block.originatingRegistry && $0.range.overlaps(block.range)
                    }
                    if try clashes || Self.holdsAny(db, of: block) {
                        throw NationalRegistryError.unitsAlreadyHeld(block)
                    }
                    try Self.insert(db, block, account: account, reservedBy: nil)
                }
            }
        }
    }

    /// Every account, by identifier.
    public func accounts() throws(NationalRegistryError) -> [NationalRegistryAccount] {
        try run {
            try pool.read { db in
                try Int64.fetchAll(db, sql: "SELECT identifier FROM account ORDER BY identifier").compactMap {
                    try Self.account(db, $0)
                }
            }
        }
    }

    /// An account's blocks with the proposal reserving each (nil when free), in serial order.
    public func heldBlocks(of account: Int64) throws(NationalRegistryError) -> [NationalRegistryHolding] {
        try run {
            try pool.read { db in
                try Row.fetchAll(
                    db, sql: "SELECT * FROM holding WHERE account = ? ORDER BY originatingRegistry, serialStart",
                    arguments: [account]
                ).map { row in
                    let reservedBy: String? = row["reservedBy"]
                    return NationalRegistryHolding(
                        block: try Self.block(row), reservedBy: reservedBy.flatMap { try? TransactionIdentifier($0) })
                }
            }
        }
    }

    /// A transaction's status and response codes as this registry recorded them, nil when unknown.
    public func transactionRecord(_ identifier: TransactionIdentifier) throws(NationalRegistryError)
        -> (status: TransactionStatus, responseCodes: [DESResponseCode])?
    {
        try run {
            try pool.read { db in
                guard
                    let row = try Row.fetchOne(
                        db, sql: "SELECT status, responseCodes FROM registryTransaction WHERE identifier = ?",
                        arguments: [identifier.rawValue])
                else { return nil }
                guard let status = TransactionStatus(rawValue: row["status"]) else {
                    throw NationalRegistryError.corruptRow(table: "registryTransaction", detail: "status code")
                }
                let text: String = row["responseCodes"]
                return (status, Self.codes(text))
            }
        }
    }

    /// The status this registry has for a transaction, if it knows it.
    public func status(of identifier: TransactionIdentifier) throws(NationalRegistryError) -> TransactionStatus? {
        try run {
            try pool.read { db in
                try Int.fetchOne(
                    db, sql: "SELECT status FROM registryTransaction WHERE identifier = ?",
                    arguments: [identifier.rawValue]
                ).flatMap(TransactionStatus.init(rawValue:))
            }
        }
    }

    // MARK: Requests from the ITL

    /// Dispatches a request that arrived from the ITL; nil for operations the simulator does not serve yet.
    public func handle(_ request: DESRequest, authenticatedSender: RegistryCode?) throws(NationalRegistryError)
        -> NationalRegistryReply?
    {
        switch request {
        case .acceptProposal(let proposal): try receiveProposal(proposal, authenticatedSender)
        case .acceptNotification(let notification): try receiveNotification(notification, authenticatedSender)
        default: nil
        }
    }

    /// `handle` for the DES endpoint: the request's writes go into the next group commit, and the reply (with
    /// `afterCommit`, which queues its notifications in commit order) comes only once that commit is durable.
    public func handleGroupCommitted(
        _ request: DESRequest, authenticatedSender sender: RegistryCode?,
        afterCommit: @escaping @Sendable (NationalRegistryReply) -> Void
    ) async throws(NationalRegistryError) -> NationalRegistryReply? {
        let apply: @Sendable (Database) throws -> NationalRegistryReply
        switch request {
        case .acceptProposal(let proposal): apply = { db in try self.receiveProposal(db, proposal, sender) }
        case .acceptNotification(let notification):
            apply = { db in try self.receiveNotification(db, notification, sender) }
        default: return nil
        }
        do { return try await commits.write(apply, afterCommit: afterCommit) } catch let error
            as NationalRegistryError
        {
            throw error
        } catch {
            throw .database("\(path): \(error)")
        }
    }

    /// An external transfer into this registry, relayed by the ITL: runs the acquiring-registry checks and answers
    /// 8 Accepted or 6 Rejected with 5902/5903/5904/5906. A repeated proposal gets the first answer again.
    public func receiveProposal(_ proposal: AcceptProposalRequest, _ sender: RegistryCode?)
        throws(NationalRegistryError) -> NationalRegistryReply
    {
        try run { try pool.write { db in try self.receiveProposal(db, proposal, sender) } }
    }

    private func receiveProposal(_ db: Database, _ proposal: AcceptProposalRequest, _ sender: RegistryCode?) throws
        -> NationalRegistryReply
    {
        if let refusal = envelopeRefusal(proposal.from, proposal.to, proposal.majorVersion, proposal.minorVersion,
            sender)
        {
            return NationalRegistryReply(response: .acceptProposal(AcceptProposalResponse(result: .refused(refusal))))
        }
        let transaction = proposal.proposedTransaction
        let received = DESResponse.acceptProposal(AcceptProposalResponse(result: .received))
        let blocks = transaction.proposalUnitBlocks.map(\.block)
        let accountID =
            transaction.acquiringRegistryAccountIdentifier
            ?? transaction.proposalUnitBlocks.first?.acquiringAccountIdentifier
        let now = clock()
        let codes: [DESResponseCode] = try {
            if let previous = try Row.fetchOne(
                db.cachedStatement(sql: "SELECT responseCodes FROM registryTransaction WHERE identifier = ?"),
                arguments: [transaction.transactionIdentifier.rawValue])
            {
                let text: String = previous["responseCodes"]
                return Self.codes(text)
            }
            let codes = try self.acquiringChecks(db, transaction, accountID: accountID, blocks: blocks, at: now)
            try db.cachedStatement(
                sql: """
                    INSERT INTO registryTransaction (identifier, direction, account, blocks, status, responseCodes)
                    VALUES (?, ?, ?, ?, ?, ?)
                    """
            ).execute(
                arguments: [
                    transaction.transactionIdentifier.rawValue, Direction.incoming.rawValue, accountID ?? 0,
                    try Self.blocksText(blocks), (codes.isEmpty ? TransactionStatus.accepted : .rejected).rawValue,
                    codes.map { String($0.rawValue) }.joined(separator: ","),
                ])
            return codes
        }()
        let answer = notification(
            transaction.transactionIdentifier, codes.isEmpty ? .accepted : .rejected, party: 2,
            codes.map { DESEvaluationResult(responseCode: $0) })
        return NationalRegistryReply(response: received, toITL: [answer])
    }

    /// A status from the ITL: 4 credits an accepted incoming transfer; for this registry's own proposals 8 debits
    /// the reserved blocks and answers 4, while 3, 6 and 7 release them (3 is answered with 5 Terminated).
    public func receiveNotification(_ notification: AcceptNotificationRequest, _ sender: RegistryCode?)
        throws(NationalRegistryError) -> NationalRegistryReply
    {
        try run { try pool.write { db in try self.receiveNotification(db, notification, sender) } }
    }

    private func receiveNotification(
        _ db: Database, _ notification: AcceptNotificationRequest, _ sender: RegistryCode?
    ) throws -> NationalRegistryReply {
        func reply(_ result: DESResult, _ toITL: [AcceptNotificationRequest] = []) -> NationalRegistryReply {
            NationalRegistryReply(
                response: .acceptNotification(AcceptNotificationResponse(result: result)), toITL: toITL)
        }
        if let refusal = envelopeRefusal(
            notification.from, notification.to, notification.majorVersion, notification.minorVersion, sender)
        {
            return reply(.refused(refusal))
        }
        let id = notification.transactionIdentifier
        let incoming = notification.transactionStatus
        guard
            let row = try Row.fetchOne(
                db.cachedStatement(
                    sql: "SELECT status, direction, account, blocks FROM registryTransaction WHERE identifier = ?"),
                arguments: [id.rawValue]),
            let current = TransactionStatus(rawValue: row["status"]),
            let direction = Direction(rawValue: row["direction"])
        else { return reply(.refused([ITLRelay.unknownTransaction])) }
        if current.isFinal { return reply(.received) }
        let account: Int64 = row["account"]
        let blocksText: String = row["blocks"]
        switch (direction, current, incoming) {
        case (.incoming, .accepted, .completed):
            let blocks = try Self.decodeBlocks(blocksText)
            for block in blocks { try Self.insert(db, block, account: account, reservedBy: nil) }
            try Self.setStatus(db, id, .completed)
            return reply(.received)
        case (.incoming, .accepted, .terminated), (.incoming, .accepted, .cancelled):
            try Self.setStatus(db, id, incoming)
            return reply(.received)
        case (.outgoing, .proposed, .accepted):
            try db.cachedStatement(sql: "DELETE FROM holding WHERE reservedBy = ?").execute(arguments: [id.rawValue])
            try Self.setStatus(db, id, .completed)
            return reply(.received, [self.notification(id, .completed, party: 1, [])])
        case (.outgoing, .proposed, .rejected), (.outgoing, .proposed, .cancelled),
            (.outgoing, .proposed, .checkedDiscrepancy):
            try Self.release(db, id)
            let outcome: TransactionStatus = incoming == .checkedDiscrepancy ? .terminated : incoming
            try Self.setStatus(
                db, id, outcome, codes: notification.evaluationResult.map(\.responseCode))
            let answer = outcome == .terminated ? [self.notification(id, .terminated, party: 1, [])] : []
            return reply(.received, answer)
        default:
            return reply(.refused([ITLRelay.unexpectedStatus]))
        }
    }

    // MARK: Proposing

    /// Proposes an external transfer out of one of this registry's accounts: reserves the blocks (they can no
    /// longer move) and returns the acceptProposal for the ITL. The blocks are debited when the ITL relays 8.
    public func proposeTransfer(
        _ identifier: TransactionIdentifier, from account: Int64, blocks: [UnitBlock], to acquiring: RegistryCode,
        acquiringAccount: Int64, acquiringAccountType: AccountType
    ) throws(NationalRegistryError) -> AcceptProposalRequest {
        guard identifier.registry == code else { throw .transactionNotOurs(identifier, registry: code) }
        let transferring: NationalRegistryAccount = try run {
            try pool.write { db in
                let source = try Self.openSource(db, account)
                try self.recordOutgoing(db, identifier, account: account, blocks: blocks)
                return source
            }
        }
        return proposal(
            identifier, from: transferring, blocks: blocks, to: acquiring, acquiringAccount: acquiringAccount,
            acquiringAccountType: acquiringAccountType)
    }

    /// Proposes `quantity` units of an account: its unreserved blocks in serial order, the last one split if only
    /// part of it is needed. Without an identifier the next one from this registry's persisted counter is used
    /// (restarts never reuse one). Selection and reservation are one SQLite transaction.
    public func proposeTransfer(
        _ identifier: TransactionIdentifier?, from account: Int64, quantity: Int64, to acquiring: RegistryCode,
        acquiringAccount: Int64, acquiringAccountType: AccountType
    ) throws(NationalRegistryError) -> AcceptProposalRequest {
        guard quantity > 0 else { throw .invalidQuantity(quantity) }
        if let identifier, identifier.registry != code { throw .transactionNotOurs(identifier, registry: code) }
        let (chosen, transferring, blocks): (TransactionIdentifier, NationalRegistryAccount, [UnitBlock]) = try run {
            try pool.write { db in
                let source = try Self.openSource(db, account)
                let chosen = try identifier ?? self.nextIdentifier(db)
                let (blocks, remaining) = try Self.freeBlocks(db, of: account, quantity: quantity)
                guard remaining == 0 else {
                    throw NationalRegistryError.insufficientUnits(
                        account: account, requested: quantity, available: quantity - remaining)
                }
                try self.recordOutgoing(db, chosen, account: account, blocks: blocks)
                return (chosen, source, blocks)
            }
        }
        return proposal(
            chosen, from: transferring, blocks: blocks, to: acquiring, acquiringAccount: acquiringAccount,
            acquiringAccountType: acquiringAccountType)
    }

    /// Ends a proposal of this registry the ITL never took on (refused synchronously, or not delivered): releases
    /// its reservation and records it terminated (5) with the ITL's codes. A transaction no longer proposed is left.
    public func abandonProposal(_ identifier: TransactionIdentifier, codes: [DESResponseCode])
        throws(NationalRegistryError)
    {
        try run {
            try pool.write { db in
                guard
                    let row = try Row.fetchOne(
                        db, sql: "SELECT status, direction FROM registryTransaction WHERE identifier = ?",
                        arguments: [identifier.rawValue])
                else { throw NationalRegistryError.unknownTransaction(identifier) }
                let status = TransactionStatus(rawValue: row["status"]) ?? .proposed
                guard status == .proposed, row["direction"] == Direction.outgoing.rawValue else {
                    throw NationalRegistryError.transactionNotOpen(identifier, status: status)
                }
                try Self.release(db, identifier)
                try Self.setStatus(db, identifier, .terminated, codes: codes)
            }
        }
    }

    /// The first `quantity` free units of an account in serial order, the last block cut to fit, and how many
    /// were missing. Reads only as many rows as it takes (not every block the account ever received).
    private static func freeBlocks(_ db: Database, of account: Int64, quantity: Int64) throws
        -> (blocks: [UnitBlock], remaining: Int64)
    {
        let free = try Row.fetchCursor(
            db.cachedStatement(
                sql: """
                    SELECT * FROM holding WHERE account = ? AND reservedBy IS NULL
                    ORDER BY originatingRegistry, serialStart
                    """),
            arguments: [account])
        var remaining = quantity
        var blocks: [UnitBlock] = []
        while remaining > 0, let row = try free.next() {
            let block = try Self.block(row)
            if block.quantity <= remaining {
                blocks.append(block)
                remaining -= block.quantity
            } else {
                blocks.append(block.with(range: try block.range.split(taking: remaining).taken))
                remaining = 0
            }
        }
        return (blocks, remaining)
    }

    /// Frees the blocks a proposal of this registry reserved (it ended without moving them).
    private static func release(_ db: Database, _ id: TransactionIdentifier) throws {
        try db.cachedStatement(sql: "UPDATE holding SET reservedBy = NULL WHERE reservedBy = ?")
            .execute(arguments: [id.rawValue])
    }

    private static func openSource(_ db: Database, _ account: Int64) throws -> NationalRegistryAccount {
        guard let source = try Self.account(db, account) else { throw NationalRegistryError.unknownAccount(account) }
        guard source.isOpen else { throw NationalRegistryError.accountClosed(account) }
        return source
    }

    /// Reserves the blocks for the transaction and records it as proposed (outgoing).
    private func recordOutgoing(
        _ db: Database, _ identifier: TransactionIdentifier, account: Int64, blocks: [UnitBlock]
    ) throws {
        if try Self.isRecorded(db, identifier) { throw NationalRegistryError.duplicateTransaction(identifier) }
        for block in blocks { try Self.reserve(db, block, account: account, for: identifier) }
        try db.cachedStatement(
            sql: """
                INSERT INTO registryTransaction (identifier, direction, account, blocks, status, responseCodes)
                VALUES (?, ?, ?, ?, ?, '')
                """
        ).execute(
            arguments: [
                identifier.rawValue, Direction.outgoing.rawValue, account, try Self.blocksText(blocks),
                TransactionStatus.proposed.rawValue,
            ])
    }

    private static func isRecorded(_ db: Database, _ identifier: TransactionIdentifier) throws -> Bool {
        try Bool.fetchOne(
            db.cachedStatement(sql: "SELECT 1 FROM registryTransaction WHERE identifier = ?"),
            arguments: [identifier.rawValue]) ?? false
    }

    /// The next unused identifier `<code><n>` from the persisted counter.
    private func nextIdentifier(_ db: Database) throws -> TransactionIdentifier {
        var value =
            try Int64.fetchOne(db.cachedStatement(sql: "SELECT value FROM counter WHERE name = 'transaction'")) ?? 0
        while true {
            let (next, overflow) = value.addingReportingOverflow(1)
            guard !overflow else { throw NationalRegistryError.database("the transaction counter is exhausted") }
            value = next
            let identifier = try TransactionIdentifier("\(code.rawValue)\(value)")
            if try !Self.isRecorded(db, identifier) {
                try db.cachedStatement(sql: "INSERT OR REPLACE INTO counter (name, value) VALUES ('transaction', ?)")
                    .execute(arguments: [value])
                return identifier
            }
        }
    }

    private func proposal(
        _ identifier: TransactionIdentifier, from transferring: NationalRegistryAccount, blocks: [UnitBlock],
        to acquiring: RegistryCode, acquiringAccount: Int64, acquiringAccountType: AccountType
    ) -> AcceptProposalRequest {
        let account = transferring.identifier
        return AcceptProposalRequest(
            from: code, to: .itl, majorVersion: ITLChecks.majorVersion, minorVersion: ITLChecks.minorVersion,
            proposedTransaction: DESProposalTransaction(
                transactionIdentifier: identifier, transactionType: .externalTransfer, transferringRegistryCode: code,
                transferringRegistryAccountType: transferring.type, transferringRegistryAccountIdentifier: account,
                acquiringRegistryCode: acquiring, acquiringRegistryAccountType: acquiringAccountType,
                acquiringRegistryAccountIdentifier: acquiringAccount,
                proposalUnitBlocks: blocks.map {
                    DESTransactionUnitBlock(
                        block: $0, transferringAccountType: transferring.type, transferringAccountIdentifier: account,
                        acquiringAccountType: acquiringAccountType, acquiringAccountIdentifier: acquiringAccount)
                }))
    }

    // MARK: Checks

    /// The acquiring-registry checks of DOMAIN.md section 4. 5902 alone when the account is missing (nothing else
    /// can be judged); otherwise every finding: 5906 closed, 5903 not eligible, 5904 Party policy.
    private func acquiringChecks(
        _ db: Database, _ transaction: DESProposalTransaction, accountID: Int64?, blocks: [UnitBlock], at now: Date
    ) throws -> [DESResponseCode] {
        guard transaction.acquiringRegistryCode == code, let accountID, let account = try Self.account(db, accountID)
        else { return [.accountDoesNotExist] }
        var codes: [DESResponseCode] = []
        if !account.isOpen { codes.append(.accountClosed) }
        let typeMatches = transaction.acquiringRegistryAccountType.map { $0 == account.type } ?? true
        if !typeMatches || blocks.contains(where: { !account.eligibleUnitTypes.contains($0.attributes.unitType) }) {
            codes.append(.accountNotEligible)
        }
        let facts = TransactionRequestFacts(
            transactionType: transaction.transactionType, acquiringRegistry: code, unitBlocks: blocks)
        if case .refused(let refusal) = rules.evaluate(facts, at: now) {
            codes.append(refusal.responseCode.map { DESResponseCode($0) } ?? .inconsistentWithPartyPolicy)
        }
        return codes
    }

    /// Refusal codes for a message not from the ITL, not to this registry, or not DES 1.1.
    private func envelopeRefusal(
        _ from: RegistryCode, _ to: RegistryCode, _ major: Int, _ minor: Int, _ sender: RegistryCode?
    ) -> [DESResponseCode]? {
        if major != ITLChecks.majorVersion || minor != ITLChecks.minorVersion { return [.unsupportedVersion] }
        if from != .itl || sender != .itl { return [.senderMismatch] }
        if to != code { return [.wrongRecipient] }
        return nil
    }

    private func notification(
        _ id: TransactionIdentifier, _ status: TransactionStatus, party: Int, _ findings: [DESEvaluationResult]
    ) -> AcceptNotificationRequest {
        AcceptNotificationRequest(
            from: code, to: .itl, majorVersion: ITLChecks.majorVersion, minorVersion: ITLChecks.minorVersion,
            transactionIdentifier: id, transactionStatus: status, partyType: party, evaluationResult: findings)
    }

    // MARK: SQL helpers

    private static func reserve(_ db: Database, _ block: UnitBlock, account: Int64, for id: TransactionIdentifier)
        throws
    {
        let rows = try Row.fetchAll(
            db.cachedStatement(
                sql: """
                    SELECT * FROM holding WHERE originatingRegistry = ? AND serialStart <= ? AND serialEnd >= ?
                    ORDER BY serialStart
                    """),
            arguments: [block.originatingRegistry.rawValue, block.range.end, block.range.start])
        var held: [UnitBlock] = []
        for row in rows {
            let owner: Int64 = row["account"]
            let reservedBy: String? = row["reservedBy"]
            guard owner == account, reservedBy == nil else {
                throw NationalRegistryError.unitsNotAvailable(account: account, block: block)
            }
            held.append(try Self.block(row))
        }
        let covered = held.reduce(Int64(0)) { $0 + ($1.range.intersection(block.range)?.count ?? 0) }
        guard covered == block.quantity,
            held.allSatisfy({ $0.attributes.unitType == block.attributes.unitType })
        else { throw NationalRegistryError.unitsNotAvailable(account: account, block: block) }
        for piece in held {
            try db.cachedStatement(sql: "DELETE FROM holding WHERE originatingRegistry = ? AND serialStart = ?")
                .execute(arguments: [piece.originatingRegistry.rawValue, piece.range.start])
            for rest in piece.range.subtracting(block.range) {
                try insert(db, piece.with(range: rest), account: account, reservedBy: nil)
            }
            if let taken = piece.range.intersection(block.range) {
                try insert(db, piece.with(range: taken), account: account, reservedBy: id.rawValue)
            }
        }
    }

    /// True when some account of this registry already holds a serial of the block.
    private static func holdsAny(_ db: Database, of block: UnitBlock) throws -> Bool {
        try Bool.fetchOne(
            db,
            sql: """
                SELECT 1 FROM holding WHERE originatingRegistry = ? AND serialStart <= ? AND serialEnd >= ? LIMIT 1
                """,
            arguments: [block.originatingRegistry.rawValue, block.range.end, block.range.start]) ?? false
    }

    private static func account(_ db: Database, _ identifier: Int64) throws -> NationalRegistryAccount? {
        guard
            let row = try Row.fetchOne(
                db.cachedStatement(sql: "SELECT type, open, eligibleUnitTypes FROM account WHERE identifier = ?"),
                arguments: [identifier])
        else { return nil }
        let eligible: String = row["eligibleUnitTypes"]
        return NationalRegistryAccount(
            identifier: identifier, type: AccountType(row["type"] as Int), isOpen: row["open"],
            eligibleUnitTypes: Set(eligible.split(separator: ",").compactMap { Int($0).flatMap(UnitType.init) }))
    }

    private static func insert(_ db: Database, _ block: UnitBlock, account: Int64, reservedBy: String?) throws {
        try db.cachedStatement(
            sql: """
                INSERT INTO holding (account, originatingRegistry, serialStart, serialEnd, attributes, reservedBy)
                VALUES (?, ?, ?, ?, ?, ?)
                """
        ).execute(
            arguments: [
                account, block.originatingRegistry.rawValue, block.range.start, block.range.end,
                String(decoding: try JSONEncoder().encode(block.attributes), as: UTF8.self), reservedBy,
            ])
    }

    private static func block(_ row: Row) throws -> UnitBlock {
        let text: String = row["attributes"]
        do {
            return UnitBlock(
                range: try SerialRange(row["serialStart"], row["serialEnd"]),
                attributes: try JSONDecoder().decode(UnitAttributes.self, from: Data(text.utf8)))
        } catch {
            throw NationalRegistryError.corruptRow(table: "holding", detail: "\(error)")
        }
    }

    /// Sets a transaction's status; `codes`, when given, replace the recorded response codes (why it ended).
    private static func setStatus(
        _ db: Database, _ id: TransactionIdentifier, _ status: TransactionStatus, codes: [DESResponseCode]? = nil
    ) throws {
        try db.cachedStatement(sql: "UPDATE registryTransaction SET status = ? WHERE identifier = ?")
            .execute(arguments: [status.rawValue, id.rawValue])
        if let codes {
            try db.cachedStatement(sql: "UPDATE registryTransaction SET responseCodes = ? WHERE identifier = ?")
                .execute(arguments: [codes.map { String($0.rawValue) }.joined(separator: ","), id.rawValue])
        }
    }

    private static func codes(_ text: String) -> [DESResponseCode] {
        text.split(separator: ",").compactMap { Int($0).map { DESResponseCode($0) } }
    }

    private static func blocksText(_ blocks: [UnitBlock]) throws -> String {
        String(decoding: try JSONEncoder().encode(blocks), as: UTF8.self)
    }

    private static func decodeBlocks(_ text: String) throws -> [UnitBlock] {
        do { return try JSONDecoder().decode([UnitBlock].self, from: Data(text.utf8)) } catch {
            throw NationalRegistryError.corruptRow(table: "registryTransaction", detail: "\(error)")
        }
    }

    private func run<T>(_ body: () throws -> T) throws(NationalRegistryError) -> T {
        do { return try body() } catch let error as NationalRegistryError { throw error } catch {
            throw .database("\(path): \(error)")
        }
    }
}

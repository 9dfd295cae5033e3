import GRDB

/// Group commit for a simulator's SQLite file: the writes of every message that arrives while the previous flush
/// runs go into the next SQLite transaction together, one flush for all of them, and each caller is answered only
/// after the commit that holds its write (acknowledged means durable, as with one commit per message).
///
/// Each write runs in its own savepoint (`Savepoint`, compiled once), so a message whose write fails rolls back
/// alone and gets its own error; a failed commit fails every write of the batch. Writes run one after the other
/// on GRDB's writer queue in the order they were submitted, each seeing the writes before it, so the outcome is
/// the one-at-a-time outcome; the flush itself never blocks a Swift concurrency thread. `afterCommit` hooks run on
/// the writer queue in the same order once the commit succeeded, before the callers resume: what a message
/// triggers (outbound messages) is queued in commit order and before its caller is answered.
final class GroupCommit: Sendable {
    private struct Pending: Sendable {
        /// Runs the write inside the batch's transaction and returns how to finish once the commit is known.
        let run: @Sendable (Database) -> @Sendable ((any Error)?) -> Void
        /// Answers the caller when its write never ran (the transaction could not begin).
        let fail: @Sendable (any Error) -> Void
    }

    private let pool: DatabasePool
    /// Bounds one transaction (and the time the first caller of a batch waits for the last write in it).
    private let maximumBatch: Int
    private let state = Protected<(queue: [Pending], isWriting: Bool)>(([], false))

    init(pool: DatabasePool, maximumBatch: Int = 128) {
        self.pool = pool
        self.maximumBatch = max(1, maximumBatch)
    }

    /// Runs `work` in the next batch and returns its value once the batch is durable.
    func write<T: Sendable>(
        _ work: @escaping @Sendable (Database) throws -> T, afterCommit: @escaping @Sendable (T) -> Void = { _ in }
    ) async throws -> T {
        try await withCheckedThrowingContinuation { (continuation: CheckedContinuation<T, any Error>) in
            let pending = Pending(run: { db in
                let outcome: Result<T, any Error>
                do {
                    outcome = .success(try Savepoint.run(db) { try work(db) })
                } catch {
                    outcome = .failure(error)
                }
                return { commitFailure in
                    if let commitFailure {
                        continuation.resume(throwing: commitFailure)
                        return
                    }
                    if case .success(let value) = outcome { afterCommit(value) }
                    continuation.resume(with: outcome)
                }
            }, fail: { continuation.resume(throwing: $0) })
            let startsWriter = state.withLock { state -> Bool in
                state.queue.append(pending)
                guard !state.isWriting else { return false }
                state.isWriting = true
                return true
            }
            if startsWriter { pool.asyncWriteWithoutTransaction { [self] db in drain(db) } }
        }
    }

    /// Commits batches until nothing is waiting; runs on the writer queue.
    private func drain(_ db: Database) {
        while true {
            let batch = state.withLock { state -> [Pending] in
                let taken = Array(state.queue.prefix(maximumBatch))
                state.queue.removeFirst(taken.count)
                if taken.isEmpty { state.isWriting = false }
                return taken
            }
            if batch.isEmpty { return }
            var finishers: [@Sendable ((any Error)?) -> Void] = []
            finishers.reserveCapacity(batch.count)
            var commitFailure: (any Error)?
            do {
                try db.inTransaction(.immediate) {
                    for pending in batch { finishers.append(pending.run(db)) }
                    return .commit
                }
            } catch {
                commitFailure = error
            }
            for finish in finishers { finish(commitFailure) }
            // The transaction could not begin (or ended early): the writes that never ran fail with its error.
            for pending in batch.dropFirst(finishers.count) { pending.fail(commitFailure ?? GroupCommitError.noValue) }
        }
    }
}

/// A batched write that produced no value (its transaction ended before it ran).
enum GroupCommitError: Error, CustomStringConvertible {
    case noValue

    var description: String { "the group commit ended before this write ran" }
}

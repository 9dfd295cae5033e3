extension TransactionStateMachine {
    /// The persistent form of a transaction's machine: what the engine stores and restores after a restart.
    public struct Snapshot: Hashable, Sendable {
        public var transaction: TransactionIdentifier
        public var flow: TransactionFlow
        public var state: TransactionState
        public var deadline: C.Instant?
        public var responseCodes: [Int]

        public init(
            transaction: TransactionIdentifier, flow: TransactionFlow, state: TransactionState,
            deadline: C.Instant?, responseCodes: [Int]
        ) {
            self.transaction = transaction
            self.flow = flow
            self.state = state
            self.deadline = deadline
            self.responseCodes = responseCodes
        }
    }

    public var snapshot: Snapshot {
        Snapshot(transaction: transaction, flow: flow, state: state, deadline: deadline, responseCodes: responseCodes)
    }

    /// Resumes a stored transaction; a snapshot that no sequence of events could produce is refused.
    public init(restoring snapshot: Snapshot, timeouts: TransactionTimeouts = .standard)
        throws(TransactionSnapshotError)
    {
        guard snapshot.flow.reachableStates.contains(snapshot.state) else {
            throw .unreachableState(snapshot.transaction, snapshot.flow, snapshot.state)
        }
        let waits = snapshot.state.wait != nil
        guard waits == (snapshot.deadline != nil) else {
            throw .deadlineMismatch(snapshot.transaction, snapshot.state, hasDeadline: snapshot.deadline != nil)
        }
        self.init(
            transaction: snapshot.transaction, flow: snapshot.flow, timeouts: timeouts, state: snapshot.state,
            deadline: snapshot.deadline, responseCodes: snapshot.responseCodes)
    }
}

extension TransactionStateMachine.Snapshot: Codable where C.Instant: Codable {}

/// A stored transaction state that cannot be resumed.
public enum TransactionSnapshotError: Error, Hashable, Sendable, CustomStringConvertible {
    case unreachableState(TransactionIdentifier, TransactionFlow, TransactionState)
    case deadlineMismatch(TransactionIdentifier, TransactionState, hasDeadline: Bool)

    public var description: String {
        switch self {
        case .unreachableState(let id, let flow, let state):
            "transaction \(id): a \(flow) transaction cannot be in state '\(state)'"
        case .deadlineMismatch(let id, let state, let hasDeadline):
            hasDeadline
                ? "transaction \(id): state '\(state)' runs no timeout but the snapshot has a deadline"
                : "transaction \(id): state '\(state)' needs a deadline but the snapshot has none"
        }
    }
}

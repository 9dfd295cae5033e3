import Foundation
import RegistryCore

/// Why the engine refused an operator's request or an event; nothing was changed.
public enum EngineError: Error, Sendable, CustomStringConvertible {
    /// A peer rule forbids the transaction at its time (checked before anything is reserved).
    case ruleRefused(RuleRefusal)
    /// The ledger refused the operation (insufficient units, unknown account, ...).
    case ledger(LedgerError)
    case unknownTransaction(TransactionIdentifier)
    /// The state machine refused the event in the transaction's current state.
    case refused(TransactionIdentifier, TransactionEventRefusal)
    /// The request itself is not meaningful (names what is wrong).
    case invalidRequest(String)
    /// A stored transaction cannot be read back.
    case corruptTransaction(TransactionIdentifier, String)
    /// The store failed; the step was rolled back.
    case store(String)
    /// An inconsistent reconciliation holds new transactions to the ITL until an operator clears it.
    case heldByReconciliation(String)

    public var description: String {
        switch self {
        case .ruleRefused(let refusal): "\(refusal)"
        case .ledger(let error): "ledger: \(error)"
        case .unknownTransaction(let id): "transaction \(id) does not exist"
        case .refused(let id, let refusal): "transaction \(id): \(refusal)"
        case .invalidRequest(let problem): "invalid request: \(problem)"
        case .corruptTransaction(let id, let problem): "stored transaction \(id) cannot be read: \(problem)"
        case .store(let problem): "store: \(problem)"
        case .heldByReconciliation(let problem): problem
        }
    }

    /// A stable code for the admin socket.
    public var code: String {
        switch self {
        case .ruleRefused: "rule-refused"
        case .ledger: "ledger-refused"
        case .unknownTransaction: "unknown-transaction"
        case .refused: "transition-refused"
        case .invalidRequest: "invalid-request"
        case .corruptTransaction: "corrupt-transaction"
        case .store: "store-failure"
        case .heldByReconciliation: "held-by-reconciliation"
        }
    }

    static func wrapping(_ error: any Error) -> EngineError {
        switch error {
        case let error as EngineError: error
        case let error as LedgerError: .ledger(error)
        default: .store("\(error)")
        }
    }
}

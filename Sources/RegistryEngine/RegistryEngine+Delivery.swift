import DES
import Foundation
import RegistryCore
import RegistryStore

extension RegistryEngine {
    /// The peer answered an outbox message. Proposal and status-query answers are events for the transaction and
    /// are applied in the same store transaction that removes the message; a notification's acknowledgement only
    /// removes it.
    public func delivered(_ message: OutboxMessage, reply: DESReply) async throws(EngineError) {
        guard let messageID = message.id else { return }
        guard let id = message.transaction, let operation = DESOperation(rawValue: message.operation) else {
            // No transaction to move (reconciliation answers, messages): a refusal or fault is only reported.
            switch reply {
            case .fault(let fault):
                logger.error("the ITL answered \(message.operation) with a fault, message dropped: \(fault)")
            case .response(let response):
                if let answer = response.message as? any DESResultResponse, !answer.result.isReceived {
                    let codes = (answer.result.responseCodes ?? []).map(\.rawValue)
                    logger.warning("the ITL refused our \(message.operation): \(codes)")
                }
            default: break
            }
            await acknowledge(messageID)
            return
        }
        switch (operation, reply) {
        case (.acceptProposal, .response(.acceptProposal(let response))):
            let codes = (response.result.responseCodes ?? []).map(\.rawValue)
            if response.result.isReceived {
                try await transition(id, .proposalAcknowledged, describe: "ITL received the proposal",
                    acknowledging: messageID)
            } else if codes == [Self.identifierAlreadyLogged.rawValue] {
                // Our first delivery reached the ITL but its answer was lost: the ITL has the proposal.
                try await transition(
                    id, .proposalAcknowledged, describe: "ITL already holds the proposal (5002)",
                    acknowledging: messageID)
            } else {
                try await transition(
                    id, .proposalRefused(responseCodes: codes), describe: "ITL refused the proposal \(codes)",
                    acknowledging: messageID)
            }
        case (.getTransactionStatus, .response(.getTransactionStatus(let response))):
            let codes = (response.responseCodes ?? []).map(\.rawValue)
            let status: TransactionStatus? = response.resultIdentifier == 1 ? response.transactionStatus : nil
            try await transition(
                id, .statusAnswered(status, responseCodes: codes),
                describe: status.map { "ITL reports status \($0.rawValue) \($0)" } ?? "ITL does not know it \(codes)",
                acknowledging: messageID)
        case (.acceptNotification, .response(.acceptNotification(let response))):
            if !response.result.isReceived {
                logger.warning(
                    "\(id): ITL refused our notification: \((response.result.responseCodes ?? []).map(\.rawValue))")
            }
            await acknowledge(messageID)
        case (_, .fault(let fault)):
            // A Client fault will not succeed on retry: the message is dropped, loudly, and the transaction's timer
            // (status query, then cancellation) decides its fate.
            logger.error("\(id): the ITL answered \(operation) with a fault, message dropped: \(fault)")
            await acknowledge(messageID)
        default:
            logger.error("\(id): unexpected answer to \(operation): \(reply)")
            await acknowledge(messageID)
        }
    }

    /// The ITL's code for a transaction identifier it has already logged (ITL simulator; docs/PROTOCOL.md).
    public static let identifierAlreadyLogged = DESResponseCode(5002)

    /// Removes a delivered message that moves no transaction. Through the group commit like any step: a write
    /// transaction of its own would hold the actor for a whole durable flush (measured: one per transfer, the
    /// notification's acknowledgement, was enough to make the actor the end-to-end bottleneck).
    func acknowledge(_ id: Int64) async {
        let step = EngineStep(
            time: clock.now.date, commands: [], transaction: nil, event: "delivered", acknowledgedOutbox: id)
        if case .failure(let error) = await committer.submit(step) {
            logger.error("outbox \(id) not removed: \(error)")
        }
    }

    // MARK: Timers

    /// Fires every timeout that is due at the registry's current time; returns the transactions it touched.
    @discardableResult
    public func fireDueTimeouts() async -> [TransactionIdentifier] {
        let now = clock.now
        let due = live.filter { ($0.value.machine.deadline.map { $0 <= now }) ?? false }.keys.sorted()
        var fired: [TransactionIdentifier] = []
        for id in due {
            do {
                let outcome = try await transition(id, .timeoutFired(at: now), describe: "timeout fired")
                if case .applied = outcome { fired.append(id) }
            } catch {
                logger.error("\(id): timeout not applied: \(error)")
            }
        }
        return fired
    }
}

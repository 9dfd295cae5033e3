/// The life of one transaction as a pure value: every event returns the actions the engine must perform.
///
/// Shaped like postgres-nio's `ConnectionStateMachine`: no I/O and no clock reads. Instants come in with the events
/// that need them, so a test clock can replay 24-hour timeouts in microseconds. The engine persists `snapshot`
/// in the same store transaction as the actions' ledger changes and restores it after a restart.
public struct TransactionStateMachine<C: Clock>: Sendable where C.Duration == Duration {
    public let transaction: TransactionIdentifier
    public let flow: TransactionFlow
    public let timeouts: TransactionTimeouts
    public private(set) var state: TransactionState
    /// When the running timeout falls due; set exactly while the state is `waiting` or `querying`.
    public private(set) var deadline: C.Instant?
    /// Every DES response code received or sent for this transaction, in order.
    public private(set) var responseCodes: [Int]

    public init(transaction: TransactionIdentifier, flow: TransactionFlow, timeouts: TransactionTimeouts = .standard) {
        self.init(
            transaction: transaction, flow: flow, timeouts: timeouts, state: .created, deadline: nil, responseCodes: [])
    }

    /// Restoring goes through `init(restoring:timeouts:)`, which validates the parts first.
    init(
        transaction: TransactionIdentifier, flow: TransactionFlow, timeouts: TransactionTimeouts,
        state: TransactionState, deadline: C.Instant?, responseCodes: [Int]
    ) {
        self.transaction = transaction
        self.flow = flow
        self.timeouts = timeouts
        self.state = state
        self.deadline = deadline
        self.responseCodes = responseCodes
    }

    // MARK: Events

    /// Applies one event. Final transactions ignore everything (DES), except an operator cancel, which is refused.
    public mutating func handle(_ event: Event) -> Outcome {
        if case .final(let status) = state {
            if case .operatorCancelled = event { return .refused(.alreadyFinal(status)) }
            return .ignored(.alreadyFinal(status))
        }
        switch event {
        case .proposalCreated(let now): return onProposalCreated(at: now)
        case .proposalAcknowledged: return onProposalAcknowledged()
        case .proposalRefused(let codes): return onProposalRefused(responseCodes: codes)
        case .sendFailed: return onSendFailed()
        case .notified(let status, let codes): return statusReceived(status, responseCodes: codes, fromQuery: false)
        case .timeoutFired(let now): return onTimeoutFired(at: now)
        case .statusAnswered(let status, let codes): return onStatusAnswered(status, responseCodes: codes)
        case .incomingProposalChecked(let result, let now): return onIncomingProposalChecked(result, at: now)
        case .operatorCancelled: return onOperatorCancelled()
        }
    }

    /// An operator created the proposal (rules were checked before): reserve, propose to the ITL, start the clock.
    public mutating func proposalCreated(at now: C.Instant) -> Outcome { handle(.proposalCreated(at: now)) }

    /// The ITL answered our `acceptProposal` with `resultIdentifier` 1 (received).
    public mutating func proposalAcknowledged() -> Outcome { handle(.proposalAcknowledged) }

    /// The ITL answered our `acceptProposal` with `resultIdentifier` 0: it will not process it; we terminate.
    public mutating func proposalRefused(responseCodes: [Int]) -> Outcome {
        handle(.proposalRefused(responseCodes: responseCodes))
    }

    /// A message for this transaction could not be delivered; the outbox retries it, the transaction stays.
    public mutating func sendFailed() -> Outcome { handle(.sendFailed) }

    /// An `acceptNotification` from the ITL with a status and its evaluation result codes.
    public mutating func notified(_ status: TransactionStatus, responseCodes: [Int] = []) -> Outcome {
        handle(.notified(status, responseCodes: responseCodes))
    }

    /// The transaction's timer fired. First the ITL is asked for the status; the second time we cancel (7).
    public mutating func timeoutFired(at now: C.Instant) -> Outcome { handle(.timeoutFired(at: now)) }

    /// The ITL answered `getTransactionStatus`: nil when it does not know the transaction (`resultIdentifier` 0).
    public mutating func statusAnswered(_ status: TransactionStatus?, responseCodes: [Int] = []) -> Outcome {
        handle(.statusAnswered(status, responseCodes: responseCodes))
    }

    /// Acquiring side: our own checks of an incoming `acceptProposal` ran; answer 8 Accepted or 6 Rejected.
    public mutating func incomingProposalChecked(_ result: AcquiringCheckResult, at now: C.Instant) -> Outcome {
        handle(.incomingProposalChecked(result, at: now))
    }

    /// An operator withdrew the proposal; the ITL is told (status 7) so it does not relay an acceptance.
    public mutating func operatorCancelled() -> Outcome { handle(.operatorCancelled) }

    // MARK: Event handling

    private mutating func onProposalCreated(at now: C.Instant) -> Outcome {
        guard flow.isProposer else { return .refused(.onlyForProposingRegistry) }
        guard case .created = state else { return .ignored(.duplicate) }
        if flow == .internalTransfer {
            state = .final(.completed)
            return .applied([.reserveUnits, .commitReservation, .finished(.completed)])
        }
        let due = now.advanced(by: timeouts.untilStatusQuery)
        state = .waiting(.awaitingITLAcknowledgement)
        deadline = due
        return .applied((flow.reservesUnits ? [.reserveUnits] : []) + [.sendProposal, .scheduleTimeout(at: due)])
    }

    // The ITL answered our `acceptProposal` with `resultIdentifier` 1 (received).
    private mutating func onProposalAcknowledged() -> Outcome {
        if let refusal = proposerMessageRefusal() { return .refused(refusal) }
        switch state {
        case .waiting(.awaitingITLAcknowledgement): state = .waiting(.awaitingITLCheck)
        case .querying(.awaitingITLAcknowledgement): state = .querying(.awaitingITLCheck)
        default: return .ignored(.duplicate)
        }
        return .applied([])
    }

    // The ITL answered our `acceptProposal` with `resultIdentifier` 0: it will not process it; we terminate.
    private mutating func onProposalRefused(responseCodes codes: [Int]) -> Outcome {
        if let refusal = proposerMessageRefusal() { return .refused(refusal) }
        guard state.wait == .awaitingITLAcknowledgement else { return .refused(.alreadyAcknowledged) }
        return finish(.terminated, ledger: releaseIfReserved, responseCodes: codes)
    }

    // A message for this transaction could not be delivered; the outbox retries it, the transaction stays.
    private mutating func onSendFailed() -> Outcome {
        guard flow.involvesITL else { return .refused(.notSentToITL) }
        guard state != .created else { return .refused(.noProposalYet) }
        return .applied([])
    }

    // The transaction's timer fired. First the ITL is asked for the status; the second time we cancel (7).
    private mutating func onTimeoutFired(at now: C.Instant) -> Outcome {
        guard let due = deadline, let wait = state.wait else { return .ignored(.noTimeoutScheduled) }
        guard now >= due else { return .ignored(.timeoutNotDue) }
        if case .waiting = state {
            let next = now.advanced(by: timeouts.afterStatusQuery)
            state = .querying(wait)
            deadline = next
            return .applied([.queryTransactionStatus, .scheduleTimeout(at: next)])
        }
        // The timer has just fired, so there is nothing left to cancel.
        deadline = nil
        return finish(
            .cancelled, ledger: releaseIfReserved, responseCodes: [],
            notify: timeouts.reportsCancellationToITL ? .cancelled : nil)
    }

    // The ITL answered `getTransactionStatus`: nil when it does not know the transaction (`resultIdentifier` 0).
    private mutating func onStatusAnswered(_ status: TransactionStatus?, responseCodes codes: [Int]) -> Outcome {
        guard flow.involvesITL else { return .refused(.notSentToITL) }
        switch state {
        case .created: return .refused(.noProposalYet)
        case .waiting: return .refused(.noStatusQueryOutstanding)
        case .querying, .final: break
        }
        // Unknown to the ITL: the second deadline decides, so that a late proposal delivery can still succeed.
        guard let status else { return .applied([]) }
        return statusReceived(status, responseCodes: codes, fromQuery: true)
    }

    // Acquiring side: our own checks of an incoming `acceptProposal` ran; answer 8 Accepted or 6 Rejected.
    private mutating func onIncomingProposalChecked(_ result: AcquiringCheckResult, at now: C.Instant) -> Outcome {
        guard flow == .acquiring else { return .refused(.onlyForAcquiringRegistry) }
        // A repeated proposal with the same identifier must not create a second transaction.
        guard case .created = state else { return .ignored(.duplicate) }
        switch result {
        case .accept:
            let due = now.advanced(by: timeouts.untilStatusQuery)
            state = .waiting(.awaitingCompletion)
            deadline = due
            return .applied([.sendNotification(.accepted, responseCodes: []), .scheduleTimeout(at: due)])
        case .reject(let reasons):
            guard !reasons.isEmpty else { return .refused(.rejectionWithoutReason) }
            return finish(.rejected, ledger: [], responseCodes: reasons.map(\.rawValue), notify: .rejected)
        }
    }

    // An operator withdrew the proposal; the ITL is told (status 7) so it does not relay an acceptance.
    private mutating func onOperatorCancelled() -> Outcome {
        if case .final(let status) = state { return .refused(.alreadyFinal(status)) }
        guard flow.isProposer else { return .refused(.acquiringRegistryCannotCancel) }
        if case .created = state {
            state = .final(.cancelled)
            return .applied([.finished(.cancelled)])
        }
        return finish(
            .cancelled, ledger: releaseIfReserved, responseCodes: [],
            notify: timeouts.reportsCancellationToITL ? .cancelled : nil)
    }

    // MARK: Status handling

    private mutating func statusReceived(_ status: TransactionStatus, responseCodes codes: [Int], fromQuery: Bool)
        -> Outcome
    {
        if case .final(let current) = state { return .ignored(.alreadyFinal(current)) }
        guard flow.involvesITL else { return .refused(.notSentToITL) }
        guard let wait = state.wait else { return .refused(.noProposalYet) }
        return flow.isProposer
            ? proposerStatus(status, responseCodes: codes, wait: wait, fromQuery: fromQuery)
            : acquirerStatus(status, responseCodes: codes, fromQuery: fromQuery)
    }

    private mutating func proposerStatus(
        _ status: TransactionStatus, responseCodes codes: [Int], wait: TransactionWait, fromQuery: Bool
    ) -> Outcome {
        switch status {
        case .proposed:
            // Only a status answer says "proposed": the ITL has it, so our acknowledgement was merely lost.
            guard fromQuery else { return .refused(.unexpectedStatus(status)) }
            if wait == .awaitingITLAcknowledgement { move(to: .awaitingITLCheck) }
            return .applied([])
        case .checkedNoDiscrepancy:
            if flow.hasAcquiringRegistry {
                if wait == .awaitingAcquiringRegistry { return fromQuery ? .applied([]) : .ignored(.duplicate) }
                move(to: .awaitingAcquiringRegistry)
                return .applied([])
            }
            // One-registry types are final once the ITL found no discrepancy: book them and report 4 Completed.
            let ledger: [Action] = flow == .issuance ? [.creditUnits] : [.commitReservation]
            return finish(.completed, ledger: ledger, responseCodes: codes, notify: .completed)
        case .checkedDiscrepancy:
            guard wait != .awaitingAcquiringRegistry else {
                return .refused(.statusOutOfOrder(status, after: .checkedNoDiscrepancy))
            }
            return finish(.terminated, ledger: releaseIfReserved, responseCodes: codes)
        case .completed:
            // The proposer reports 4 itself after debiting; it never receives it.
            return .refused(.unexpectedStatus(status))
        case .terminated, .cancelled:
            return finish(status, ledger: releaseIfReserved, responseCodes: codes)
        case .rejected:
            guard flow.hasAcquiringRegistry else { return .refused(.noAcquiringRegistry(status)) }
            return finish(.rejected, ledger: releaseIfReserved, responseCodes: codes)
        case .accepted:
            guard flow.hasAcquiringRegistry else { return .refused(.noAcquiringRegistry(status)) }
            return finish(.completed, ledger: [.commitReservation], responseCodes: codes, notify: .completed)
        }
    }

    private mutating func acquirerStatus(_ status: TransactionStatus, responseCodes codes: [Int], fromQuery: Bool)
        -> Outcome
    {
        switch status {
        case .completed: return finish(.completed, ledger: [.creditUnits], responseCodes: codes)
        case .terminated, .cancelled: return finish(status, ledger: [], responseCodes: codes)
        case .accepted: return fromQuery ? .applied([]) : .ignored(.duplicate)
        case .rejected: return .refused(.statusOutOfOrder(status, after: .accepted))
        case .proposed, .checkedNoDiscrepancy, .checkedDiscrepancy:
            return fromQuery
                ? .refused(.statusOutOfOrder(status, after: .accepted)) : .refused(.unexpectedStatus(status))
        }
    }

    // MARK: Helpers

    /// Why an acknowledgement or refusal of our proposal cannot apply, if it cannot.
    private func proposerMessageRefusal() -> TransactionEventRefusal? {
        guard flow.isProposer else { return .onlyForProposingRegistry }
        guard flow.involvesITL else { return .notSentToITL }
        guard state != .created else { return .noProposalYet }
        return nil
    }

    private var releaseIfReserved: [Action] { flow.reservesUnits ? [.releaseReservation] : [] }

    /// Keeps whether the ITL was already asked, so the second deadline still applies after progress.
    private mutating func move(to wait: TransactionWait) {
        if case .querying = state { state = .querying(wait) } else { state = .waiting(wait) }
    }

    /// Ends the transaction: ledger actions, then codes, the notification to the ITL, the timer, the final status.
    private mutating func finish(
        _ status: TransactionStatus, ledger: [Action], responseCodes codes: [Int], notify: TransactionStatus? = nil
    ) -> Outcome {
        var actions = ledger
        if !codes.isEmpty {
            actions.append(.recordResponseCodes(codes))
            responseCodes.append(contentsOf: codes)
        }
        if let notify { actions.append(.sendNotification(notify, responseCodes: notify == .rejected ? codes : [])) }
        if deadline != nil { actions.append(.cancelTimeout) }
        actions.append(.finished(status))
        state = .final(status)
        deadline = nil
        return .applied(actions)
    }
}

extension TransactionStateMachine {
    /// Everything that can happen to a transaction, as data (for tables, replay and logging).
    public enum Event: Hashable, Sendable {
        /// An operator proposed the transaction (issuance, forwarding, transfer, cancellation).
        case proposalCreated(at: C.Instant)
        /// The ITL's synchronous reply to `acceptProposal`: `resultIdentifier` 1.
        case proposalAcknowledged
        /// The ITL's synchronous reply to `acceptProposal`: `resultIdentifier` 0 with response codes.
        case proposalRefused(responseCodes: [Int])
        /// An outbound message could not be delivered (the outbox retries it).
        case sendFailed
        /// ITL `acceptNotification` with a status and evaluation result codes.
        case notified(TransactionStatus, responseCodes: [Int])
        /// The transaction's timer fired at the given instant.
        case timeoutFired(at: C.Instant)
        /// The ITL answered `getTransactionStatus`; nil when it does not know the transaction.
        case statusAnswered(TransactionStatus?, responseCodes: [Int])
        /// Acquiring side: an incoming proposal for one of our accounts went through our own checks.
        case incomingProposalChecked(AcquiringCheckResult, at: C.Instant)
        /// An operator cancelled the transaction.
        case operatorCancelled
    }

    /// What the engine must do, in order, inside one store transaction (sends go through the outbox).
    public enum Action: Hashable, Sendable {
        /// Reserve the transaction's blocks in the source account so nothing else can use them.
        case reserveUnits
        /// Debit: move the reserved blocks to their destination (another registry, a cancellation or local account).
        case commitReservation
        /// Give the reserved blocks back to the source account.
        case releaseReservation
        /// Credit the transaction's blocks: newly issued units into the pending account, or incoming units.
        case creditUnits
        /// Send `acceptProposal` to the ITL.
        case sendProposal
        /// Send `acceptNotification` with this status (and codes, for 6 Rejected) to the ITL.
        case sendNotification(TransactionStatus, responseCodes: [Int])
        /// Ask the ITL `getTransactionStatus`.
        case queryTransactionStatus
        /// Arm the transaction's timer, replacing any earlier one.
        case scheduleTimeout(at: C.Instant)
        /// Disarm the transaction's timer.
        case cancelTimeout
        /// Store these DES response codes with the transaction.
        case recordResponseCodes([Int])
        /// The transaction reached this final status.
        case finished(TransactionStatus)
    }

    /// The result of one event.
    public enum Outcome: Hashable, Sendable {
        /// The event applies: perform these actions (possibly none) and persist the new snapshot.
        case applied([Action])
        /// Acknowledge the message and do nothing.
        case ignored(TransactionEventIgnored)
        /// The event cannot apply here; nothing changed.
        case refused(TransactionEventRefusal)

        public var actions: [Action] {
            if case .applied(let actions) = self { return actions }
            return []
        }
    }
}

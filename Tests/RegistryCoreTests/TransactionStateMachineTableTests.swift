import Testing

@testable import RegistryCore

/// Every event in every reachable state of every flow, with its expected outcome.
///
/// The rows are the specification; `tableCoversEveryStateAndEventExactlyOnce` fails when a pair is missing or
/// given twice, so a new state or event cannot be added without deciding what it does everywhere.
@Suite struct TransactionStateMachineTableTests {
    typealias Action = TestMachine.Action

    /// One kind of event, with the fixed values the table uses.
    enum EventKind: Hashable, CustomStringConvertible {
        case proposalCreated, proposalAcknowledged, proposalRefused, sendFailed
        case notified(TransactionStatus)
        case timeoutFired
        case statusAnswered(TransactionStatus)
        case statusUnknown
        case incomingAccepted, incomingRejected, operatorCancelled

        static let allCases: [EventKind] =
            [.proposalCreated, .proposalAcknowledged, .proposalRefused, .sendFailed]
            + TransactionStatus.allCases.map { .notified($0) } + [.timeoutFired]
            + TransactionStatus.allCases.map { .statusAnswered($0) }
            + [.statusUnknown, .incomingAccepted, .incomingRejected, .operatorCancelled]

        /// Events happen an hour after the origin; timers fire at 30 hours, past every restored deadline (24 h).
        var event: TestMachine.Event {
            switch self {
            case .proposalCreated: .proposalCreated(at: hours(1))
            case .proposalAcknowledged: .proposalAcknowledged
            case .proposalRefused: .proposalRefused(responseCodes: [4010])
            case .sendFailed: .sendFailed
            case .notified(let status): .notified(status, responseCodes: Self.codes(status))
            case .timeoutFired: .timeoutFired(at: hours(30))
            case .statusAnswered(let status): .statusAnswered(status, responseCodes: Self.codes(status))
            case .statusUnknown: .statusAnswered(nil, responseCodes: [])
            case .incomingAccepted: .incomingProposalChecked(.accept, at: hours(1))
            case .incomingRejected: .incomingProposalChecked(.reject([.inconsistentWithPartyPolicy]), at: hours(1))
            case .operatorCancelled: .operatorCancelled
            }
        }

        /// Evaluation results come with 3 (ITL discrepancy) and 6 (peer rejection).
        static func codes(_ status: TransactionStatus) -> [Int] {
            switch status {
            case .checkedDiscrepancy: [5104]
            case .rejected: [5904]
            default: []
            }
        }

        var description: String {
            switch self {
            case .notified(let status): "notified(\(status.rawValue))"
            case .statusAnswered(let status): "statusAnswered(\(status.rawValue))"
            case .proposalCreated: "proposalCreated"
            case .proposalAcknowledged: "proposalAcknowledged"
            case .proposalRefused: "proposalRefused"
            case .sendFailed: "sendFailed"
            case .timeoutFired: "timeoutFired"
            case .statusUnknown: "statusUnknown"
            case .incomingAccepted: "incomingAccepted"
            case .incomingRejected: "incomingRejected"
            case .operatorCancelled: "operatorCancelled"
            }
        }
    }

    enum Expect: Hashable {
        /// Applied with these actions, ending in this state.
        case to(TransactionState, [Action])
        /// Applied with these actions, state unchanged.
        case stay([Action])
        case ignored(TransactionEventIgnored)
        case refused(TransactionEventRefusal)
    }

    struct Row {
        let states: [TransactionState]
        let events: [EventKind]
        let expect: Expect
        init(_ states: [TransactionState], _ events: [EventKind], _ expect: Expect) {
            self.states = states
            self.events = events
            self.expect = expect
        }
    }

    // MARK: States and event groups

    static let created = TransactionState.created
    static let wAck = TransactionState.waiting(.awaitingITLAcknowledgement)
    static let wCheck = TransactionState.waiting(.awaitingITLCheck)
    static let wAcq = TransactionState.waiting(.awaitingAcquiringRegistry)
    static let wDone = TransactionState.waiting(.awaitingCompletion)
    static let qAck = TransactionState.querying(.awaitingITLAcknowledgement)
    static let qCheck = TransactionState.querying(.awaitingITLCheck)
    static let qAcq = TransactionState.querying(.awaitingAcquiringRegistry)
    static let qDone = TransactionState.querying(.awaitingCompletion)
    static let completed = TransactionState.final(.completed)
    static let terminated = TransactionState.final(.terminated)
    static let rejected = TransactionState.final(.rejected)
    static let cancelled = TransactionState.final(.cancelled)

    static let everyNotification = TransactionStatus.allCases.map { EventKind.notified($0) }
    static let everyStatusAnswer = TransactionStatus.allCases.map { EventKind.statusAnswered($0) } + [.statusUnknown]
    static let incoming: [EventKind] = [.incomingAccepted, .incomingRejected]

    /// Final states ignore everything (DES); an operator cancel is refused so the operator learns why.
    static func finalRows(_ statuses: [TransactionStatus]) -> [Row] {
        statuses.flatMap { status in
            [
                Row(
                    [.final(status)], EventKind.allCases.filter { $0 != .operatorCancelled },
                    .ignored(.alreadyFinal(status))),
                Row([.final(status)], [.operatorCancelled], .refused(.alreadyFinal(status))),
            ]
        }
    }

    // MARK: External transfer (transferring side)

    static let externalTransfer: [Row] = {
        let open = [wAck, wCheck, wAcq, qAck, qCheck, qAcq]
        let waiting = [wAck, wCheck, wAcq]
        let querying = [qAck, qCheck, qAcq]
        let beforeCheck = [wAck, wCheck, qAck, qCheck]
        return [
            Row(
                [created], [.proposalCreated],
                .to(wAck, [.reserveUnits, .sendProposal, .scheduleTimeout(at: hours(25))])),
            Row(
                [created],
                [.proposalAcknowledged, .proposalRefused, .sendFailed] + everyNotification
                    + everyStatusAnswer, .refused(.noProposalYet)),
            Row([created], [.timeoutFired], .ignored(.noTimeoutScheduled)),
            Row([created], incoming, .refused(.onlyForAcquiringRegistry)),
            Row([created], [.operatorCancelled], .to(cancelled, [.finished(.cancelled)])),

            Row(open, [.proposalCreated], .ignored(.duplicate)),
            Row(open, [.sendFailed], .stay([])),
            Row(open, incoming, .refused(.onlyForAcquiringRegistry)),
            Row(
                open, [.operatorCancelled],
                .to(
                    cancelled,
                    [
                        .releaseReservation, .sendNotification(.cancelled, responseCodes: []), .cancelTimeout,
                        .finished(.cancelled),
                    ])),

            Row([wAck], [.proposalAcknowledged], .to(wCheck, [])),
            Row([qAck], [.proposalAcknowledged], .to(qCheck, [])),
            Row([wCheck, wAcq, qCheck, qAcq], [.proposalAcknowledged], .ignored(.duplicate)),
            Row(
                [wAck, qAck], [.proposalRefused],
                .to(
                    terminated,
                    [
                        .releaseReservation, .recordResponseCodes([4010]), .cancelTimeout, .finished(.terminated),
                    ])),
            Row([wCheck, wAcq, qCheck, qAcq], [.proposalRefused], .refused(.alreadyAcknowledged)),

            Row(open, [.notified(.proposed)], .refused(.unexpectedStatus(.proposed))),
            Row([wAck, wCheck], [.notified(.checkedNoDiscrepancy)], .to(wAcq, [])),
            Row(
                [qAck, qCheck], [.notified(.checkedNoDiscrepancy), .statusAnswered(.checkedNoDiscrepancy)],
                .to(qAcq, [])),
            Row([wAcq, qAcq], [.notified(.checkedNoDiscrepancy)], .ignored(.duplicate)),
            Row(
                beforeCheck, [.notified(.checkedDiscrepancy)],
                .to(
                    terminated,
                    [
                        .releaseReservation, .recordResponseCodes([5104]), .cancelTimeout, .finished(.terminated),
                    ])),
            Row(
                [qAck, qCheck], [.statusAnswered(.checkedDiscrepancy)],
                .to(
                    terminated,
                    [
                        .releaseReservation, .recordResponseCodes([5104]), .cancelTimeout, .finished(.terminated),
                    ])),
            Row(
                [wAcq, qAcq], [.notified(.checkedDiscrepancy)],
                .refused(.statusOutOfOrder(.checkedDiscrepancy, after: .checkedNoDiscrepancy))),
            Row(
                [qAcq], [.statusAnswered(.checkedDiscrepancy)],
                .refused(.statusOutOfOrder(.checkedDiscrepancy, after: .checkedNoDiscrepancy))),
            Row(open, [.notified(.completed)], .refused(.unexpectedStatus(.completed))),
            Row(querying, [.statusAnswered(.completed)], .refused(.unexpectedStatus(.completed))),
            Row(
                open, [.notified(.terminated)],
                .to(
                    terminated,
                    [
                        .releaseReservation, .cancelTimeout, .finished(.terminated),
                    ])),
            Row(
                querying, [.statusAnswered(.terminated)],
                .to(
                    terminated,
                    [
                        .releaseReservation, .cancelTimeout, .finished(.terminated),
                    ])),
            Row(
                open, [.notified(.rejected)],
                .to(
                    rejected,
                    [
                        .releaseReservation, .recordResponseCodes([5904]), .cancelTimeout, .finished(.rejected),
                    ])),
            Row(
                querying, [.statusAnswered(.rejected)],
                .to(
                    rejected,
                    [
                        .releaseReservation, .recordResponseCodes([5904]), .cancelTimeout, .finished(.rejected),
                    ])),
            Row(
                open, [.notified(.cancelled)],
                .to(
                    cancelled,
                    [
                        .releaseReservation, .cancelTimeout, .finished(.cancelled),
                    ])),
            Row(
                querying, [.statusAnswered(.cancelled)],
                .to(
                    cancelled,
                    [
                        .releaseReservation, .cancelTimeout, .finished(.cancelled),
                    ])),
            Row(
                open, [.notified(.accepted)],
                .to(
                    completed,
                    [
                        .commitReservation, .sendNotification(.completed, responseCodes: []), .cancelTimeout,
                        .finished(.completed),
                    ])),
            Row(
                querying, [.statusAnswered(.accepted)],
                .to(
                    completed,
                    [
                        .commitReservation, .sendNotification(.completed, responseCodes: []), .cancelTimeout,
                        .finished(.completed),
                    ])),

            Row([wAck], [.timeoutFired], .to(qAck, [.queryTransactionStatus, .scheduleTimeout(at: hours(31))])),
            Row([wCheck], [.timeoutFired], .to(qCheck, [.queryTransactionStatus, .scheduleTimeout(at: hours(31))])),
            Row([wAcq], [.timeoutFired], .to(qAcq, [.queryTransactionStatus, .scheduleTimeout(at: hours(31))])),
            Row(
                querying, [.timeoutFired],
                .to(
                    cancelled,
                    [
                        .releaseReservation, .sendNotification(.cancelled, responseCodes: []), .finished(.cancelled),
                    ])),

            Row(waiting, everyStatusAnswer, .refused(.noStatusQueryOutstanding)),
            Row([qAck], [.statusAnswered(.proposed)], .to(qCheck, [])),
            Row([qCheck, qAcq], [.statusAnswered(.proposed)], .stay([])),
            Row([qAcq], [.statusAnswered(.checkedNoDiscrepancy)], .stay([])),
            Row(querying, [.statusUnknown], .stay([])),
        ] + finalRows([.completed, .terminated, .rejected, .cancelled])
    }()

    // MARK: Issuance and cancellation (one-registry: final after the ITL check)

    static func oneRegistry(_ flow: TransactionFlow) -> [Row] {
        let reserve: [Action] = flow == .cancellation ? [.reserveUnits] : []
        let release: [Action] = flow == .cancellation ? [.releaseReservation] : []
        let book: Action = flow == .issuance ? .creditUnits : .commitReservation
        let open = [wAck, wCheck, qAck, qCheck]
        let querying = [qAck, qCheck]
        return [
            Row([created], [.proposalCreated], .to(wAck, reserve + [.sendProposal, .scheduleTimeout(at: hours(25))])),
            Row(
                [created],
                [.proposalAcknowledged, .proposalRefused, .sendFailed] + everyNotification
                    + everyStatusAnswer, .refused(.noProposalYet)),
            Row([created], [.timeoutFired], .ignored(.noTimeoutScheduled)),
            Row([created], incoming, .refused(.onlyForAcquiringRegistry)),
            Row([created], [.operatorCancelled], .to(cancelled, [.finished(.cancelled)])),

            Row(open, [.proposalCreated], .ignored(.duplicate)),
            Row(open, [.sendFailed], .stay([])),
            Row(open, incoming, .refused(.onlyForAcquiringRegistry)),
            Row(
                open, [.operatorCancelled],
                .to(
                    cancelled,
                    release + [
                        .sendNotification(.cancelled, responseCodes: []), .cancelTimeout, .finished(.cancelled),
                    ])),

            Row([wAck], [.proposalAcknowledged], .to(wCheck, [])),
            Row([qAck], [.proposalAcknowledged], .to(qCheck, [])),
            Row([wCheck, qCheck], [.proposalAcknowledged], .ignored(.duplicate)),
            Row(
                [wAck, qAck], [.proposalRefused],
                .to(
                    terminated,
                    release + [
                        .recordResponseCodes([4010]), .cancelTimeout, .finished(.terminated),
                    ])),
            Row([wCheck, qCheck], [.proposalRefused], .refused(.alreadyAcknowledged)),

            Row(open, [.notified(.proposed)], .refused(.unexpectedStatus(.proposed))),
            Row(
                open, [.notified(.checkedNoDiscrepancy)],
                .to(
                    completed,
                    [
                        book, .sendNotification(.completed, responseCodes: []), .cancelTimeout, .finished(.completed),
                    ])),
            Row(
                querying, [.statusAnswered(.checkedNoDiscrepancy)],
                .to(
                    completed,
                    [
                        book, .sendNotification(.completed, responseCodes: []), .cancelTimeout, .finished(.completed),
                    ])),
            Row(
                open, [.notified(.checkedDiscrepancy)],
                .to(
                    terminated,
                    release + [
                        .recordResponseCodes([5104]), .cancelTimeout, .finished(.terminated),
                    ])),
            Row(
                querying, [.statusAnswered(.checkedDiscrepancy)],
                .to(
                    terminated,
                    release + [
                        .recordResponseCodes([5104]), .cancelTimeout, .finished(.terminated),
                    ])),
            Row(open, [.notified(.completed)], .refused(.unexpectedStatus(.completed))),
            Row(querying, [.statusAnswered(.completed)], .refused(.unexpectedStatus(.completed))),
            Row(open, [.notified(.terminated)], .to(terminated, release + [.cancelTimeout, .finished(.terminated)])),
            Row(
                querying, [.statusAnswered(.terminated)],
                .to(terminated, release + [.cancelTimeout, .finished(.terminated)])),
            Row(open, [.notified(.cancelled)], .to(cancelled, release + [.cancelTimeout, .finished(.cancelled)])),
            Row(
                querying, [.statusAnswered(.cancelled)],
                .to(cancelled, release + [.cancelTimeout, .finished(.cancelled)])),
            Row(open, [.notified(.rejected)], .refused(.noAcquiringRegistry(.rejected))),
            Row(querying, [.statusAnswered(.rejected)], .refused(.noAcquiringRegistry(.rejected))),
            Row(open, [.notified(.accepted)], .refused(.noAcquiringRegistry(.accepted))),
            Row(querying, [.statusAnswered(.accepted)], .refused(.noAcquiringRegistry(.accepted))),

            Row([wAck], [.timeoutFired], .to(qAck, [.queryTransactionStatus, .scheduleTimeout(at: hours(31))])),
            Row([wCheck], [.timeoutFired], .to(qCheck, [.queryTransactionStatus, .scheduleTimeout(at: hours(31))])),
            Row(
                querying, [.timeoutFired],
                .to(
                    cancelled,
                    release + [
                        .sendNotification(.cancelled, responseCodes: []), .finished(.cancelled),
                    ])),

            Row([wAck, wCheck], everyStatusAnswer, .refused(.noStatusQueryOutstanding)),
            Row([qAck], [.statusAnswered(.proposed)], .to(qCheck, [])),
            Row([qCheck], [.statusAnswered(.proposed)], .stay([])),
            Row(querying, [.statusUnknown], .stay([])),
        ] + finalRows([.completed, .terminated, .cancelled])
    }

    // MARK: Internal transfer (never sent to the ITL)

    static let internalTransfer: [Row] =
        [
            Row(
                [created], [.proposalCreated],
                .to(completed, [.reserveUnits, .commitReservation, .finished(.completed)])),
            Row(
                [created],
                [.proposalAcknowledged, .proposalRefused, .sendFailed] + everyNotification + everyStatusAnswer,
                .refused(.notSentToITL)),
            Row([created], [.timeoutFired], .ignored(.noTimeoutScheduled)),
            Row([created], incoming, .refused(.onlyForAcquiringRegistry)),
            Row([created], [.operatorCancelled], .to(cancelled, [.finished(.cancelled)])),
        ] + finalRows([.completed, .cancelled])

    // MARK: Acquiring side

    static func acquiringRows() -> [Row] {
        let open = [wDone, qDone]
        let proposerEvents: [EventKind] = [.proposalCreated, .proposalAcknowledged, .proposalRefused]
        var rows: [Row] = [
            Row([created], proposerEvents, .refused(.onlyForProposingRegistry)),
            Row([created], [.sendFailed] + everyNotification + everyStatusAnswer, .refused(.noProposalYet)),
            Row([created], [.timeoutFired], .ignored(.noTimeoutScheduled)),
            Row(
                [created], [.incomingAccepted],
                .to(
                    wDone,
                    [
                        .sendNotification(.accepted, responseCodes: []), .scheduleTimeout(at: hours(25)),
                    ])),
            Row(
                [created], [.incomingRejected],
                .to(
                    rejected,
                    [
                        .recordResponseCodes([5904]), .sendNotification(.rejected, responseCodes: [5904]),
                        .finished(.rejected),
                    ])),
            Row([created], [.operatorCancelled], .refused(.acquiringRegistryCannotCancel)),

            Row(open, proposerEvents, .refused(.onlyForProposingRegistry)),
            Row(open, [.sendFailed], .stay([])),
            Row(open, incoming, .ignored(.duplicate)),
            Row(open, [.operatorCancelled], .refused(.acquiringRegistryCannotCancel)),
            Row(open, [.notified(.completed)], .to(completed, [.creditUnits, .cancelTimeout, .finished(.completed)])),
            Row(
                [qDone], [.statusAnswered(.completed)],
                .to(completed, [.creditUnits, .cancelTimeout, .finished(.completed)])),
            Row(open, [.notified(.terminated)], .to(terminated, [.cancelTimeout, .finished(.terminated)])),
            Row([qDone], [.statusAnswered(.terminated)], .to(terminated, [.cancelTimeout, .finished(.terminated)])),
            Row(open, [.notified(.cancelled)], .to(cancelled, [.cancelTimeout, .finished(.cancelled)])),
            Row([qDone], [.statusAnswered(.cancelled)], .to(cancelled, [.cancelTimeout, .finished(.cancelled)])),
            Row(open, [.notified(.accepted)], .ignored(.duplicate)),
            Row([qDone], [.statusAnswered(.accepted)], .stay([])),
            Row(open, [.notified(.rejected)], .refused(.statusOutOfOrder(.rejected, after: .accepted))),
            Row([qDone], [.statusAnswered(.rejected)], .refused(.statusOutOfOrder(.rejected, after: .accepted))),
            Row([qDone], [.statusUnknown], .stay([])),
            Row([wDone], everyStatusAnswer, .refused(.noStatusQueryOutstanding)),
            Row([wDone], [.timeoutFired], .to(qDone, [.queryTransactionStatus, .scheduleTimeout(at: hours(31))])),
            Row(
                [qDone], [.timeoutFired],
                .to(
                    cancelled,
                    [
                        .sendNotification(.cancelled, responseCodes: []), .finished(.cancelled),
                    ])),
        ]
        for status in [TransactionStatus.proposed, .checkedNoDiscrepancy, .checkedDiscrepancy] {
            rows.append(Row(open, [.notified(status)], .refused(.unexpectedStatus(status))))
            rows.append(Row([qDone], [.statusAnswered(status)], .refused(.statusOutOfOrder(status, after: .accepted))))
        }
        return rows + finalRows([.completed, .terminated, .rejected, .cancelled])
    }

    static func table(_ flow: TransactionFlow) -> [Row] {
        switch flow {
        case .externalTransfer: externalTransfer
        case .issuance, .cancellation: oneRegistry(flow)
        case .internalTransfer: internalTransfer
        case .acquiring: acquiringRows()
        }
    }

    struct Pair: Hashable, CustomStringConvertible {
        let state: TransactionState
        let event: EventKind
        var description: String { "(\(state), \(event))" }
    }

    /// A machine of `flow` restored in `state`; waiting states have their deadline 24 hours after the origin.
    static func machine(_ flow: TransactionFlow, in state: TransactionState) throws -> TestMachine {
        let snapshot = TestMachine.Snapshot(
            transaction: try TransactionIdentifier("CDM1000001"), flow: flow, state: state,
            deadline: state.wait == nil ? nil : hours(24), responseCodes: [])
        return try TestMachine(restoring: snapshot)
    }

    // MARK: Tests

    @Test(arguments: TransactionFlow.allCases)
    func tableCoversEveryStateAndEventExactlyOnce(flow: TransactionFlow) {
        var seen: [Pair: Int] = [:]
        for row in Self.table(flow) {
            for state in row.states {
                #expect(flow.reachableStates.contains(state), "\(flow): row for unreachable state \(state)")
                for event in row.events { seen[Pair(state: state, event: event), default: 0] += 1 }
            }
        }
        for state in flow.reachableStates {
            for event in EventKind.allCases {
                let count = seen[Pair(state: state, event: event)] ?? 0
                #expect(count == 1, "\(flow): \(Pair(state: state, event: event)) appears \(count) times")
            }
        }
    }

    @Test(arguments: TransactionFlow.allCases)
    func everyEventInEveryStateHasTheTabledOutcome(flow: TransactionFlow) throws {
        for row in Self.table(flow) {
            for state in row.states {
                for kind in row.events {
                    var machine = try Self.machine(flow, in: state)
                    let before = machine.snapshot
                    let outcome = machine.handle(kind.event)
                    let context = "\(flow) in \(state) on \(kind)"
                    switch row.expect {
                    case .to(let next, let actions):
                        #expect(outcome == .applied(actions), "\(context)")
                        #expect(machine.state == next, "\(context)")
                    case .stay(let actions):
                        #expect(outcome == .applied(actions), "\(context)")
                        #expect(machine.state == state, "\(context)")
                    case .ignored(let reason):
                        #expect(outcome == .ignored(reason), "\(context)")
                        #expect(machine.snapshot == before, "\(context): an ignored event changed the transaction")
                    case .refused(let refusal):
                        #expect(outcome == .refused(refusal), "\(context)")
                        #expect(machine.snapshot == before, "\(context): a refused event changed the transaction")
                    }
                    // A timer runs exactly while the transaction waits.
                    #expect((machine.deadline != nil) == (machine.state.wait != nil), "\(context)")
                }
            }
        }
    }

    @Test(arguments: TransactionFlow.allCases)
    func reachableStatesAreExactlyThoseTheEventsReach(flow: TransactionFlow) throws {
        var found: Set<TransactionState> = [.created]
        var frontier: [TransactionState] = [.created]
        while let state = frontier.popLast() {
            for kind in EventKind.allCases {
                var machine = try Self.machine(flow, in: state)
                _ = machine.handle(kind.event)
                if found.insert(machine.state).inserted { frontier.append(machine.state) }
            }
        }
        #expect(found == Set(flow.reachableStates))
    }

    /// Repeating any event never moves units or ends the transaction a second time.
    @Test(arguments: TransactionFlow.allCases)
    func aRepeatedEventIsNeverAppliedTwice(flow: TransactionFlow) throws {
        for state in flow.reachableStates {
            for kind in EventKind.allCases {
                var machine = try Self.machine(flow, in: state)
                _ = machine.handle(kind.event)
                let second = machine.handle(kind.event)
                let repeatsEffect = second.actions.contains { action in
                    switch action {
                    case .reserveUnits, .commitReservation, .releaseReservation, .creditUnits, .finished,
                        .sendProposal:
                        true
                    default: false
                    }
                }
                #expect(!repeatsEffect, "\(flow) in \(state): \(kind) twice gave \(second)")
            }
        }
    }
}

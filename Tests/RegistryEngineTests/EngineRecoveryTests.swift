import DES
import Foundation
import Testing

@testable import RegistryCore
@testable import RegistryEngine
@testable import RegistryStore

@Suite("Engine: idempotency, timeouts, retries, restarts")
struct EngineRecoveryTests {
    @Test("every ITL notification delivered twice, and 8 before 2: one debit, the same end state")
    func duplicatedAndSwappedNotifications() async throws {
        let inOrder = try await EngineFixture()
        let swapped = try await EngineFixture()
        var ends: [(TransactionState?, Int64, [TransactionStatus])] = []
        for (fixture, statuses) in [
            (inOrder, [TransactionStatus.checkedNoDiscrepancy, .checkedNoDiscrepancy, .accepted, .accepted]),
            (swapped, [.accepted, .checkedNoDiscrepancy, .accepted, .checkedNoDiscrepancy]),
        ] {
            let issuance = try await fixture.issue(count: 100)
            let forward = try await fixture.forward(40, of: issuance, to: EngineFixture.japan)
            await fixture.sender.deliverDue()
            for status in statuses {
                #expect(try await fixture.notify(forward.identifier, status).isReceived)
            }
            await fixture.sender.deliverDue()
            try fixture.expectVerified()
            ends.append(
                (
                    try await fixture.state(forward.identifier), try fixture.balance(.cdmPending),
                    fixture.itl.notifications(of: forward.identifier)
                ))
        }
        #expect(ends[0].0 == .final(.completed))
        #expect(ends[0].0 == ends[1].0)
        #expect(ends[0].1 == 58 && ends[1].1 == 58)
        #expect(ends[0].2 == [.completed] && ends[1].2 == [.completed], "4 is reported exactly once")
    }

    @Test("a status for an unknown transaction is refused with 5006; a contradictory one with 5007")
    func unknownAndContradictoryStatus() async throws {
        let fixture = try await EngineFixture()
        let unknown = try await fixture.notify(try TransactionIdentifier("CDM999"), .accepted)
        #expect(unknown.responseCodes == [RegistryEngine.unknownTransaction])
        let issuance = try await fixture.issue(count: 100)
        let forward = try await fixture.forward(10, of: issuance, to: EngineFixture.japan)
        await fixture.sender.deliverDue()
        let contradictory = try await fixture.notify(forward.identifier, .completed)
        #expect(contradictory.responseCodes == [RegistryEngine.unexpectedStatus])
        #expect(try await fixture.state(forward.identifier) == .waiting(.awaitingITLCheck))
    }

    @Test("no answer for 24 hours: the ITL is asked; its answer 8 completes the transfer")
    func timeoutAsksTheITL() async throws {
        let fixture = try await EngineFixture()
        let issuance = try await fixture.issue(count: 100)
        let forward = try await fixture.forward(10, of: issuance, to: EngineFixture.japan)
        await fixture.sender.deliverDue()
        fixture.clock.advance(by: .seconds(86_399))
        #expect(await fixture.engine.fireDueTimeouts().isEmpty)
        fixture.clock.advance(by: .seconds(1))
        #expect(await fixture.engine.fireDueTimeouts() == [forward.identifier])
        fixture.itl.answerStatus(.accepted, for: forward.identifier)
        await fixture.sender.deliverDue()
        #expect(fixture.itl.operations.contains(.getTransactionStatus))
        #expect(try await fixture.state(forward.identifier) == .final(.completed))
        await fixture.sender.deliverDue()
        #expect(fixture.itl.notifications(of: forward.identifier) == [.completed])
        try fixture.expectVerified()
    }

    @Test("still nothing an hour after asking: cancelled (7), reservation released")
    func secondTimeoutCancels() async throws {
        let fixture = try await EngineFixture()
        let issuance = try await fixture.issue(count: 100)
        let forward = try await fixture.forward(10, of: issuance, to: EngineFixture.japan)
        await fixture.sender.deliverDue()
        fixture.clock.advance(by: .seconds(86_400))
        await fixture.engine.fireDueTimeouts()
        await fixture.sender.deliverDue()  // the ITL does not know it (default answer)
        #expect(try await fixture.state(forward.identifier) == .querying(.awaitingITLCheck))
        fixture.clock.advance(by: .seconds(3_600))
        await fixture.engine.fireDueTimeouts()
        #expect(try await fixture.state(forward.identifier) == .final(.cancelled))
        #expect(try fixture.balance(.cdmPending) == 98)
        await fixture.sender.deliverDue()
        #expect(fixture.itl.notifications(of: forward.identifier) == [.cancelled])
        try fixture.expectVerified()
    }

    @Test("an unreachable ITL: the proposal stays in the outbox, retried after a backoff, then delivered")
    func retriesWithBackoff() async throws {
        let fixture = try await EngineFixture()
        fixture.itl.failNext(2)
        let summary = try await fixture.engine.propose(.issuance(try EngineFixture.order(count: 100)))
        await fixture.sender.deliverDue()
        var waiting = try #require(try fixture.store.outbox(limit: 10).first)
        #expect(waiting.attempts == 1 && waiting.lastError != nil)
        await fixture.sender.deliverDue()
        #expect(try fixture.store.outbox(limit: 10).first?.attempts == 1, "not retried before its backoff")
        fixture.clock.advance(by: .seconds(1))
        await fixture.sender.deliverDue()
        waiting = try #require(try fixture.store.outbox(limit: 10).first)
        #expect(waiting.attempts == 2)
        fixture.clock.advance(by: .seconds(2))
        await fixture.sender.deliverDue()
        #expect(try fixture.store.outbox(limit: 10).isEmpty)
        #expect(try await fixture.state(summary.identifier) == .waiting(.awaitingITLCheck))
    }

    @Test("backoff doubles up to the maximum and keeps jitter within [d/2, d]")
    func backoffShape() {
        let policy = RetryPolicy(initial: .milliseconds(100), maximum: .seconds(2))
        #expect(policy.delay(afterAttempts: 1, random: 1) == .milliseconds(100))
        #expect(policy.delay(afterAttempts: 3, random: 1) == .milliseconds(400))
        #expect(policy.delay(afterAttempts: 30, random: 1) == .seconds(2))
        #expect(policy.delay(afterAttempts: 30, random: 0.5) == .seconds(1))
    }

    @Test("after a restart every in-flight transaction resumes and completes; numbering continues")
    func resumesAfterRestart() async throws {
        let fixture = try await EngineFixture()
        let issuance = try await fixture.issue(count: 100)
        let forward = try await fixture.forward(10, of: issuance, to: EngineFixture.japan)
        await fixture.sender.deliverDue()
        let (engine, sender) = try await fixture.restarted()
        #expect(await engine.inFlightCount == 1)
        _ = try await engine.handle(
            .acceptNotification(
                AcceptNotificationRequest(
                    from: .itl, to: .cdm, majorVersion: 1, minorVersion: 1, transactionIdentifier: forward.identifier,
                    transactionStatus: .accepted, partyType: 1, evaluationResult: [])), authenticatedSender: .itl)
        #expect(try await engine.summary(of: forward.identifier)?.state == .final(.completed))
        await sender.deliverDue()
        let next = try await engine.propose(.issuance(try EngineFixture.order(number: 2, first: 1001, count: 10)))
        #expect(next.identifier.rawValue == "CDM3")
        try fixture.expectVerified()
    }

    @Test("a proposal whose first answer was lost: the ITL's 5002 on the retry counts as received")
    func duplicateProposalAnswer() async throws {
        let fixture = try await EngineFixture()
        let summary = try await fixture.engine.propose(.issuance(try EngineFixture.order(count: 10)))
        let message = try #require(try fixture.store.outbox(limit: 1).first)
        try await fixture.engine.delivered(
            message,
            reply: .response(.acceptProposal(AcceptProposalResponse(result: .refused([DESResponseCode(5002)])))))
        #expect(try await fixture.state(summary.identifier) == .waiting(.awaitingITLCheck))
        #expect(try fixture.store.outbox(limit: 1).isEmpty)
    }

    @Test("messages not from the ITL's certificate, or not for us, are refused and change nothing")
    func envelopeChecks() async throws {
        let fixture = try await EngineFixture()
        let issuance = try await fixture.issue(count: 100)
        let forward = try await fixture.forward(10, of: issuance, to: EngineFixture.japan)
        let forged = AcceptNotificationRequest(
            from: .itl, to: .cdm, majorVersion: 1, minorVersion: 1, transactionIdentifier: forward.identifier,
            transactionStatus: .accepted, partyType: 1, evaluationResult: [])
        let fromJapan = try await fixture.engine.handle(.acceptNotification(forged), authenticatedSender: "JP")
        guard case .acceptNotification(let answer) = fromJapan else { throw ScriptedITLError.unreachable }
        #expect(answer.result.responseCodes == [.senderMismatch])
        var misaddressed = forged
        misaddressed.to = "JP"
        let wrongRecipient = try await fixture.engine.handle(.acceptNotification(misaddressed), authenticatedSender: .itl)
        guard case .acceptNotification(let answer2) = wrongRecipient else { throw ScriptedITLError.unreachable }
        #expect(answer2.result.responseCodes == [.wrongRecipient])
        #expect(try await fixture.state(forward.identifier) == .waiting(.awaitingITLAcknowledgement))
    }
}

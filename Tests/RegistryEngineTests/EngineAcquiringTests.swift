import DES
import Foundation
import Testing

@testable import RegistryCore
@testable import RegistryEngine
@testable import RegistryStore

@Suite("Engine: the CDM registry as acquiring registry")
struct EngineAcquiringTests {
    /// Units forwarded to Germany and completed, so Germany can send some back.
    private func unitsInGermany(_ fixture: EngineFixture) async throws -> [UnitBlock] {
        let issuance = try await fixture.issue(count: 100)
        let germany = try AccountIdentifier(registry: "DE", type: .partyHolding, id: 9)
        let forward = try await fixture.forward(50, of: issuance, to: germany)
        await fixture.sender.deliverDue()
        let blocks = try #require(fixture.itl.proposals().last).proposedTransaction.proposalUnitBlocks.map(\.block)
        try await fixture.notify(forward.identifier, .checkedNoDiscrepancy)
        try await fixture.notify(forward.identifier, .accepted)
        await fixture.sender.deliverDue()
        return blocks
    }

    private func proposal(_ id: String, blocks: [UnitBlock], accountType: AccountType = .partyHolding, account: Int64)
        throws -> AcceptProposalRequest
    {
        AcceptProposalRequest(
            from: .itl, to: .cdm, majorVersion: 1, minorVersion: 1,
            proposedTransaction: DESProposalTransaction(
                transactionIdentifier: try TransactionIdentifier(id), transactionType: .externalTransfer,
                transferringRegistryCode: "DE", transferringRegistryAccountType: .partyHolding,
                transferringRegistryAccountIdentifier: 9, acquiringRegistryCode: .cdm,
                acquiringRegistryAccountType: accountType, acquiringRegistryAccountIdentifier: account,
                proposalUnitBlocks: blocks.map { DESTransactionUnitBlock(block: $0) }))
    }

    private func send(_ fixture: EngineFixture, _ proposal: AcceptProposalRequest) async throws -> DESResult {
        let response = try await fixture.engine.handle(.acceptProposal(proposal), authenticatedSender: .itl)
        guard case .acceptProposal(let answer) = response else { throw ScriptedITLError.unreachable }
        return answer.result
    }

    @Test("units coming back from DE to a CDM holding account: 8 Accepted, credited on 4 Completed")
    func acceptsAndCredits() async throws {
        let fixture = try await EngineFixture()
        let blocks = try await unitsInGermany(fixture)
        let incoming = try proposal("DE41", blocks: blocks, account: EngineFixture.holder.id)
        #expect(try await send(fixture, incoming).isReceived)
        #expect(try await send(fixture, incoming).isReceived, "a repeated proposal gets the first answer")
        await fixture.sender.deliverDue()
        let id = try TransactionIdentifier("DE41")
        #expect(fixture.itl.notifications(of: id) == [.accepted], "answered once")
        #expect(try fixture.balance(EngineFixture.holder) == 0, "nothing credited before 4")
        try await fixture.notify(id, .completed)
        try await fixture.notify(id, .completed)
        #expect(try fixture.balance(EngineFixture.holder) == 50, "credited exactly once")
        #expect(try await fixture.state(id) == .final(.completed))
        try fixture.expectVerified()
    }

    @Test("an account that does not exist: 6 Rejected with 5902, nothing credited")
    func rejectsUnknownAccount() async throws {
        let fixture = try await EngineFixture()
        let blocks = try await unitsInGermany(fixture)
        #expect(try await send(fixture, try proposal("DE42", blocks: blocks, account: 4242)).isReceived)
        await fixture.sender.deliverDue()
        let id = try TransactionIdentifier("DE42")
        #expect(try await fixture.state(id) == .final(.rejected))
        let notification = try #require(
            fixture.itl.sent.compactMap { sent -> AcceptNotificationRequest? in
                if case .acceptNotification(let n) = sent.request, n.transactionIdentifier == id { return n }
                return nil
            }.first)
        #expect(notification.transactionStatus == .rejected)
        #expect(notification.evaluationResult.map(\.responseCode) == [.accountDoesNotExist])
    }

    @Test("a closed account: 5906; units this registry never issued: 5903")
    func rejectsClosedAndForeign() async throws {
        let fixture = try await EngineFixture()
        let blocks = try await unitsInGermany(fixture)
        let closed = try AccountIdentifier(registry: .cdm, type: .partyHolding, id: 5009)
        try await fixture.engine.perform(
            .openAccount(Account(identifier: closed, name: "Closed", kind: .permanentHolding)))
        try await fixture.engine.perform(.setAccountState(closed, .closed))
        #expect(try await send(fixture, try proposal("DE43", blocks: blocks, account: 5009)).isReceived)
        let foreign = UnitBlock(
            range: try SerialRange(1, 10),
            attributes: UnitAttributes(
                originatingRegistry: "DE", unitType: .aau, originalCommitmentPeriod: .second,
                applicableCommitmentPeriod: .second))
        #expect(try await send(fixture, try proposal("DE44", blocks: [foreign], account: EngineFixture.holder.id))
            .isReceived)
        #expect(try await fixture.engine.summary(of: try TransactionIdentifier("DE43"))?.responseCodes == [5906])
        #expect(try await fixture.engine.summary(of: try TransactionIdentifier("DE44"))?.responseCodes == [5903])
        try fixture.expectVerified()
    }
}

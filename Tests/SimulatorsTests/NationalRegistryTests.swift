import DES
import Foundation
import RegistryCore
import Testing
@testable import Simulators

/// The registry simulator's acquiring checks (5902/5903/5904/5906), crediting on 4, and its own proposals.
@Suite("National registry simulator")
struct NationalRegistryTests {
    static func rules() throws -> PeerRuleBook {
        let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent()
        return try PeerRuleBook(json: try Data(contentsOf: root.appendingPathComponent("deploy/peer-rules.json")))
    }

    static func registry(_ code: RegistryCode, at date: String) throws -> NationalRegistry {
        let clock = TestClock(try Date(date, strategy: .iso8601))
        let registry = try NationalRegistry(
            code: code, path: Fixture.temporaryPath("\(code).sqlite"), rules: try rules(), clock: clock.function)
        try registry.openAccount(NationalRegistryAccount(identifier: 1001, type: .partyHolding))
        try registry.openAccount(NationalRegistryAccount(identifier: 1002, type: .partyHolding, isOpen: false))
        try registry.openAccount(
            NationalRegistryAccount(identifier: 1003, type: .partyHolding, eligibleUnitTypes: [.aau]))
        return registry
    }

    /// A CDM transfer as the ITL relays it to `registry`.
    static func relayed(
        _ id: String, to registry: RegistryCode, account: Int64, period: CommitmentPeriod = .second
    ) throws -> AcceptProposalRequest {
        var proposal = try Fixture.proposal(
            id, type: .externalTransfer, acquiring: registry, acquiringAccountType: .partyHolding,
            acquiringAccount: account, blocks: [try Fixture.cer(11, 20, period: period)])
        proposal.from = .itl
        proposal.to = registry
        return proposal
    }

    func answer(_ reply: NationalRegistryReply) -> (TransactionStatus?, [Int]) {
        let notification = reply.toITL.first
        return (notification?.transactionStatus, notification?.evaluationResult.map(\.responseCode.rawValue) ?? [])
    }

    @Test func missingAccountIsRejectedWith5902() throws {
        let ch = try Self.registry("CH", at: "2016-01-01T00:00:00Z")
        let reply = try ch.receiveProposal(try Self.relayed("CDM1", to: "CH", account: 9999), .itl)
        #expect(reply.response == .acceptProposal(AcceptProposalResponse(result: .received)))
        #expect(answer(reply) == (.rejected, [5902]))
    }

    @Test func accountNotEligibleForTheUnitTypeIsRejectedWith5903() throws {
        let ch = try Self.registry("CH", at: "2016-01-01T00:00:00Z")
        let reply = try ch.receiveProposal(try Self.relayed("CDM1", to: "CH", account: 1003), .itl)
        #expect(answer(reply) == (.rejected, [5903]))
    }

    @Test func partyPolicyAtTheTransactionTimeGives5904() throws {
        let ch = try Self.registry("CH", at: "2016-01-01T00:00:00Z")
        let cp1 = try Self.relayed("CDM1", to: "CH", account: 1001, period: .first)
        let reply = try ch.receiveProposal(cp1, .itl)
        #expect(answer(reply) == (.rejected, [5904]))
        // Before the Swiss rule took effect, the same CP1 units were accepted.
        let earlier = try Self.registry("CH", at: "2014-01-01T00:00:00Z")
        let before = try earlier.receiveProposal(cp1, .itl)
        #expect(answer(before) == (.accepted, []))
        let gb = try Self.registry("GB", at: "2021-06-01T00:00:00Z")
        let toGB = try gb.receiveProposal(try Self.relayed("CDM2", to: "GB", account: 1001), .itl)
        #expect(answer(toGB) == (.rejected, [5904]))
    }

    @Test func closedAccountIsRejectedWith5906() throws {
        let ch = try Self.registry("CH", at: "2016-01-01T00:00:00Z")
        let reply = try ch.receiveProposal(try Self.relayed("CDM1", to: "CH", account: 1002), .itl)
        #expect(answer(reply) == (.rejected, [5906]))
    }

    @Test func acceptedTransferIsCreditedOnlyOnCompletion() throws {
        let ch = try Self.registry("CH", at: "2016-01-01T00:00:00Z")
        let reply = try ch.receiveProposal(try Self.relayed("CDM1", to: "CH", account: 1001), .itl)
        #expect(answer(reply) == (.accepted, []))
        #expect(try ch.holdings(of: 1001).isEmpty)
        let completed = AcceptNotificationRequest(
            from: .itl, to: "CH", majorVersion: 1, minorVersion: 1, transactionIdentifier: try Fixture.id("CDM1"),
            transactionStatus: .completed, partyType: 2, evaluationResult: [])
        _ = try ch.receiveNotification(completed, .itl)
        #expect(try ch.holdings(of: 1001) == [try Fixture.cer(11, 20)])
        // A repeated 4 credits nothing twice.
        _ = try ch.receiveNotification(completed, .itl)
        #expect(try ch.holdings(of: 1001) == [try Fixture.cer(11, 20)])
        #expect(try ch.status(of: try Fixture.id("CDM1")) == .completed)
    }

    @Test func aProposalNotFromTheITLIsRefusedAndNothingRecorded() throws {
        let ch = try Self.registry("CH", at: "2016-01-01T00:00:00Z")
        let reply = try ch.receiveProposal(try Self.relayed("CDM1", to: "CH", account: 1001), .cdm)
        #expect(reply.response == .acceptProposal(AcceptProposalResponse(result: .refused([.senderMismatch]))))
        #expect(reply.toITL.isEmpty)
        #expect(try ch.status(of: try Fixture.id("CDM1")) == nil)
    }

    @Test func ownTransferReservesThenDebitsOnAcceptanceAndAnswersCompleted() throws {
        let ch = try Self.registry("CH", at: "2016-01-01T00:00:00Z")
        try ch.seed([try Fixture.cer(1, 50)], into: 1001)
        let proposal = try ch.proposeTransfer(
            try Fixture.id("CH1"), from: 1001, blocks: [try Fixture.cer(1, 10)], to: .cdm, acquiringAccount: 5,
            acquiringAccountType: .partyHolding)
        #expect(proposal.from == "CH" && proposal.to == .itl)
        // Reserved units cannot be proposed again.
        let overlapping = try Fixture.cer(5, 6)
        #expect(throws: NationalRegistryError.unitsNotAvailable(account: 1001, block: overlapping)) {
            try ch.proposeTransfer(
                try Fixture.id("CH2"), from: 1001, blocks: [try Fixture.cer(5, 6)], to: .cdm, acquiringAccount: 5,
                acquiringAccountType: .partyHolding)
        }
        let accepted = AcceptNotificationRequest(
            from: .itl, to: "CH", majorVersion: 1, minorVersion: 1, transactionIdentifier: try Fixture.id("CH1"),
            transactionStatus: .accepted, partyType: 1, evaluationResult: [])
        let reply = try ch.receiveNotification(accepted, .itl)
        #expect(reply.toITL.map(\.transactionStatus) == [.completed])
        #expect(try ch.holdings(of: 1001) == [try Fixture.cer(11, 50)])
    }

    @Test func ownTransferRejectedReleasesTheReservation() throws {
        let ch = try Self.registry("CH", at: "2016-01-01T00:00:00Z")
        try ch.seed([try Fixture.cer(1, 50)], into: 1001)
        _ = try ch.proposeTransfer(
            try Fixture.id("CH1"), from: 1001, blocks: [try Fixture.cer(1, 10)], to: .cdm, acquiringAccount: 5,
            acquiringAccountType: .partyHolding)
        let rejected = AcceptNotificationRequest(
            from: .itl, to: "CH", majorVersion: 1, minorVersion: 1, transactionIdentifier: try Fixture.id("CH1"),
            transactionStatus: .rejected, partyType: 1,
            evaluationResult: [DESEvaluationResult(responseCode: DESResponseCode(5902))])
        #expect(try ch.receiveNotification(rejected, .itl).toITL.isEmpty)
        #expect(try ch.status(of: try Fixture.id("CH1")) == .rejected)
        // The units can move again.
        _ = try ch.proposeTransfer(
            try Fixture.id("CH2"), from: 1001, blocks: [try Fixture.cer(1, 50)], to: .cdm, acquiringAccount: 5,
            acquiringAccountType: .partyHolding)
    }
}

import DES
import Foundation
import RegistryCore
import Testing
@testable import Simulators

/// The registry simulator's admin endpoint over loopback HTTP, and its proposals through an in-process ITL relay.
@Suite("Registry simulator admin endpoint")
struct NationalRegistryAdminTests {
    struct Context {
        let registry: NationalRegistry
        let relay: ITLRelay
        let record: ITLHoldingsRecord
        let sent: RecordingOutbound
        let client: AdminTestClient
    }

    static let start = Date(timeIntervalSince1970: 1_700_000_000)

    /// JP's admin endpoint; its proposals go straight to an in-process relay that knows CDM and JP.
    func withAdmin(_ body: (Context) async throws -> Void) async throws {
        let registry = try NationalRegistry(
            code: "JP", path: Fixture.temporaryPath("jp.sqlite"), rules: PeerRuleBook(rules: []),
            clock: { Self.start })
        let sent = RecordingOutbound()
        let record = try ITLHoldingsRecord(path: Fixture.temporaryPath("itl.sqlite"))
        let relay = ITLRelay(
            record: record,
            configuration: ITLRelayConfiguration(registries: [.cdm: .operational, "JP": .operational]),
            outbound: sent, clock: { Self.start })
        let server = try await AdminHTTPServer.start(
            handler: NationalRegistryAdmin(registry: registry) { proposal in
                do {
                    let result = try await relay.propose(proposal, "JP")
                    return .answered(.acceptProposal(AcceptProposalResponse(result: result)))
                } catch {
                    return .transient("\(error)")
                }
            })
        let context = Context(
            registry: registry, relay: relay, record: record, sent: sent, client: AdminTestClient(port: server.port))
        do { try await body(context) } catch {
            await server.shutdown()
            throw error
        }
        await server.shutdown()
    }

    static func cerJSON(_ first: Int, _ last: Int) -> String {
        """
        {"originatingRegistry":"CDM","first":\(first),"last":\(last),"unitType":5,"originalCommitmentPeriod":2,\
        "applicableCommitmentPeriod":2,"project":42}
        """
    }

    /// The ITL record shows JP holding CER 1-100, as after an earlier transfer (logged and completed directly).
    func recordJPHoldings(_ record: ITLHoldingsRecord) throws {
        let entry = ITLTransactionEntry(
            identifier: try Fixture.id("CDM1"), type: .issuance, transferringRegistry: .cdm, acquiringRegistry: "JP",
            status: .checkedNoDiscrepancy, blocks: [try Fixture.cer(1, 100)], proposedAt: Self.start,
            statusAt: Self.start)
        try record.log(entry)
        try record.complete(entry.identifier, at: Self.start)
    }

    @Test func accountsAreOpenedListedAndClosed() async throws {
        try await withAdmin { context in
            #expect(try await context.client.call("GET", "/health").object["code"] as? String == "JP")
            let opened = try await context.client.call(
                "POST", "/accounts", #"{"identifier":5,"type":100,"open":true,"eligibleUnitTypes":[5]}"#)
            #expect(opened.status == 201)
            #expect(try context.registry.account(5)?.eligibleUnitTypes == [.cer])
            let again = try await context.client.call("POST", "/accounts", #"{"identifier":5,"type":100}"#)
            #expect(again.status == 409)
            #expect(again.error?.contains("5") == true)
            let listed = try await context.client.call("GET", "/accounts")
            let accounts = try #require(listed.object["accounts"] as? [[String: Any]])
            #expect(accounts.map { $0["identifier"] as? Int } == [5])
            #expect(accounts.first?["open"] as? Bool == true)
            #expect(try await context.client.call("POST", "/accounts/5/close").status == 200)
            #expect(try context.registry.account(5)?.isOpen == false)
            #expect(try await context.client.call("POST", "/accounts/77/close").status == 404)
            #expect(try await context.client.call("POST", "/accounts/x/close").status == 400)
            let missingKey = try await context.client.call("POST", "/accounts", #"{"type":100}"#)
            #expect(missingKey.status == 400)
            #expect(missingKey.error?.contains("identifier") == true)
        }
    }

    @Test func seededBlocksShowInTheAccountsHoldings() async throws {
        try await withAdmin { context in
            _ = try await context.client.call("POST", "/accounts", #"{"identifier":5,"type":100}"#)
            let seeded = try await context.client.call(
                "POST", "/seed", #"{"account":5,"blocks":[\#(Self.cerJSON(1, 100))]}"#)
            #expect(seeded.status == 201)
            #expect(seeded.object["units"] as? Int == 100)
            let holdings = try await context.client.call("GET", "/accounts/5/holdings")
            let blocks = try #require(holdings.object["blocks"] as? [[String: Any]])
            #expect(blocks.count == 1)
            #expect(blocks.first?["first"] as? Int == 1)
            #expect(blocks.first?["holder"] == nil)
            #expect(try context.registry.holdings(of: 5) == [try Fixture.cer(1, 100)])
            // Overlapping serials, a bad unit type and an unknown account are refused, and nothing changes.
            let overlap = try await context.client.call(
                "POST", "/seed", #"{"account":5,"blocks":[\#(Self.cerJSON(50, 150))]}"#)
            #expect(overlap.status == 409)
            let wrongType = Self.cerJSON(200, 210).replacingOccurrences(of: #""unitType":5"#, with: #""unitType":9"#)
            let badType = try await context.client.call("POST", "/seed", #"{"account":5,"blocks":[\#(wrongType)]}"#)
            #expect(badType.status == 400)
            #expect(badType.error?.contains("unitType") == true)
            let unknown = try await context.client.call(
                "POST", "/seed", #"{"account":6,"blocks":[\#(Self.cerJSON(300, 310))]}"#)
            #expect(unknown.status == 404)
            #expect(try context.registry.holdings(of: 5) == [try Fixture.cer(1, 100)])
            #expect(try await context.client.call("GET", "/accounts/6/holdings").status == 404)
        }
    }

    @Test func aProposalReachesTheAcquiringRegistryAndCompletesOnAllThreeSides() async throws {
        try await withAdmin { context in
            _ = try await context.client.call("POST", "/accounts", #"{"identifier":5,"type":100}"#)
            _ = try await context.client.call("POST", "/seed", #"{"account":5,"blocks":[\#(Self.cerJSON(1, 100))]}"#)
            try recordJPHoldings(context.record)

            let proposed = try await context.client.call(
                "POST", "/proposals",
                #"{"fromAccount":5,"quantity":30,"toRegistry":"CDM","toAccountType":100,"toAccountIdentifier":9}"#)
            #expect(proposed.status == 200)
            let identifier = try #require(proposed.object["transactionIdentifier"] as? String)
            #expect(identifier == "JP1")
            #expect((proposed.object["result"] as? [String: Any])?["resultIdentifier"] as? Int == 1)

            // The ITL relayed the proposal to CDM, the acquiring registry, with the 30 units in serial order.
            let relayed = context.sent.take()
            #expect(relayed.map(\.recipient) == [.cdm])
            guard case .acceptProposal(let toCDM) = relayed.first?.request else {
                Issue.record("no proposal relayed to CDM")
                return
            }
            #expect(toCDM.proposedTransaction.proposalUnitBlocks.map(\.block) == [try Fixture.cer(1, 30)])
            #expect(toCDM.proposedTransaction.acquiringRegistryAccountIdentifier == 9)
            #expect(try context.registry.heldBlocks(of: 5).map(\.reservedBy) == [try Fixture.id("JP1"), nil])

            // CDM accepts; the ITL relays 8 to JP, which debits and answers 4; the ITL completes.
            let accepted = AcceptNotificationRequest(
                from: .cdm, to: .itl, majorVersion: 1, minorVersion: 1, transactionIdentifier: try Fixture.id("JP1"),
                transactionStatus: .accepted, partyType: 2, evaluationResult: [])
            #expect(try await context.relay.notify(accepted, .cdm) == .received)
            let toJP = try #require(context.sent.take().first?.request)
            let reply = try #require(try context.registry.handle(toJP, authenticatedSender: .itl))
            #expect(reply.toITL.map(\.transactionStatus) == [.completed])
            for notification in reply.toITL { _ = try await context.relay.notify(notification, "JP") }
            #expect(try context.registry.holdings(of: 5) == [try Fixture.cer(31, 100)])
            #expect(try context.record.holdings(heldBy: .cdm).map(\.block) == [try Fixture.cer(1, 30)])
            let status = try await context.client.call("GET", "/transactions/JP1")
            #expect(status.object["status"] as? Int == TransactionStatus.completed.rawValue)
            #expect(try await context.client.call("GET", "/transactions/JP2").status == 404)
        }
    }

    static func proposalJSON(quantity: Int, identifier: String? = nil) -> String {
        let id = identifier.map { #""transactionIdentifier":"\#($0)","# } ?? ""
        return #"{\#(id)"fromAccount":5,"quantity":\#(quantity),"toRegistry":"CDM","toAccountType":100,"#
            + #""toAccountIdentifier":9}"#
    }

    @Test func badProposalsAreRefusedBeforeAnythingIsReserved() async throws {
        try await withAdmin { context in
            _ = try await context.client.call("POST", "/accounts", #"{"identifier":5,"type":100}"#)
            _ = try await context.client.call("POST", "/seed", #"{"account":5,"blocks":[\#(Self.cerJSON(1, 100))]}"#)
            let foreign = try await context.client.call(
                "POST", "/proposals", Self.proposalJSON(quantity: 10, identifier: "DE7"))
            #expect(foreign.status == 400)
            #expect(foreign.error?.contains("DE7") == true)
            let tooMany = try await context.client.call("POST", "/proposals", Self.proposalJSON(quantity: 101))
            #expect(tooMany.status == 409)
            #expect(tooMany.error?.contains("101") == true)
            let zero = try await context.client.call("POST", "/proposals", Self.proposalJSON(quantity: 0))
            #expect(zero.status == 400)
            #expect(context.sent.take().isEmpty)
            #expect(try context.registry.heldBlocks(of: 5).allSatisfy { $0.reservedBy == nil })
        }
    }

    @Test func aProposalTheITLRefusesAtOnceIsTerminatedWithItsCodesAndReleased() async throws {
        try await withAdmin { context in
            _ = try await context.client.call("POST", "/accounts", #"{"identifier":5,"type":100}"#)
            _ = try await context.client.call("POST", "/seed", #"{"account":5,"blocks":[\#(Self.cerJSON(1, 100))]}"#)
            try recordJPHoldings(context.record)
            // JP40 is already in the ITL's log: the ITL refuses the repeated identifier synchronously.
            try context.record.log(
                ITLTransactionEntry(
                    identifier: try Fixture.id("JP40"), type: .externalTransfer, transferringRegistry: "JP",
                    acquiringRegistry: .cdm, status: .cancelled, blocks: [try Fixture.cer(500, 500)],
                    proposedAt: Self.start, statusAt: Self.start))
            let refused = try await context.client.call(
                "POST", "/proposals", Self.proposalJSON(quantity: 10, identifier: "JP40"))
            #expect(refused.status == 200)
            let result = try #require(refused.object["result"] as? [String: Any])
            #expect(result["resultIdentifier"] as? Int == 0)
            let codes = try #require(result["responseCodes"] as? [Int])
            #expect(!codes.isEmpty)
            let status = try await context.client.call("GET", "/transactions/JP40")
            #expect(status.object["status"] as? Int == TransactionStatus.terminated.rawValue)
            #expect(status.object["responseCodes"] as? [Int] == codes)
            #expect(try context.registry.heldBlocks(of: 5).allSatisfy { $0.reservedBy == nil })
            #expect(context.sent.take().isEmpty)
        }
    }

    @Test func aProposalTheITLChecksWithADiscrepancyIsTerminatedWhenItsNotificationArrives() async throws {
        try await withAdmin { context in
            _ = try await context.client.call("POST", "/accounts", #"{"identifier":5,"type":100}"#)
            _ = try await context.client.call("POST", "/seed", #"{"account":5,"blocks":[\#(Self.cerJSON(1, 100))]}"#)
            // The ITL's record does not show JP holding the units: received, then 3 with the codes.
            let proposed = try await context.client.call("POST", "/proposals", Self.proposalJSON(quantity: 10))
            #expect((proposed.object["result"] as? [String: Any])?["resultIdentifier"] as? Int == 1)
            let sent = context.sent.take()
            #expect(sent.compactMap(\.notification).map(\.transactionStatus) == [.checkedDiscrepancy])
            for message in sent {
                let reply = try context.registry.handle(message.request, authenticatedSender: .itl)
                #expect(reply?.toITL.map(\.transactionStatus) == [.terminated])
            }
            let status = try await context.client.call("GET", "/transactions/JP1")
            #expect(status.object["status"] as? Int == TransactionStatus.terminated.rawValue)
            #expect((status.object["responseCodes"] as? [Int])?.isEmpty == false)
            #expect(try context.registry.heldBlocks(of: 5).allSatisfy { $0.reservedBy == nil })
            #expect(try context.registry.holdings(of: 5).reduce(0) { $0 + $1.quantity } == 100)
        }
    }

    @Test func theTransactionCounterSurvivesARestart() throws {
        let path = Fixture.temporaryPath("jp.sqlite")
        let first = try NationalRegistry(code: "JP", path: path, rules: PeerRuleBook(rules: []))
        try first.openAccount(NationalRegistryAccount(identifier: 5, type: .partyHolding))
        try first.seed([try Fixture.cer(1, 100)], into: 5)
        let one = try first.proposeTransfer(
            nil, from: 5, quantity: 10, to: .cdm, acquiringAccount: 9, acquiringAccountType: .partyHolding)
        #expect(one.proposedTransaction.transactionIdentifier == (try Fixture.id("JP1")))
        let reopened = try NationalRegistry(code: "JP", path: path, rules: PeerRuleBook(rules: []))
        let two = try reopened.proposeTransfer(
            nil, from: 5, quantity: 50, to: .cdm, acquiringAccount: 9, acquiringAccountType: .partyHolding)
        #expect(two.proposedTransaction.transactionIdentifier == (try Fixture.id("JP2")))
        #expect(throws: NationalRegistryError.insufficientUnits(account: 5, requested: 95, available: 40)) {
            _ = try reopened.proposeTransfer(
                nil, from: 5, quantity: 95, to: .cdm, acquiringAccount: 9, acquiringAccountType: .partyHolding)
        }
    }
}

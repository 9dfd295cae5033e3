import DES
import Foundation
import RegistryCore
import RegistryNet
import RegistryTestSupport
import Testing
@testable import Simulators

/// The ITL simulator's admin endpoint over loopback HTTP, against a relay on a temporary SQLite file.
@Suite("ITL admin endpoint")
struct ITLAdminTests {
    struct Context {
        let relay: ITLRelay
        let record: ITLHoldingsRecord
        let outbound: FaultInjectingOutbound
        let sent: RecordingOutbound
        let availability: ITLAvailability
        let clock: TestClock
        let client: AdminTestClient
    }

    func withAdmin(_ body: (Context) async throws -> Void) async throws {
        let sent = RecordingOutbound()
        let outbound = FaultInjectingOutbound { message, _ in sent.enqueue(message) }
        let clock = TestClock(Date(timeIntervalSince1970: 1_700_000_000))
        let record = try ITLHoldingsRecord(path: Fixture.temporaryPath("itl.sqlite"))
        let relay = ITLRelay(
            record: record,
            configuration: ITLRelayConfiguration(
                registries: [.cdm: .operational, "CH": .operational], acquiringResponseTimeout: 3600),
            outbound: outbound, clock: clock.function)
        let availability = ITLAvailability()
        let server = try await AdminHTTPServer.start(
            handler: ITLAdmin(relay: relay, faults: outbound, availability: availability))
        let context = Context(
            relay: relay, record: record, outbound: outbound, sent: sent, availability: availability, clock: clock,
            client: AdminTestClient(port: server.port))
        do { try await body(context) } catch {
            await server.shutdown()
            throw error
        }
        await server.shutdown()
    }

    /// CER 1-100 issued to CDM, then CER 11-20 proposed to CH and relayed (CH has not answered).
    func issueAndPropose(_ context: Context) async throws {
        let issuance = try Fixture.proposal(
            "CDM1", type: .issuance, acquiring: .cdm, acquiringAccountType: .pending, blocks: [try Fixture.cer(1, 100)])
        #expect(try await context.relay.propose(issuance, .cdm) == .received)
        let completed = AcceptNotificationRequest(
            from: .cdm, to: .itl, majorVersion: 1, minorVersion: 1, transactionIdentifier: try Fixture.id("CDM1"),
            transactionStatus: .completed, partyType: 1, evaluationResult: [])
        #expect(try await context.relay.notify(completed, .cdm) == .received)
        let transfer = try Fixture.proposal(
            "CDM2", type: .externalTransfer, acquiring: "CH", acquiringAccountType: .partyHolding,
            blocks: [try Fixture.cer(11, 20)])
        #expect(try await context.relay.propose(transfer, .cdm) == .received)
        _ = context.sent.take()
    }

    @Test func healthNamesTheITLAsJSON() async throws {
        try await withAdmin { context in
            let answer = try await context.client.call("GET", "/health")
            #expect(answer.status == 200)
            #expect(answer.contentType == "application/json")
            #expect(answer.object["code"] as? String == "ITL")
            #expect(answer.object["ready"] as? Bool == true)
        }
    }

    @Test func aFaultPlanSetOverHTTPGovernsTheOutboundAndIsListed() async throws {
        try await withAdmin { context in
            let set = try await context.client.call(
                "PUT", "/faults/CH", #"{"dropNext":2,"duplicate":true,"delayMilliseconds":5}"#)
            #expect(set.status == 200)
            #expect(
                context.outbound.plan(for: "CH")
                    == ITLFaultPlan(delay: .milliseconds(5), dropNext: 2, duplicate: true))
            let listed = try await context.client.call("GET", "/faults")
            let ch = listed.object["CH"] as? [String: Any]
            #expect(ch?["dropNext"] as? Int == 2)
            #expect(ch?["delayMilliseconds"] as? Int == 5)
            #expect((listed.object["CDM"] as? [String: Any])?["offline"] as? Bool == false)
        }
    }

    @Test func badFaultInputIsRefusedWithAMessageAndChangesNothing() async throws {
        try await withAdmin { context in
            let badCode = try await context.client.call("PUT", "/faults/c-h", "{}")
            #expect(badCode.status == 400)
            #expect(badCode.error?.contains("c-h") == true)
            let badType = try await context.client.call("PUT", "/faults/CH", #"{"dropNext":"two"}"#)
            #expect(badType.status == 400)
            #expect(badType.error?.contains("dropNext") == true)
            let negative = try await context.client.call("PUT", "/faults/CH", #"{"dropNext":-1}"#)
            #expect(negative.status == 400)
            let notJSON = try await context.client.call("PUT", "/faults/CH", "{not json")
            #expect(notJSON.status == 400)
            #expect(context.outbound.plan(for: "CH") == .none)
        }
    }

    @Test func releasingAnOfflineRegistrySendsItsHeldMessagesInOrder() async throws {
        try await withAdmin { context in
            #expect(try await context.client.call("PUT", "/faults/CH", #"{"offline":true}"#).status == 200)
            try await issueAndPropose(context)
            context.outbound.enqueue(
                ITLOutboundMessage(
                    recipient: "CH",
                    request: .getTransactionStatus(
                        GetTransactionStatusRequest(
                            from: .itl, to: "CH", majorVersion: 1, minorVersion: 1,
                            transactionIdentifier: try Fixture.id("CDM2")))))
            #expect(context.sent.take().isEmpty)
            #expect(try await context.client.call("PUT", "/faults/CH", #"{"offline":false}"#).status == 200)
            let released = context.sent.take()
            #expect(released.map(\.request.operation) == [.acceptProposal, .getTransactionStatus])
        }
    }

    @Test func holdingsAndTransactionsShowTheRecord() async throws {
        try await withAdmin { context in
            try await issueAndPropose(context)
            let cdm = try await context.client.call("GET", "/holdings?registry=CDM")
            let holdings = try #require(cdm.object["holdings"] as? [[String: Any]])
            #expect(holdings.count == 1)
            #expect(holdings.first?["first"] as? Int == 1)
            #expect(holdings.first?["last"] as? Int == 100)
            #expect(holdings.first?["holder"] as? String == "CDM")
            #expect(holdings.first?["unitType"] as? Int == 5)
            #expect(holdings.first?["project"] as? Int == 42)
            #expect(holdings.first?["cancelled"] as? Bool == false)
            let all = try await context.client.call("GET", "/holdings")
            #expect((all.object["holdings"] as? [Any])?.count == 1)
            let none = try await context.client.call("GET", "/holdings?registry=CH")
            #expect((none.object["holdings"] as? [Any])?.isEmpty == true)

            let entry = try await context.client.call("GET", "/transactions/CDM2")
            #expect(entry.status == 200)
            #expect(entry.object["status"] as? Int == TransactionStatus.checkedNoDiscrepancy.rawValue)
            #expect(entry.object["type"] as? Int == TransactionType.externalTransfer.rawValue)
            #expect(entry.object["acquiringRegistry"] as? String == "CH")
            #expect((entry.object["blocks"] as? [[String: Any]])?.first?["first"] as? Int == 11)
            let missing = try await context.client.call("GET", "/transactions/CDM99")
            #expect(missing.status == 404)
            #expect(missing.error?.contains("CDM99") == true)
            let malformed = try await context.client.call("GET", "/transactions/12")
            #expect(malformed.status == 400)
        }
    }

    @Test func cancelUnansweredCancelsAProposalPastItsTime() async throws {
        try await withAdmin { context in
            try await issueAndPropose(context)
            let early = try await context.client.call("POST", "/cancel-unanswered")
            #expect((early.object["cancelled"] as? [String]) == [])
            context.clock.advance(by: 3601)
            let late = try await context.client.call("POST", "/cancel-unanswered")
            #expect((late.object["cancelled"] as? [String]) == ["CDM2"])
            #expect(try context.record.transaction(try Fixture.id("CDM2"))?.status == .cancelled)
            #expect(context.sent.take().compactMap(\.notification).map(\.transactionStatus) == [.cancelled, .cancelled])
        }
    }

    @Test func unknownRoutesAndWrongMethodsAreRefused() async throws {
        try await withAdmin { context in
            let unknown = try await context.client.call("GET", "/nothing/here")
            #expect(unknown.status == 404)
            #expect(unknown.error?.contains("/nothing/here") == true)
            let wrongMethod = try await context.client.call("DELETE", "/health")
            #expect(wrongMethod.status == 405)
        }
    }

    @Test func theServersOwnRefusalsAreJSONToo() async throws {
        try await withAdmin { context in
            let large = String(repeating: "x", count: AdminHTTPServer.maximumBodyBytes + 1)
            let tooLarge = try await context.client.call("POST", "/faults", large)
            #expect(tooLarge.status == 413)
            #expect(tooLarge.contentType == "application/json")
            #expect(tooLarge.error?.contains("\(AdminHTTPServer.maximumBodyBytes) bytes") == true)
            #expect(try await context.client.call("GET", "/health").status == 200, "still serving")
        }
    }

    @Test func theOfflineSwitchMakesTheDESEndpointAnswer503UntilSwitchedBack() async throws {
        let certificates = try DevCertificates.make()
        try await withAdmin { context in
            let directory = try PeerDirectory(
                entries: [
                    PeerDirectory.Entry(
                        registryCode: "CDM", expectedIdentity: .commonName("CDM"), url: "https://127.0.0.1:1/des")
                ])
            let server = try await DESHTTPSServer.start(
                configuration: DESHTTPSServerConfiguration(), identity: try certificates.loaded("ITL"),
                handler: ITLEndpoint(
                    relay: context.relay, directory: directory, faults: context.outbound,
                    availability: context.availability))
            let client = DESHTTPSClient(identity: try certificates.loaded("CDM"))
            let query = GetTransactionStatusRequest(
                from: .cdm, to: .itl, majorVersion: 1, minorVersion: 1, transactionIdentifier: try Fixture.id("CDM7"))
            let url = "https://127.0.0.1:\(server.port)/des"
            func ask() async throws(DESClientError) -> DESClientResponse {
                try await client.send(
                    to: url, soapAction: DESOperation.getTransactionStatus.soapAction, body: DESCodec.encode(query))
            }
            #expect(try await context.client.call("PUT", "/offline", #"{"offline":true}"#).status == 200)
            #expect(try await context.client.call("GET", "/offline").object["offline"] as? Bool == true)
            do throws(DESClientError) {
                _ = try await ask()
                Issue.record("an offline ITL answered")
            } catch {
                #expect(error.kind == .httpStatus(503))
                #expect(error.isRetryable)
                #expect(error.body.isEmpty || !String(decoding: error.body, as: UTF8.self).contains("Envelope"))
            }
            #expect(try await context.client.call("PUT", "/offline", #"{"offline":false}"#).status == 200)
            let answer = try await ask()
            #expect(answer.status == 200)
            let response = try DESCodec.decodeResponse(answer.body, operation: .getTransactionStatus)
            guard case .getTransactionStatus(let status) = response else {
                Issue.record("not a status response: \(response)")
                return
            }
            #expect(status.responseCodes == [ITLRelay.unknownTransaction])
            try await client.shutdown()
            await server.shutdown()
        }
    }
}

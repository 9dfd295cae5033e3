import DES
import Foundation
import RegistryCore
import Testing
@testable import Simulators

/// ITL notices and the reconciliation admin routes over loopback HTTP, against an in-process registry.
@Suite("ITL notices and reconciliation admin")
struct ITLNoticeAndReconciliationAdminTests {
    struct Context {
        let relay: ITLRelay
        let registry: FakeReconcilingRegistry
        let driver: ITLReconciliationDriver
        let notices: ITLNoticeLog
        let client: AdminTestClient
    }

    func withAdmin(_ body: (Context) async throws -> Void) async throws {
        let (relay, record) = try await ReconciliationFixture.recordWithIssuance()
        let registry = FakeReconcilingRegistry(blocks: [try ReconciliationFixture.held(1, 100)])
        let driver = try ReconciliationFixture.driver(record, registry)
        let clock = TestClock(Date(timeIntervalSince1970: 1_700_000_000))
        let notices = try ITLNoticeLog(record: record, sender: registry, clock: clock.function)
        let server = try await AdminHTTPServer.start(
            handler: ITLAdmin(
                relay: relay, faults: FaultInjectingOutbound { _, _ in }, availability: ITLAvailability(),
                reconciliation: ITLReconciliationAdmin(driver: driver, notices: notices)))
        let context = Context(
            relay: relay, registry: registry, driver: driver, notices: notices,
            client: AdminTestClient(port: server.port))
        do { try await body(context) } catch {
            await server.shutdown()
            throw error
        }
        await server.shutdown()
    }

    @Test func aNoticeIsSentWithEveryFieldAndRecorded() async throws {
        try await withAdmin { context in
            let answer = try await context.client.call(
                "POST", "/notices",
                #"""
                {"registry":"CDM","notificationType":6,"notificationStatus":1,"messageContent":"excess issuance",
                 "projectNumber":"1001","unitType":5,"targetValue":250,"targetDate":"2019-07-01","commitPeriod":2,
                 "actionDueDate":"2019-08-01","lulucfActivity":3,
                 "unitBlockIdentifiers":[{"originatingRegistry":"CDM","first":1,"last":10}]}
                """#)
            #expect(answer.status == 200)
            #expect(answer.object["notificationIdentifier"] as? Int == 1)
            #expect(answer.object["delivery"] as? String == "received")
            let sent = try #require(context.registry.notices.first)
            #expect(sent.from == .itl && sent.to == .cdm)
            #expect(sent.notificationType == 6 && sent.notificationIdentifier == 1 && sent.notificationStatus == 1)
            #expect(sent.messageContent == "excess issuance" && sent.projectNumber == "1001")
            #expect(sent.unitType == .cer && sent.targetValue == 250 && sent.commitPeriod == .second)
            #expect(sent.targetDate == (try CalendarDate(parsing: "2019-07-01")))
            #expect(sent.actionDueDate == (try CalendarDate(parsing: "2019-08-01")))
            #expect(sent.lulucfActivity == 3)
            #expect(sent.messageDate == Date(timeIntervalSince1970: 1_700_000_000))
            #expect(
                sent.unitBlockIdentifiers
                    == [DESUnitBlockIdentifier(range: try SerialRange(1, 10), originatingRegistry: .cdm)])

            let listed = try await context.client.call("GET", "/notices?registry=CDM")
            #expect((listed.object["notices"] as? [Any])?.count == 1)
            let one = try await context.client.call("GET", "/notices/1")
            #expect(one.object["targetValue"] as? Int == 250)
            #expect(try await context.client.call("GET", "/notices/2").status == 404)
            let next = try await context.client.call(
                "POST", "/notices", #"{"registry":"CDM","notificationType":13,"messageContent":"CCS"}"#)
            #expect(next.object["notificationIdentifier"] as? Int == 2)
        }
    }

    @Test func aTypeTenUpdateResendsTheIdentifierAndChangesTheStoredNotice() async throws {
        try await withAdmin { context in
            _ = try await context.client.call(
                "POST", "/notices",
                #"{"registry":"CDM","notificationType":3,"notificationIdentifier":40,"messageContent":"expiry"}"#)
            let update = try await context.client.call(
                "POST", "/notices",
                #"""
                {"registry":"CDM","notificationType":10,"notificationIdentifier":40,"notificationStatus":3,
                 "messageContent":"done"}
                """#)
            #expect(update.status == 200)
            let sent = context.registry.notices
            #expect(sent.map(\.notificationType) == [3, 10])
            #expect(sent.map(\.notificationIdentifier) == [40, 40])
            #expect(sent.last?.notificationStatus == 3)
            let stored = try #require(try context.notices.notice(40))
            #expect(stored.notificationType == 3 && stored.notificationStatus == 3)
            #expect(stored.messageContent == "done" && stored.updates == 1)

            let unknown = try await context.client.call(
                "POST", "/notices", #"{"registry":"CDM","notificationType":10,"notificationIdentifier":41}"#)
            #expect(unknown.status == 404)
            let reused = try await context.client.call(
                "POST", "/notices",
                #"{"registry":"CDM","notificationType":4,"notificationIdentifier":40,"messageContent":"x"}"#)
            #expect(reused.status == 409)
            let badType = try await context.client.call(
                "POST", "/notices", #"{"registry":"CDM","notificationType":14,"messageContent":"x"}"#)
            #expect(badType.status == 400)
            #expect(badType.error?.contains("notificationType") == true)
            let badDate = try await context.client.call(
                "POST", "/notices",
                #"{"registry":"CDM","notificationType":6,"messageContent":"x","targetDate":"2019-13-01"}"#)
            #expect(badDate.status == 400)
            #expect(badDate.error?.contains("targetDate") == true)
            #expect(context.registry.notices.count == 2)
            #expect(try context.notices.all().count == 1)
        }
    }

    @Test func everyNoticeTypeIsAccepted() async throws {
        try await withAdmin { context in
            for type in 1...13 where type != 10 {
                let answer = try await context.client.call(
                    "POST", "/notices", #"{"registry":"CDM","notificationType":\#(type),"messageContent":"t"}"#)
                #expect(answer.status == 200)
            }
            #expect(context.registry.notices.map(\.notificationType) == [1, 2, 3, 4, 5, 6, 7, 8, 9, 11, 12, 13])
        }
    }

    @Test func reconciliationsAndRecordFaultsOverHTTP() async throws {
        try await withAdmin { context in
            let fault = try await context.client.call(
                "PUT", "/record-faults", #"{"registry":"CDM","hideFirst":1,"hideLast":5}"#)
            #expect(fault.status == 200)
            #expect(fault.object["hideLast"] as? Int == 5)
            let faults = try await context.client.call("GET", "/record-faults")
            #expect((faults.object["CDM"] as? [String: Any])?["hideFirst"] as? Int == 1)
            let started = try await context.client.call("POST", "/reconciliations", #"{"registry":"CDM"}"#)
            #expect(started.status == 200)
            let id = try #require(started.object["reconciliationIdentifier"] as? String)
            _ = try await context.driver.finished(id)
            let shown = try await context.client.call("GET", "/reconciliations/\(id)")
            #expect(shown.object["status"] as? Int == 4)
            #expect(shown.object["phase"] as? Int == 3)
            #expect(shown.object["registry"] as? String == "CDM")
            let differences = try #require(shown.object["differences"] as? [String: Any])
            #expect((differences["blocks"] as? [Any])?.count == 1)
            #expect(shown.object["auditTrail"] as? [String] == [])

            let cleared = try await context.client.call("DELETE", "/record-faults")
            #expect(cleared.status == 200)
            let again = try await context.client.call("POST", "/reconciliations", #"{"registry":"CDM"}"#)
            let second = try #require(again.object["reconciliationIdentifier"] as? String)
            _ = try await context.driver.finished(second)
            let listed = try await context.client.call("GET", "/reconciliations")
            let all = try #require(listed.object["reconciliations"] as? [[String: Any]])
            #expect(all.map { $0["status"] as? Int } == [4, 0])

            #expect(try await context.client.call("POST", "/reconciliations", #"{"registry":"RU"}"#).status == 404)
            #expect(try await context.client.call("GET", "/reconciliations/ITL-R77").status == 404)
            #expect(try await context.client.call("PUT", "/record-faults", #"{"registry":"CDM"}"#).status == 400)
            #expect(
                try await context.client.call("PUT", "/record-faults", #"{"registry":"CDM","hideFirst":9}"#).status
                    == 400)
            #expect(try await context.client.call("PATCH", "/reconciliations").status == 405)
            #expect(try await context.client.call("GET", "/no-such-route").status == 404)
        }
    }

    @Test func aCancellationAnsweringANoticeCarriesItsIdentifierInTheLog() async throws {
        try await withAdmin { context in
            var proposal = try Fixture.proposal(
                "CDM5", type: .cancellation, acquiring: .cdm, acquiringAccountType: .excessIssuanceCancellation,
                blocks: [try Fixture.cer(1, 10)])
            proposal.proposedTransaction.notificationIdentifier = 40
            #expect(try await context.relay.propose(proposal, .cdm) == .received)
            let shown = try await context.client.call("GET", "/transactions/CDM5")
            #expect(shown.object["notificationIdentifier"] as? Int == 40)
            #expect(shown.object["status"] as? Int == 2)
        }
    }
}

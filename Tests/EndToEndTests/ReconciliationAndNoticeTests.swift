import Foundation
import NIOHTTP1
import RegistryAdmin
import RegistrySandbox
import Testing

/// Issue 8 end to end: itl-sim drives reconciliations against the daemon and sends notices.
@Suite("End to end: reconciliation and ITL notices", .timeLimit(.minutes(3)))
struct ReconciliationAndNoticeTests {
    private func setUp(_ network: RegistryNetwork) async throws {
        try await network.registerProjectAndIssue(last: 10_000, toHolder: 2_000)
        let toJapan = try await network.ctl(
            "forward",
            ["project": 1001, "issuance": 1, "to": "JP-100-77-0", "quantity": 500, "instructedBy": "pp:andes"])
        #expect(try await network.awaitFinal(toJapan["transaction"]?.stringValue ?? "") == 4)
    }

    /// Starts a reconciliation at the ITL and waits for its final status.
    private func reconcile(_ network: RegistryNetwork) async throws -> JSONValue {
        let started = try await network.simulator("ITL", .POST, "/reconciliations", ["registry": "CDM"])
        let id = started["reconciliationIdentifier"]?.stringValue ?? ""
        var last: JSONValue = .null
        try await eventually("reconciliation \(id) ends") {
            last = try await network.simulator("ITL", .GET, "/reconciliations/\(id)")
            return last["status"] != 1
        }
        return last
    }

    @Test(
        "matching totals confirm (0); a snapshot with transfers in flight reconciles; a record fault goes to blocks and audit trail, result 4, alert raised and cleared"
    )
    func reconciliations() async throws {
        let network = try RegistryNetwork(clockStart: "2020-06-01T00:00:00Z", nationalRegistries: ["JP"])
        try await stopping(network) {
            try await network.start()
            try await setUp(network)
            let matching = try await reconcile(network)
            #expect(matching["status"] == 0, "\(matching)")
            #expect(matching["phase"] == 1, "totals only")

            // Transfers in flight while the snapshot is taken: JP answers late, the snapshot holds them here.
            try await network.simulator("ITL", .PUT, "/faults/JP", ["delayMilliseconds": 800])
            var inFlight: [String] = []
            for _ in 0..<3 {
                let result = try await network.ctl(
                    "transfer", ["from": "CDM-100-5001-0", "to": "JP-100-77-0", "quantity": 20])
                inFlight.append(result["transaction"]?.stringValue ?? "")
            }
            let during = try await reconcile(network)
            #expect(during["status"] == 0, "a snapshot taken with transfers in flight reconciles: \(during)")
            try await network.simulator("ITL", .PUT, "/faults/JP", [:])
            for id in inFlight { #expect(try await network.awaitFinal(id) == 4) }

            // The ITL's record made to differ: blocks, audit trail, result 4, the daemon raises an alert.
            try await network.simulator(
                "ITL", .PUT, "/record-faults", ["registry": "CDM", "hideFirst": 9_001, "hideLast": 9_100])
            let inconsistent = try await reconcile(network)
            #expect(inconsistent["status"] == 4, "\(inconsistent)")
            #expect(inconsistent["phase"] == 3, "went to unit blocks and audit trail")
            let id = inconsistent["identifier"]?.stringValue ?? ""
            try await eventually("the daemon records the result and raises an alert") {
                let list = try await network.ctl("reconciliation.list").arrayValue ?? []
                return list.contains { $0["reconciliation"]?.stringValue == id && $0["alert"] == true }
            }
            let status = try await network.ctl("status")
            #expect(status["reconciliationAlerts"] == [.string(id)])
            let held = await refusal {
                try await network.ctl("transfer", ["from": "CDM-100-5001-0", "to": "JP-100-77-0", "quantity": 1])
            }
            #expect(held?.code == "held-by-reconciliation", "\(String(describing: held))")
            try await network.simulator("ITL", .DELETE, "/record-faults")
            try await network.ctl(
                "reconciliation.clear", ["reconciliation": .string(id), "note": "ITL record corrected"])
            let released = try await network.ctl(
                "transfer", ["from": "CDM-100-5001-0", "to": "JP-100-77-0", "quantity": 1])
            #expect(try await network.awaitFinal(released["transaction"]?.stringValue ?? "") == 4)
            #expect(try await reconcile(network)["status"] == 0)
            try await network.expectThreeWayAgreement()
        }
    }

    @Test(
        "notices: excess issuance (6) and CCS (12, 13) cancel with the notice id, expiry (3) is a task, an update (10) changes it, type 1 needs nothing"
    )
    func notices() async throws {
        let network = try RegistryNetwork(clockStart: "2020-06-01T00:00:00Z", nationalRegistries: ["JP"])
        try await stopping(network) {
            try await network.start()
            try await setUp(network)
            let pending = try await network.balance("CDM-110-1110-0")
            func send(_ type: Int64, _ id: Int64, target: Int64? = nil, status: Int64 = 1) async throws {
                var body: [String: JSONValue] = [
                    "registry": "CDM", "notificationType": .integer(type), "notificationIdentifier": .integer(id),
                    "notificationStatus": .integer(status), "messageContent": .string("notice \(id)"),
                    "projectNumber": "1001",
                    "unitType": 5, "commitPeriod": 2, "actionDueDate": "2020-12-31",
                ]
                if let target { body["targetValue"] = .integer(target) }
                let answer = try await network.simulator("ITL", .POST, "/notices", .object(body))
                #expect(answer["delivery"] == "received", "\(answer)")
            }
            try await send(6, 101, target: 40)
            try await send(12, 102, target: 5)
            try await send(13, 103, target: 5)
            try await send(3, 104)
            try await send(1, 105)
            try await send(10, 104, status: 3)
            let notices = try await network.ctl("notices.list").arrayValue ?? []
            func notice(_ id: Int64) -> JSONValue? { notices.first { $0["notice"]?.integerValue == id } }
            for id: Int64 in [101, 102, 103] {
                let transactions = notice(id)?["transactions"]?.arrayValue ?? []
                #expect(transactions.count == 1, "notice \(id): \(String(describing: notice(id)))")
                let transaction = transactions.first?.stringValue ?? ""
                #expect(try await network.awaitFinal(transaction) == 4)
                let logged = try await network.simulator("ITL", .GET, "/transactions/\(transaction)")
                #expect(logged["notificationIdentifier"]?.integerValue == id, "the ITL records the notice id")
            }
            #expect(notice(104)?["taskOpen"] == false, "the update marked the expiry notice completed")
            #expect(notice(104)?["status"] == 3)
            #expect(notice(105)?["action"]?.stringValue?.hasPrefix("no action") == true)
            #expect(try await network.balance("CDM-240-2240-2") == 40)
            #expect(try await network.balance("CDM-241-2241-2") == 5)
            #expect(try await network.balance("CDM-242-2242-2") == 5)
            #expect(try await network.balance("CDM-110-1110-0") == pending - 50)
            try await network.expectThreeWayAgreement()

            // Administrators' free text (acceptMessage), and the ITL's clock check (provideTime).
            let text = "ITL maintenance on 2020-06-14, 08:00-12:00 UTC: no transactions then."
            let sent = try await network.simulator(
                "ITL", .POST, "/messages", ["registry": "CDM", "text": .string(text)])
            #expect(sent["delivery"] == "received", "\(sent)")
            let messages = try await network.registryctl(["messages"]).arrayValue ?? []
            #expect(messages.count == 1 && messages.first?["text"]?.stringValue == text)
            let time = try await network.simulator("ITL", .POST, "/time-checks", ["registry": "CDM"])
            #expect(time["delivery"] == "received", "\(time)")
            #expect(time["systemTime"]?.stringValue?.hasPrefix("2020-06-01") == true, "the daemon's registry clock")

            // And the other way: the registry's operator writes to the ITL's administrators.
            let reply = "Noted; our operators stand by on 2020-06-14."
            _ = try await network.registryctl(["messages", "send", reply])
            try await eventually("the ITL receives the registry's message") {
                let received = try await network.simulator("ITL", .GET, "/messages")["messages"]?.arrayValue ?? []
                return received.contains { $0["registry"] == "CDM" && $0["text"]?.stringValue == reply }
            }
            await #expect(throws: AdminError.self, "an empty message is refused") {
                try await network.ctl("message.send", ["text": "   "])
            }
        }
    }

    private func refusal(_ body: () async throws -> Void) async -> AdminError? {
        do {
            try await body()
            return nil
        } catch let error as AdminError {
            return error
        } catch {
            return AdminError(code: "other", message: "\(error)")
        }
    }
}

import Foundation
import NIOHTTP1
import RegistryAdmin
import RegistrySandbox
import Testing

/// The whole network as processes on loopback (issue 5): each test starts its own itl-sim, registry-sims for CH,
/// GB, DE and JP and cdm-registryd, drives them as an operator would, checks the three-way agreement after every
/// scenario and stops every process, also when it fails.
@Suite("End to end: cdm-registryd, itl-sim and registry-sims as processes", .timeLimit(.minutes(3)))
struct EndToEndScenarioTests {
    static let holder = "CDM-100-5001-0"
    static let japan = "JP-100-77-0"
    static let germany = "DE-100-77-0"
    static let swiss = "CH-100-77-0"
    static let britain = "GB-100-77-0"

    private func withNetwork(clockStart: String, _ body: (RegistryNetwork) async throws -> Void) async throws {
        let network = try RegistryNetwork(clockStart: clockStart)
        try await stopping(network) {
            try await network.start()
            try await body(network)
        }
    }

    private func setUp(_ network: RegistryNetwork, sopAdminDue: Int64 = 0) async throws {
        try await network.registerProjectAndIssue(last: 10_000, sopAdminDue: sopAdminDue)
    }

    private func issuance(_ number: Int64, first: Int64, last: Int64, period: Int64, sopAdminDue: Int64 = 0)
        -> [String: JSONValue]
    {
        [
            "project": 1001, "issuance": .integer(number), "unitType": "CER", "firstSerial": .integer(first),
            "lastSerial": .integer(last), "commitmentPeriod": .integer(period), "monitoringStart": "2019-01-01",
            "monitoringEnd": "2019-12-31", "sopAdminDue": .integer(sopAdminDue),
        ]
    }

    private func forward(_ network: RegistryNetwork, _ quantity: Int64, to account: String, issuance: Int64 = 1)
        async throws -> String
    {
        let result = try await network.ctl(
            "forward",
            [
                "project": 1001, "issuance": .integer(issuance), "to": .string(account),
                "quantity": .integer(quantity), "instructedBy": "pp:andes",
            ])
        return result["transaction"]?.stringValue ?? ""
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

    @Test("1 issuance with SOP, 2 forward to JP, 5 unknown account 5902, 3 CH rules, 10 DE to a CDM account")
    func mainScenarios() async throws {
        try await withNetwork(clockStart: "2020-12-31T10:00:00Z") { network in
            // 1. Issuance with the 2% share of proceeds; SOP-Admin in two instalments; forwarding in two parts.
            try await setUp(network, sopAdminDue: 100)
            #expect(try await network.balance("CDM-110-1110-0") == 9_800)
            #expect(try await network.balance("CDM-100-1100-0") == 200, "2% of 10000 to the Adaptation Fund")
            try await network.ctl("sopAdmin.pay", ["project": 1001, "issuance": 1, "amount": 50])
            let first = try await forward(network, 3_000, to: Self.holder)
            #expect(try await network.awaitFinal(first) == 4)
            let beyond = await refusal { _ = try await forward(network, 2_000, to: Self.germany) }
            #expect(
                beyond?.code == "ledger-refused",
                "only 4900 released after half the SOP-Admin: \(String(describing: beyond))")
            try await network.ctl("sopAdmin.pay", ["project": 1001, "issuance": 1, "amount": 50])
            let second = try await forward(network, 2_000, to: Self.germany)
            #expect(try await network.awaitFinal(second) == 4)
            #expect(try await network.balance(Self.holder) == 3_000)
            #expect(try await network.nationalQuantity("DE") == 2_000)
            try await network.expectThreeWayAgreement()

            // 2. Forward to a JP account: units gone from CDM, present in JP, the ITL agrees.
            let toJapan = try await forward(network, 1_000, to: Self.japan)
            #expect(try await network.awaitFinal(toJapan) == 4)
            #expect(try await network.nationalQuantity("JP") == 1_000)
            try await network.expectThreeWayAgreement()

            // 5. The acquiring account does not exist: Rejected 5902, units back where they were.
            let pendingBefore = try await network.balance("CDM-110-1110-0")
            let missing = try await forward(network, 100, to: "JP-100-999-0")
            #expect(try await network.awaitFinal(missing) == 6)
            #expect(try await network.transaction(missing)["responseCodes"] == [5902])
            #expect(try await network.balance("CDM-110-1110-0") == pendingBefore)
            try await network.expectThreeWayAgreement()

            // 3. CP1 units to CH after 2015-04-30: refused before anything is reserved; CP2 units to CH complete.
            let cp1 = try await network.ctl("issue", issuance(2, first: 20_001, last: 21_000, period: 1))
            #expect(try await network.awaitFinal(cp1["transaction"]?.stringValue ?? "") == 4)
            let before = try await network.ctl("transactions.list", ["state": "all"]).arrayValue?.count
            let refused = await refusal { _ = try await forward(network, 100, to: Self.swiss, issuance: 2) }
            #expect(refused?.code == "rule-refused")
            #expect(refused?.message.contains("CH-REFUSES-CP1-UNITS") == true, "\(String(describing: refused))")
            #expect(try await network.ctl("transactions.list", ["state": "all"]).arrayValue?.count == before)
            #expect(
                try await network.ctl("ledger.blocks").arrayValue?.contains {
                    $0["location"]?.stringValue?.hasPrefix("reserved") == true
                } == false)
            let cp2 = try await forward(network, 100, to: Self.swiss)
            #expect(try await network.awaitFinal(cp2) == 4)
            try await network.expectThreeWayAgreement()

            // 10. A transfer from a DE account to a CDM holding account: accepted and credited.
            let proposed = try await network.simulator(
                "DE", .POST, "/proposals",
                [
                    "fromAccount": .integer(RegistryNetwork.nationalAccount), "quantity": 500, "toRegistry": "CDM",
                    "toAccountType": 100, "toAccountIdentifier": 5001,
                ])
            let incoming = proposed["transactionIdentifier"]?.stringValue ?? ""
            #expect(try await network.awaitFinal(incoming) == 4)
            try await eventually("DE completes \(incoming)") {
                (try? await network.simulator("DE", .GET, "/transactions/\(incoming)")["status"]) == 4
            }
            #expect(try await network.balance(Self.holder) == 3_500)
            #expect(try await network.nationalQuantity("DE") == 1_500)
            try await network.expectThreeWayAgreement()

            // The pending account's blocks (issuances 1 and 2, apart) a page of one at a time (registryctl account
            // blocks): every unit, in serial order.
            let pending = "CDM-110-1110-0"
            var pages: [JSONValue] = []
            var after: String?
            repeat {
                let page = try await network.registryctl(
                    ["account", "blocks", pending, "--limit", "1"] + (after.map { ["--after", $0] } ?? []))
                pages += page["blocks"]?.arrayValue ?? []
                after = page["next"]?.stringValue
            } while after != nil && pages.count < 100
            #expect(pages.count >= 2, "issuances 1 and 2: \(pages)")
            #expect(pages.compactMap { $0["quantity"]?.integerValue }.reduce(0, +) == (try await network.balance(pending)))
            let firsts = pages.compactMap { $0["first"]?.integerValue }
            #expect(firsts == firsts.sorted() && pages.allSatisfy { $0["project"] == 1001 })
            let badCursor = await refusal {
                _ = try await network.ctl("account.blocks", ["account": .string(Self.holder), "after": "1200"])
            }
            #expect(badCursor?.code == "invalid-argument" && badCursor?.message.contains("REGISTRY:SERIAL") == true)
            let unknown = await refusal { _ = try await network.ctl("account.blocks", ["account": "CDM-100-9999-0"]) }
            #expect(unknown?.code == "unknown-account")
            let status = try await network.registryctl(["status"])
            #expect(status["registry"] == "CDM")
        }
    }

    @Test("4 GB: 2020-12-31 completes, 2021-01-02 refused; 6 an ITL check fails: Terminated with the code")
    func datedRulesAndITLChecks() async throws {
        try await withNetwork(clockStart: "2020-12-31T10:00:00Z") { network in
            try await setUp(network)
            let lastDay = try await forward(network, 100, to: Self.britain)
            #expect(try await network.awaitFinal(lastDay) == 4)
            #expect(try await network.nationalQuantity("GB") == 100)
            try await network.expectThreeWayAgreement()

            await network.daemon?.stop()
            try await network.startDaemon(clockStart: "2021-01-02T10:00:00Z")
            let closed = await refusal { _ = try await forward(network, 100, to: Self.britain) }
            #expect(closed?.code == "rule-refused", "\(String(describing: closed))")
            try await network.expectThreeWayAgreement()

            // 6. The ITL's registry check fails (the acquiring registry is not operational): status 3, Terminated.
            let pending = try await network.balance("CDM-110-1110-0")
            let dormant = try await forward(network, 100, to: "\(RegistryNetwork.dormantRegistry)-100-1-0")
            #expect(try await network.awaitFinal(dormant) == 5)
            #expect(try await network.transaction(dormant)["responseCodes"] == [5004])
            #expect(try await network.balance("CDM-110-1110-0") == pending, "nothing changed")
            try await network.expectThreeWayAgreement()
        }
    }

    @Test("7 the ITL offline when proposing: retried, completes; 9 duplicated and reordered ITL messages")
    func offlineAndDisorderlyITL() async throws {
        try await withNetwork(clockStart: "2020-12-31T10:00:00Z") { network in
            try await setUp(network)
            try await network.simulator("ITL", .PUT, "/offline", ["offline": true])
            let during = try await forward(network, 100, to: Self.japan)
            try await eventually("the proposal is retried") {
                (try await network.ctl("outbox.list").arrayValue ?? []).contains {
                    ($0["attempts"]?.integerValue ?? 0) >= 2
                }
            }
            #expect(try await network.transaction(during)["final"] == false)
            try await network.simulator("ITL", .PUT, "/offline", ["offline": false])
            #expect(try await network.awaitFinal(during) == 4)
            try await network.expectThreeWayAgreement()

            try await network.simulator("ITL", .PUT, "/faults/CDM", ["duplicate": true, "reorder": true])
            var transfers: [String] = []
            for _ in 0..<4 { transfers.append(try await forward(network, 10, to: Self.japan)) }
            for id in transfers { #expect(try await network.awaitFinal(id, timeout: .seconds(60)) == 4) }
            #expect(try await network.nationalQuantity("JP") == 140, "each transfer credited once")
            #expect(try await network.balance("CDM-110-1110-0") == 9_800 - 140, "each transfer debited once")
            try await network.simulator("ITL", .PUT, "/faults/CDM", [:])
            try await network.expectThreeWayAgreement()
        }
    }

    @Test("8 the daemon killed with SIGKILL between proposal and completion: restarted, all three agree")
    func crashBetweenProposalAndCompletion() async throws {
        try await withNetwork(clockStart: "2020-12-31T10:00:00Z") { network in
            try await setUp(network)
            try await network.simulator("ITL", .PUT, "/faults/JP", ["delayMilliseconds": 1_500])
            let id = try await forward(network, 250, to: Self.japan)
            try await eventually("the ITL relays \(id) to JP (status 2 in its log)") {
                (try? await network.simulator("ITL", .GET, "/transactions/\(id)")["status"]) == 2
            }
            network.daemon?.kill()
            try await Task.sleep(for: .seconds(2))
            try await network.simulator("ITL", .PUT, "/faults/JP", [:])
            try await network.startDaemon()
            let status = try await network.awaitFinal(id, timeout: .seconds(60))
            #expect(status == 4 || status == 7, "completed or cancelled, got \(status)")
            try await eventually("JP and the ITL settle") {
                let quantity = try await network.nationalQuantity("JP")
                return quantity == (status == 4 ? 250 : 0)
            }
            try await network.expectThreeWayAgreement()
        }
    }
}

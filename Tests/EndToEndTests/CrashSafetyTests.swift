import Foundation
import NIOHTTP1
import RegistryAdmin
import RegistrySandbox
import Testing

/// Issue 4: the daemon killed with SIGKILL at random points of a run of transfers, restarted each time; in the end
/// every transaction is final, the ledger verifies, quantities are conserved and the ITL and JP agree with it.
@Suite("End to end: crash safety under SIGKILL", .timeLimit(.minutes(4)))
struct CrashSafetyTests {
    @Test("four SIGKILLs at random moments of a run of transfers: every transaction final, all three agree")
    func killedAtRandomPoints() async throws {
        let seed = UInt64(ProcessInfo.processInfo.environment["CRASH_SEED"] ?? "") ?? UInt64.random(in: 1...999_999)
        print("crash safety seed \(seed) (replay with CRASH_SEED=\(seed))")
        var random = SeededRandom(seed: seed)
        let network = try RegistryNetwork(clockStart: "2020-06-01T00:00:00Z", nationalRegistries: ["JP"])
        try await stopping(network) {
            try await network.start()
            try await network.registerProjectAndIssue(last: 10_000, toHolder: 5_000)

            for round in 0..<4 {
                let killAfter = Duration.milliseconds(Int64(random.next(upTo: 400)))
                let killer = Task {
                    try await Task.sleep(for: killAfter)
                    network.daemon?.kill()
                }
                for _ in 0..<12 {
                    let quantity = Int64(1 + random.next(upTo: 5))
                    // A call cut by the kill may or may not have created its transaction: both are fine.
                    _ = try? await network.ctl(
                        "transfer", ["from": "CDM-100-5001-0", "to": "JP-100-77-0", "quantity": .integer(quantity)])
                }
                try await killer.value
                network.daemon?.kill()
                try await network.startDaemon()
                print("round \(round): killed after \(killAfter), restarted")
            }

            try await eventually("every transaction final", timeout: .seconds(120)) {
                (try await network.ctl("transactions.list", ["state": "in-flight"]).arrayValue ?? [nil]).isEmpty
            }
            let all = try await network.ctl("transactions.list", ["state": "all", "limit": 1_000]).arrayValue ?? []
            var completedToJapan: Int64 = 0
            for transaction in all where transaction["flow"] == "externalTransfer" {
                let status = transaction["status"]?.integerValue ?? 0
                #expect([4, 5, 6, 7].contains(status), "\(transaction)")
                if status == 4 { completedToJapan += transaction["quantity"]?.integerValue ?? 0 }
            }
            try await eventually("JP holds what completed") {
                try await network.nationalQuantity("JP") == completedToJapan
            }
            #expect(try await network.balance("CDM-100-5001-0") == 5_000 - completedToJapan, "quantities conserved")
            try await network.expectThreeWayAgreement()
        }
    }
}

/// SplitMix64: a seeded generator so a failing run can be replayed.
struct SeededRandom {
    private var state: UInt64
    init(seed: UInt64) { state = seed }

    mutating func next(upTo bound: UInt64) -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return (z ^ (z >> 31)) % max(bound, 1)
    }
}

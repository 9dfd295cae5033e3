import BenchmarkSupport
import Foundation
import Logging
import RegistrySandbox
import RegistryCore
import RegistryDaemon
import RegistryEngine
import RegistryNet
import Synchronization

// End-to-end benchmark (issue 4): completed external transfers per second and latency from proposal to Completed,
// with the ITL and a national registry as separate release-build processes, every party durable (SQLite FULL),
// mutual TLS on loopback. The daemon runs in this process (the same RegistryDaemon wiring as cdm-registryd) so the
// moment a transfer becomes final is observed exactly. In the same run: the HTTP stack's own ceiling.
//
//   swift build -c release && .build/release/e2e-bench 2>/tmp/e2e-bench.log
// After the latency table, a second one: CPU per process in each phase (from /proc/<pid>/stat).
//   options: --rate 200 --seconds 10 --saturation 3000 --window 256

let rate = option("--rate", 200)
let seconds = option("--seconds", 10)
let saturationCount = option("--saturation", 3000)
let window = option("--window", 256)
LoggingSystem.bootstrap { label in
    var handler = StreamLogHandler.standardError(label: label)
    handler.logLevel = .info
    return handler
}

/// When each transaction was proposed and when it became final.
final class Timings: Sendable {
    private let state = Mutex<(started: [TransactionIdentifier: ContinuousClock.Instant], latencies: [Double],
        statuses: [TransactionStatus: Int], finishedAt: ContinuousClock.Instant?)>(([:], [], [:], nil))

    func started(_ id: TransactionIdentifier, at instant: ContinuousClock.Instant) {
        state.withLock { $0.started[id] = instant }
    }

    func finished(_ id: TransactionIdentifier, _ status: TransactionStatus) {
        let now = ContinuousClock.now
        state.withLock { state in
            guard let start = state.started.removeValue(forKey: id) else { return }
            state.latencies.append(Measure.nanoseconds(start.duration(to: now)) / 1e6)
            state.statuses[status, default: 0] += 1
            state.finishedAt = now
        }
    }

    var completed: Int { state.withLock { $0.latencies.count } }
    var outstanding: Int { state.withLock { $0.started.count } }

    func reset() -> (latencies: [Double], statuses: [TransactionStatus: Int], finishedAt: ContinuousClock.Instant?) {
        state.withLock { state in
            defer { state = ([:], [], [:], nil) }
            return (state.latencies, state.statuses, state.finishedAt)
        }
    }
}

let network = try RegistryNetwork(clockStart: "2020-06-01T00:00:00Z", nationalRegistries: ["JP"])
var table = ResultTable("measurement", "offered", "completed/s", "p50 ms", "p99 ms", "max ms", "outcome")
var cpuTable = ResultTable("phase", "process", "CPU, % of one core", "CPU ms per transfer")
do {
    try await network.startITL()
    try await network.startRegistry("JP")
    var configuration = try DaemonConfiguration.load(path: try network.writeDaemonConfiguration())
    // Production timeouts: a benchmark backlog must not turn into status queries and cancellations.
    configuration.timeouts = .standard
    let registry = try await RegistryDaemon(configuration: configuration, logger: Logger(label: "e2e-bench")).start()
    let engine = registry.engine
    let timings = Timings()
    await engine.onFinal { id, status in timings.finished(id, status) }
    let sender = Task { await registry.sender.run() }

    // Set-up: a project, a holding account with a million CERs in it.
    let holder = try AccountIdentifier(registry: .cdm, type: .partyHolding, id: 5001)
    let japan = try AccountIdentifier(registry: "JP", type: .partyHolding, id: RegistryNetwork.nationalAccount)
    try await engine.perform(
        .registerProject(
            Project(
                number: 1001, title: "Bench Wind", hostParty: "CL", projectType: "Wind",
                isLeastDevelopedCountry: false, modalities: ["pp:bench"])))
    try await engine.perform(.openAccount(Account(identifier: holder, name: "Bench", kind: .permanentHolding)))
    let issuance = IssuanceIdentifier(project: 1001, number: 1)
    let issued = try await engine.propose(
        .issuance(
            IssuanceOrder(
                issuance: issuance, unitType: .cer, serials: try SerialRange(1, 1_000_000),
                originalCommitmentPeriod: .second, monitoringPeriodStart: try CalendarDate(parsing: "2019-01-01"),
                monitoringPeriodEnd: try CalendarDate(parsing: "2019-12-31"), sopAdminDue: 0)))
    timings.started(issued.identifier, at: .now)
    while timings.completed < 1 { try await Task.sleep(for: .milliseconds(10)) }
    _ = timings.reset()
    _ = try await engine.propose(
        .forward(ForwardOrder(issuance: issuance, to: holder, quantity: 900_000, instructedBy: "pp:bench")))

    func transfer() async {
        let start = ContinuousClock.now
        do {
            let summary = try await engine.propose(.transfer(TransferOrder(from: holder, to: japan, quantity: 1)))
            timings.started(summary.identifier, at: start)
        } catch {
            FileHandle.standardError.write(Data("transfer refused: \(error)\n".utf8))
        }
    }

    func drain(_ label: String, timeout: Duration = .seconds(120)) async throws {
        let deadline = ContinuousClock.now.advanced(by: timeout)
        while timings.outstanding > 0 && ContinuousClock.now < deadline { try await Task.sleep(for: .milliseconds(20)) }
        if timings.outstanding > 0 { print("\(label): \(timings.outstanding) transfers not final after \(timeout)") }
    }

    func report(_ label: String, offered: String, began: ContinuousClock.Instant) {
        let (latencies, statuses, finishedAt) = timings.reset()
        let elapsed = finishedAt.map { Measure.nanoseconds(began.duration(to: $0)) / 1e9 } ?? 1
        let outcome = statuses.sorted { $0.key.rawValue < $1.key.rawValue }.map { "\($0.value)x\($0.key.rawValue)" }
        table.add(
            label, offered, (Double(latencies.count) / elapsed).formatted(0),
            Measure.percentile(latencies, 0.5).formatted(1), Measure.percentile(latencies, 0.99).formatted(1),
            (latencies.max() ?? 0).formatted(1), outcome.joined(separator: " "))
    }

    // Warm-up: connections, caches.
    for _ in 0..<200 { await transfer() }
    try await drain("warm-up")
    _ = timings.reset()

    // Where the CPU goes, per process (2 cores = 200%): this process is the daemon plus the load generator.
    let processes: [(String, Int32)] = [
        ("cdm daemon + bench", 0), ("itl-sim", network.itl?.processIdentifier ?? -1),
        ("registry-sim JP", network.registries["JP"]?.processIdentifier ?? -1),
    ]
    func recordCPU(_ phase: String, since before: ProcessCPU.Snapshot, transfers: Int) {
        let after = ProcessCPU.Snapshot(processes)
        let perTransfer = Dictionary(
            uniqueKeysWithValues: after.millisecondsPerTransfer(since: before, transfers: transfers))
        var total = 0.0
        for (name, share) in after.coreShare(since: before) {
            total += share
            cpuTable.add(phase, name, share.formatted(0), (perTransfer[name] ?? 0).formatted(2))
        }
        cpuTable.add(phase, "all three", total.formatted(0), perTransfer.values.reduce(0, +).formatted(2))
    }

    // Fixed offered rate.
    let total = rate * seconds
    let fixedCPU = ProcessCPU.Snapshot(processes)
    let began = ContinuousClock.now
    await withTaskGroup(of: Void.self) { group in
        for index in 0..<total {
            let due = began.advanced(by: .nanoseconds(Int64(index) * 1_000_000_000 / Int64(rate)))
            try? await Task.sleep(until: due)
            group.addTask { await transfer() }
        }
    }
    try await drain("fixed rate")
    recordCPU("\(rate)/s offered", since: fixedCPU, transfers: timings.completed)
    report("transfers at a fixed rate", offered: "\(rate)/s for \(seconds) s", began: began)

    // Saturation: as fast as the network completes them, `window` outstanding at most.
    let saturationCPU = ProcessCPU.Snapshot(processes)
    let saturationBegan = ContinuousClock.now
    await withTaskGroup(of: Void.self) { group in
        for _ in 0..<saturationCount {
            while timings.outstanding >= window { try? await Task.sleep(for: .milliseconds(1)) }
            group.addTask { await transfer() }
        }
    }
    try await drain("saturation")
    recordCPU("saturation", since: saturationCPU, transfers: timings.completed)
    report("transfers at saturation", offered: "\(saturationCount), \(window) in flight", began: saturationBegan)

    sender.cancel()
    await registry.shutdown()

    // The ceiling of the HTTP stack: keep-alive mutual-TLS requests of a proposal's size, do-nothing handler.
    let ceiling = try await HTTPCeiling.measure(certificates: network.path("certs"), seconds: 5)
    table.add(
        "HTTP ceiling (same libraries, do-nothing handler)", "\(ceiling.concurrency) concurrent",
        ceiling.requestsPerSecond.formatted(0), ceiling.p50.formatted(2), ceiling.p99.formatted(2), "-",
        "\(ceiling.bytes)-byte bodies")
} catch {
    print("e2e-bench failed: \(error)")
    if let itl = network.itl { print(itl.tail()) }
}
await network.stop()
print(table.render())
print(cpuTable.render())
print("Each external transfer is 6 HTTPS requests on loopback (CDM->ITL proposal, ITL->JP proposal, JP->ITL 8,")
print("ITL->CDM 8, CDM->ITL 4, ITL->JP 4); every party commits durably (SQLite synchronous=FULL) at each step.")

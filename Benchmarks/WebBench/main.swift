import AsyncHTTPClient
import BenchmarkSupport
import Foundation
import Logging
import NIOCore
import RegistryCore
import RegistryPlatform
import RegistryPublic
import RegistryStore
import RegistryWeb
import Synchronization

// The public listeners under load: the public reports over a registry store of 500 projects and 1,000 issuances,
// and the online platform's pages over 2,000 open offers, each served by the same `WebServer` the daemon runs,
// on loopback, keep-alive HTTP/1.1, `--clients` concurrent clients for `--seconds` per page. In the same run the
// baseline: the same server with a do-nothing handler answering a body of the median page's size.
//
//   swift build -c release && .build/release/web-bench            options: --seconds 3 --clients 16

let seconds = option("--seconds", 3)
let clients = option("--clients", 16)
let logger: Logger = {
    var logger = Logger(label: "web-bench")
    logger.logLevel = .error
    return logger
}()
let folder = FileManager.default.temporaryDirectory.appendingPathComponent("web-bench-\(UUID().uuidString)")
try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
defer { try? FileManager.default.removeItem(at: folder) }

// MARK: Data

/// A registry store with `projects` projects, two issuances each (the Adaptation Fund's share included).
func registryStore(projects: Int) throws -> String {
    let path = folder.appendingPathComponent("registry.sqlite").path
    let store = try SQLiteRegistryStore(path: path)
    let start = Date(timeIntervalSince1970: 1_600_000_000)
    var commands = Ledger.cdmStandardAccounts.map { TimedCommand(.openAccount($0), at: start) }
    let types = ["Wind", "Hydro", "Solar", "Biomass", "Landfill gas"]
    let hosts: [RegistryCode] = ["CL", "IN", "BR", "CN", "VN", "KE"]
    var serial: Int64 = 1
    for number in 1...projects {
        commands.append(
            TimedCommand(
                .registerProject(
                    Project(
                        number: number, title: "Project \(number) \(types[number % types.count])",
                        hostParty: hosts[number % hosts.count], projectType: types[number % types.count],
                        isLeastDevelopedCountry: number % 7 == 0, modalities: ["pp:\(number)"])), at: start))
        for issuance in 1...2 {
            let count = Int64(1_000 + number % 500)
            commands.append(
                TimedCommand(
                    .issue(
                        IssuanceOrder(
                            issuance: IssuanceIdentifier(project: number, number: issuance), unitType: .cer,
                            serials: try SerialRange(start: serial, count: count), originalCommitmentPeriod: .second,
                            monitoringPeriodStart: try CalendarDate(parsing: "201\(issuance + 5)-01-01"),
                            monitoringPeriodEnd: try CalendarDate(parsing: "201\(issuance + 5)-12-31"),
                            sopAdminDue: 0)), at: start.addingTimeInterval(Double(number * 10 + issuance))))
            serial += count
        }
    }
    _ = try store.performAll(commands)
    try store.close()
    return path
}

/// Holds without a ledger behind them: the platform's pages read only its own store.
final class BenchRegistry: PlatformRegistry {
    let next = Mutex(0)

    func holdUnits(_ request: HoldRequest) async throws(PlatformRegistryError) -> HeldUnits {
        let number = next.withLock { value in
            value += 1
            return value
        }
        let types = ["Wind", "Hydro", "Solar", "Biomass", "Landfill gas"]
        let hosts = ["CL", "IN", "BR", "CN", "VN", "KE"]
        guard let hold = try? TransactionIdentifier("CDM\(number)") else { throw PlatformRegistryError("identifier") }
        return HeldUnits(
            hold: hold, quantity: request.quantity, project: 1_000 + number % 400,
            projectTitle: "Project \(number % 400) \(types[number % types.count])",
            projectType: types[number % types.count], hostParty: hosts[number % hosts.count], unitType: .cer,
            commitmentPeriod: number % 3 == 0 ? .first : .second, vintage: 2013 + number % 10)
    }

    func releaseHeld(_ hold: TransactionIdentifier, quantity: Int64, reference: String) async
        throws(PlatformRegistryError) -> Int64
    { quantity }

    func cancelHeld(_ request: HeldCancellationRequest) async throws(PlatformRegistryError) -> TransactionIdentifier {
        throw PlatformRegistryError("the benchmark sells nothing")
    }

    func cancellationOutcome(_ transaction: TransactionIdentifier) async throws(PlatformRegistryError)
        -> CancellationOutcome?
    { nil }

    func attestationDocument(for transaction: TransactionIdentifier) async throws(PlatformRegistryError) -> String? {
        nil
    }
}

func platform(offers: Int) async throws -> OnlinePlatform {
    let secret = Array("web-bench-webhook-secret-0123456789".utf8)
    let platform = try OnlinePlatform(
        store: try PlatformStore(path: folder.appendingPathComponent("platform.sqlite").path),
        registry: BenchRegistry(),
        payments: SimulatedPaymentProvider(baseURL: "http://127.0.0.1:9", secret: secret),
        configuration: PlatformConfiguration(baseURL: "http://127.0.0.1:9", webhookSecret: secret), logger: logger)
    let account = try AccountIdentifier(registry: .cdm, type: .partyHolding, id: 5001)
    for index in 0..<offers {
        _ = try await platform.createOffer(
            OfferRequest(
                account: account, seller: "Seller \(index % 50)", quantity: Int64(100 + index % 900),
                pricePerUnit: Money(minorUnits: Int64(150 + (index * 37) % 2_000), currency: try CurrencyCode("EUR")),
                validUntil: Date().addingTimeInterval(365 * 86_400)))
    }
    return platform
}

/// Answers every request with the same body: the HTTP server's own cost.
struct FixedPage: WebHandler {
    let body: [UInt8]
    func respond(to request: WebRequest) async -> WebResponse {
        WebResponse(status: 200, headers: [("Content-Type", "text/html; charset=utf-8")], body: body)
    }
}

// MARK: Load

struct Load {
    var requestsPerSecond: Double
    var p50: Double
    var p99: Double
    var bytes: Int
    var failures: Int
}

func load(_ client: HTTPClient, _ url: String) async throws -> Load {
    var probe = HTTPClientRequest(url: url)
    probe.method = .GET
    let first = try await client.execute(probe, timeout: .seconds(30))
    let bytes = try await first.body.collect(upTo: 16 << 20).readableBytes
    guard first.status == .ok else { throw BenchError("\(url) answered \(first.status)") }
    let deadline = ContinuousClock.now.advanced(by: .seconds(seconds))
    let started = ContinuousClock.now
    let results = try await withThrowingTaskGroup(of: ([Double], Int).self) { group in
        for _ in 0..<clients {
            group.addTask {
                var latencies: [Double] = []
                var failures = 0
                while ContinuousClock.now < deadline {
                    let begin = ContinuousClock.now
                    var request = HTTPClientRequest(url: url)
                    request.method = .GET
                    let response = try await client.execute(request, timeout: .seconds(30))
                    _ = try await response.body.collect(upTo: 16 << 20)
                    if response.status != .ok { failures += 1 }
                    latencies.append(Measure.nanoseconds(begin.duration(to: .now)) / 1e6)
                }
                return (latencies, failures)
            }
        }
        var all: ([Double], Int) = ([], 0)
        for try await (latencies, failures) in group {
            all.0 += latencies
            all.1 += failures
        }
        return all
    }
    let elapsed = Measure.nanoseconds(started.duration(to: .now)) / 1e9
    return Load(
        requestsPerSecond: Double(results.0.count) / elapsed, p50: Measure.percentile(results.0, 0.5),
        p99: Measure.percentile(results.0, 0.99), bytes: bytes, failures: results.1)
}

struct BenchError: Error, CustomStringConvertible {
    var description: String
    init(_ description: String) { self.description = description }
}

// MARK: Run

let setUpStarted = ContinuousClock.now
let storePath = try registryStore(projects: 500)
let reports = try await WebServer.start(
    host: "127.0.0.1", port: 0, handler: try PublicReports(storePath: storePath, logger: logger), logger: logger)
let onlinePlatform = try await platform(offers: 2_000)
let platformServer = try await WebServer.start(
    host: "127.0.0.1", port: 0, handler: PlatformWeb(platform: onlinePlatform, logger: logger), logger: logger)
print("set-up: 500 projects, 1,000 issuances, 2,000 offers in \(Measure.nanoseconds(setUpStarted.duration(to: .now)) / 1e9) s")

var client = HTTPClient.Configuration()
client.connectionPool = .init(idleTimeout: .seconds(60), concurrentHTTP1ConnectionsPerHostSoftLimit: clients)
let http = HTTPClient(eventLoopGroupProvider: .singleton, configuration: client)
let reportsBase = "http://127.0.0.1:\(reports.port)"
let platformBase = "http://127.0.0.1:\(platformServer.port)"
let pages: [(String, String)] = [
    ("reports: issuances of one project (HTML)", "\(reportsBase)/projects/250"),
    ("reports: all issuances, first page (JSON)", "\(reportsBase)/issuances?format=json"),
    ("reports: all issuances (CSV)", "\(reportsBase)/issuances?format=csv"),
    ("reports: Adaptation Fund holdings (HTML)", "\(reportsBase)/adaptation-fund"),
    ("platform: offers, first page by price", "\(platformBase)/?sort=price&order=asc"),
    ("platform: offers filtered (Wind, CL, CP2), page 2", "\(platformBase)/?type=Wind&host=CL&period=2&page=2"),
    ("platform: one offer with its order form", "\(platformBase)/offers/1000"),
]
var table = ResultTable("page", "bytes", "requests/s", "p50 ms", "p99 ms", "% of ceiling", "failures")
var measured: [(String, Load)] = []
for (name, url) in pages {
    measured.append((name, try await load(http, url)))
}
let medianBytes = measured.map(\.1.bytes).sorted()[measured.count / 2]
let ceilingServer = try await WebServer.start(
    host: "127.0.0.1", port: 0, handler: FixedPage(body: Array(repeating: UInt8(ascii: "x"), count: medianBytes)),
    logger: logger)
let ceiling = try await load(http, "http://127.0.0.1:\(ceilingServer.port)/")
for (name, result) in measured {
    table.add(
        name, "\(result.bytes)", result.requestsPerSecond.formatted(0), result.p50.formatted(2),
        result.p99.formatted(2), (100 * result.requestsPerSecond / ceiling.requestsPerSecond).formatted(1),
        "\(result.failures)")
}
table.add(
    "ceiling: same server, do-nothing handler", "\(ceiling.bytes)", ceiling.requestsPerSecond.formatted(0),
    ceiling.p50.formatted(2), ceiling.p99.formatted(2), "100.0", "\(ceiling.failures)")
try await http.shutdown()
await ceilingServer.shutdown()
await reports.shutdown()
await platformServer.shutdown()
print(table.render())
print("\(clients) concurrent keep-alive clients, \(seconds) s per page, loopback, release build.")

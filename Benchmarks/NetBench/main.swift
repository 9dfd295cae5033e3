// net-bench: the ceiling of the DES transport itself. The RegistryNet server (SwiftNIO + NIOSSL, mutual TLS) with a
// do-nothing handler, called by the RegistryNet client (AsyncHTTPClient) over 127.0.0.1: keep-alive request rate and
// latency for ~1 KB and ~5 KB bodies (about a DES proposal and a notification), with 1 and with N connections, and
// the cost of a full mutual-TLS handshake (a new connection per request) in the same run.
//
// Run: swift run -c release --scratch-path .build-net-rel net-bench [seconds-per-row] [N]
import AsyncHTTPClient
import BenchmarkSupport
import Foundation
import NIOCore
import NIOSSL
import RegistryNet

let arguments = CommandLine.arguments.dropFirst()
let secondsPerRow = arguments.first.flatMap(Double.init) ?? 3.0
let connections = arguments.dropFirst().first.flatMap(Int.init) ?? 8

let certificates = try makeCertificates()
let server = try await DESHTTPSServer.start(
    configuration: DESHTTPSServerConfiguration(), identity: try identity("ITL", in: certificates),
    handler: AcknowledgingHandler())
let address = "https://localhost:\(server.port)/des"
let cdm = try identity("CDM", in: certificates)

let cores = ProcessInfo.processInfo.activeProcessorCount
print("net-bench: \(secondsPerRow) s per row, N = \(connections), \(cores) cores")
var table = ResultTable("mode", "body", "connections", "requests", "requests/s", "p50 ms", "p99 ms")
for size in [1024, 5 * 1024] {
    let body = [UInt8](repeating: UInt8(ascii: "x"), count: size)
    for concurrency in [1, connections] {
        let client = DESHTTPSClient(
            identity: cdm, configuration: DESHTTPSClientConfiguration(maximumConnectionsPerPeer: concurrency))
        _ = try await run(seconds: 0.5, concurrency: concurrency) {  // warm-up: handshakes, pool, caches
            _ = try await client.send(to: address, soapAction: "urn:bench", body: body)
        }
        let samples = try await run(seconds: secondsPerRow, concurrency: concurrency) {
            _ = try await client.send(to: address, soapAction: "urn:bench", body: body)
        }
        table.add(row("keep-alive", size, concurrency, samples))
        try await client.shutdown()
    }
}

// A new connection for every request: AsyncHTTPClient closes after a `Connection: close` exchange, so each request
// pays TCP connect + full TLS 1.3 handshake with client certificate, on both sides.
let established = server.statistics.snapshot.establishedConnections
let closingClient = try closingHTTPClient(cdm)
var handshakeSamples: [Double] = []
for concurrency in [1, connections] {
    let samples = try await run(seconds: secondsPerRow, concurrency: concurrency) {
        var request = HTTPClientRequest(url: address)
        request.method = .POST
        request.headers.add(name: "Connection", value: "close")
        request.headers.add(name: "SOAPAction", value: "\"urn:bench\"")
        request.body = .bytes([UInt8](repeating: UInt8(ascii: "x"), count: 1024))
        let response = try await closingClient.execute(request, timeout: .seconds(30))
        _ = try await response.body.collect(upTo: 1 << 20)
        guard response.status == .ok else { throw BenchFailure(message: "status \(response.status)") }
    }
    if concurrency == 1 { handshakeSamples = samples.latencies }
    table.add(row("new connection per request", 1024, concurrency, samples))
}
try await closingClient.shutdown().get()
let handshakes = server.statistics.snapshot.establishedConnections - established
await server.shutdown()

print(table.render())
let keepAliveSingle = table.rows[0][5]
print("")
print("connections established in the new-connection rows: \(handshakes) (one per request)")
print(
    "full mTLS handshake + TCP connect, 1 connection: p50 \(Measure.median(handshakeSamples).formatted(3)) ms "
        + "per request "
        + "vs \(keepAliveSingle) ms on a kept-alive connection (1 KB)")
print("handshake failures during the run: \(server.handshakeFailures.total)")
try? FileManager.default.removeItem(at: certificates)

// MARK: - Support

struct AcknowledgingHandler: DESRequestHandler {
    static let answer = Array("<ack/>".utf8)
    func handle(_ request: DESInboundRequest) async throws -> DESOutboundResponse {
        DESOutboundResponse(status: 200, body: Self.answer)
    }
}

struct BenchFailure: Error, CustomStringConvertible {
    var message: String
    var description: String { message }
}

struct Samples {
    var latencies: [Double]  // milliseconds
    var elapsedSeconds: Double  // until the last in-flight call returned
}

/// Runs `body` in `concurrency` loops for `seconds`, returning every call's latency.
func run(
    seconds: Double, concurrency: Int, _ body: @escaping @Sendable () async throws -> Void
) async throws -> Samples {
    let clock = ContinuousClock()
    let start = clock.now
    let deadline = start.advanced(by: .milliseconds(Int64(seconds * 1000)))
    let latencies = try await withThrowingTaskGroup(of: [Double].self) { group in
        for _ in 0..<concurrency {
            group.addTask {
                var mine: [Double] = []
                while clock.now < deadline {
                    let callStart = clock.now
                    try await body()
                    mine.append(Measure.nanoseconds(clock.now - callStart) / 1e6)
                }
                return mine
            }
        }
        var all: [Double] = []
        for try await part in group { all += part }
        return all
    }
    return Samples(latencies: latencies, elapsedSeconds: Measure.nanoseconds(clock.now - start) / 1e9)
}

func row(_ mode: String, _ size: Int, _ concurrency: Int, _ samples: Samples) -> [String] {
    [
        mode, "\(size / 1024) KB", "\(concurrency)", "\(samples.latencies.count)",
        (Double(samples.latencies.count) / samples.elapsedSeconds).formatted(0),
        Measure.percentile(samples.latencies, 0.5).formatted(3),
        Measure.percentile(samples.latencies, 0.99).formatted(3),
    ]
}

extension ResultTable {
    mutating func add(_ cells: [String]) { rows.append(cells) }
}

func makeCertificates() throws -> URL {
    let script = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent().appendingPathComponent("certs/make-dev-certs.sh")
    let directory = FileManager.default.temporaryDirectory.appendingPathComponent("net-bench-\(UUID().uuidString)")
    let process = Process()
    process.executableURL = URL(fileURLWithPath: "/bin/bash")
    process.arguments = [script.path, directory.path, "ITL", "CDM"]
    process.standardOutput = FileHandle.nullDevice
    try process.run()
    process.waitUntilExit()
    guard process.terminationStatus == 0 else { throw BenchFailure(message: "make-dev-certs.sh failed") }
    return directory
}

func identity(_ party: String, in directory: URL) throws -> LoadedTLSIdentity {
    try TLSIdentity(
        certificatePath: directory.appendingPathComponent("\(party).crt").path,
        privateKeyPath: directory.appendingPathComponent("\(party).key").path,
        trustedCAPath: directory.appendingPathComponent("ca.crt").path
    ).load()
}

/// The same TLS settings as `DESHTTPSClient`, on a raw AsyncHTTPClient so a request can ask for `Connection: close`.
func closingHTTPClient(_ identity: LoadedTLSIdentity) throws -> HTTPClient {
    var tls = TLSConfiguration.makeClientConfiguration()
    tls.trustRoots = .certificates(identity.trustRoots)
    tls.certificateChain = identity.certificateChain.map { .certificate($0) }
    tls.privateKey = .privateKey(identity.privateKey)
    tls.minimumTLSVersion = .tlsv12
    var configuration = HTTPClient.Configuration(tlsConfiguration: tls)
    configuration.httpVersion = .http1Only
    return HTTPClient(eventLoopGroupProvider: .singleton, configuration: configuration)
}

import BenchmarkSupport
import Foundation
import RegistryNet
import Synchronization

/// The request rate of the DES HTTPS server and client themselves: keep-alive mutual TLS, a body the size of a
/// proposal, a handler that answers at once with a body the size of an acknowledgement.
enum HTTPCeiling {
    struct Result {
        var requestsPerSecond: Double
        var p50: Double
        var p99: Double
        var concurrency: Int
        var bytes: Int
    }

    struct Echo: DESRequestHandler {
        let answer: [UInt8]
        func handle(_ request: DESInboundRequest) async throws -> DESOutboundResponse {
            DESOutboundResponse(status: 200, body: answer)
        }
    }

    static func measure(certificates: String, seconds: Int, concurrency: Int = 32) async throws -> Result {
        func identity(_ name: String) throws -> LoadedTLSIdentity {
            try TLSIdentity(
                certificatePath: "\(certificates)/\(name).crt", privateKeyPath: "\(certificates)/\(name).key",
                trustedCAPath: "\(certificates)/ca.crt"
            ).load()
        }
        let body = [UInt8](repeating: UInt8(ascii: "x"), count: 2_300)
        let server = try await DESHTTPSServer.start(
            configuration: DESHTTPSServerConfiguration(host: "127.0.0.1", port: 0),
            identity: try identity("ITL"), handler: Echo(answer: [UInt8](repeating: UInt8(ascii: "y"), count: 700)))
        let client = DESHTTPSClient(identity: try identity("CDM"))
        let url = "https://127.0.0.1:\(server.port)/des"
        let latencies = Samples()
        let deadline = ContinuousClock.now.advanced(by: .seconds(seconds))
        let began = ContinuousClock.now
        await withTaskGroup(of: Void.self) { group in
            for _ in 0..<concurrency {
                group.addTask {
                    var mine: [Double] = []
                    while ContinuousClock.now < deadline {
                        let start = ContinuousClock.now
                        guard (try? await client.send(to: url, soapAction: "acceptNotification", body: body)) != nil
                        else { continue }
                        mine.append(Measure.nanoseconds(start.duration(to: .now)) / 1e6)
                    }
                    latencies.add(mine)
                }
            }
        }
        let elapsed = Measure.nanoseconds(began.duration(to: .now)) / 1e9
        try await client.shutdown()
        await server.shutdown()
        let all = latencies.all
        return Result(
            requestsPerSecond: Double(all.count) / elapsed, p50: Measure.percentile(all, 0.5),
            p99: Measure.percentile(all, 0.99), concurrency: concurrency, bytes: body.count)
    }
}

final class Samples: Sendable {
    private let values = Mutex<[Double]>([])
    func add(_ more: [Double]) { values.withLock { $0 += more } }
    var all: [Double] { values.withLock { $0 } }
}

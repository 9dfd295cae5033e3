import DES
import Foundation
import Logging
import Metrics
import MetricsTestKit
import Prometheus
import RegistryDaemon
import RegistryNet
import Testing

@testable import RegistryCore
@testable import RegistryEngine
@testable import RegistryStore

#if canImport(FoundationNetworking)
    import FoundationNetworking
#endif

/// Each test scopes its own `EngineMetrics` on an in-memory factory, so the suites run in parallel with the other
/// engine tests without seeing each other's counts.
@Suite("Engine metrics: what the engine reports while it works")
struct EngineMetricsTests {
    static let itl = RegistryCode.itl.rawValue

    /// Runs `body` with a fresh in-memory backend scoped to this task (and the engine's tasks it starts).
    func withTestMetrics(
        outboxDepthInterval: Duration = .zero, _ body: (TestMetrics, EngineMetrics) async throws -> Void
    ) async throws {
        let backend = TestMetrics()
        let metrics = EngineMetrics(factory: backend, outboxDepthInterval: outboxDepthInterval)
        try await EngineMetrics.$scoped.withValue(metrics) { try await body(backend, metrics) }
    }

    func transitions(_ backend: TestMetrics, _ flow: String, _ state: String) -> Int64 {
        backend.counterTotal(
            label: EngineMetrics.Name.transactions, dimensions: [("flow", flow), ("state", state)])
    }

    @Test("an issuance and a forward count each committed transition by flow and new state; in flight ends at 0")
    func transitionsCountedByFlowAndState() async throws {
        try await withTestMetrics { backend, _ in
            let fixture = try await EngineFixture()
            let issuance = try await fixture.issue(count: 100)
            #expect(transitions(backend, "issuance", "awaiting_itl_acknowledgement") == 1)
            #expect(transitions(backend, "issuance", "awaiting_itl_check") == 1)
            #expect(transitions(backend, "issuance", "completed") == 1)

            let forward = try await fixture.forward(10, of: issuance, to: EngineFixture.japan)
            let inFlight = try backend.expectGauge(EngineMetrics.Name.transactionsInFlight)
            #expect(inFlight.lastValue == 1, "the forward is the one live transaction")
            await fixture.sender.deliverDue()
            try await fixture.notify(forward.identifier, .checkedNoDiscrepancy)
            #expect(transitions(backend, "external_transfer", "awaiting_acquiring_registry") == 1)
            try await fixture.notify(forward.identifier, .accepted)
            #expect(transitions(backend, "external_transfer", "completed") == 1)
            #expect(inFlight.lastValue == 0)
            #expect(backend.counterTotal(label: EngineMetrics.Name.transactions) == 7, "3 issuance + 4 forward")
        }
    }

    @Test("deliveries, round trips and the outbox depth are reported per peer and DES operation")
    func deliveriesAndRoundTrips() async throws {
        try await withTestMetrics { backend, _ in
            let fixture = try await EngineFixture()
            let summary = try await fixture.engine.propose(.issuance(try EngineFixture.order(count: 100)))
            await fixture.sender.deliverDue()
            let depth = try backend.expectGauge(EngineMetrics.Name.outboxDepth, [("peer", Self.itl)])
            #expect(depth.lastValue == 1, "sampled before the proposal went out")
            let proposal = [("peer", Self.itl), ("operation", DESOperation.acceptProposal.rawValue)]
            #expect(backend.counterTotal(label: EngineMetrics.Name.outboxDeliveries, dimensions: proposal) == 1)
            #expect(try backend.expectTimer(EngineMetrics.Name.roundTrip, proposal).values.count == 1)

            try await fixture.notify(summary.identifier, .checkedNoDiscrepancy)
            await fixture.sender.deliverDue()
            let notification = [("peer", Self.itl), ("operation", DESOperation.acceptNotification.rawValue)]
            #expect(backend.counterTotal(label: EngineMetrics.Name.outboxDeliveries, dimensions: notification) == 1)
            await fixture.sender.deliverDue()
            #expect(depth.lastValue == 0, "a peer whose queue emptied reads 0, not its last depth")
            #expect(backend.counterTotal(label: EngineMetrics.Name.outboxRetries) == 0)
        }
    }

    @Test("a failed delivery counts one retry for its peer and operation; the later success counts a delivery")
    func retriesCounted() async throws {
        try await withTestMetrics { backend, _ in
            let fixture = try await EngineFixture()
            fixture.itl.failNext(1)
            _ = try await fixture.engine.propose(.issuance(try EngineFixture.order(count: 100)))
            await fixture.sender.deliverDue()
            let proposal = [("peer", Self.itl), ("operation", DESOperation.acceptProposal.rawValue)]
            #expect(backend.counterTotal(label: EngineMetrics.Name.outboxRetries, dimensions: proposal) == 1)
            #expect(backend.counterTotal(label: EngineMetrics.Name.outboxDeliveries) == 0)
            #expect(backend.timers(label: EngineMetrics.Name.roundTrip).isEmpty, "no answer, no round trip")
            fixture.clock.advance(by: .seconds(1))
            await fixture.sender.deliverDue()
            #expect(backend.counterTotal(label: EngineMetrics.Name.outboxRetries, dimensions: proposal) == 1)
            #expect(backend.counterTotal(label: EngineMetrics.Name.outboxDeliveries, dimensions: proposal) == 1)
        }
    }

    @Test("every group commit records its latency and its steps; the steps add up to everything submitted")
    func commitsRecorded() async throws {
        try await withTestMetrics { backend, _ in
            let fixture = try await EngineFixture()
            try await fixture.issue(count: 100)
            let batches = try backend.expectRecorder(EngineMetrics.Name.storeCommitBatch).values
            let latencies = try backend.expectTimer(EngineMetrics.Name.storeCommit).values
            #expect(batches.count == latencies.count && !batches.isEmpty)
            #expect(batches.allSatisfy { $0 >= 1 })
            // The fixture opens the standard accounts, the holder and the project, then 3 issuance transitions and
            // the acknowledgement of the notification it sends (a step of its own, in the group commit too).
            let submitted = Ledger.cdmStandardAccounts.count + 2 + 3 + 1
            #expect(Int(batches.reduce(0, +)) == submitted)
        }
    }

    @Test("a peer rule refusal is counted under the rule's id")
    func ruleRefusalCounted() async throws {
        try await withTestMetrics { backend, _ in
            let fixture = try await EngineFixture()
            let issuance = try await fixture.issue(count: 100, period: .first)
            var refusedBy: String?
            do { _ = try await fixture.forward(10, of: issuance, to: EngineFixture.swiss) } catch {
                if case EngineError.ruleRefused(let refusal) = error { refusedBy = refusal.ruleID }
            }
            let rule = try #require(refusedBy, "CP1 units to Switzerland after 2015-04-30 are refused")
            #expect(backend.counterTotal(label: EngineMetrics.Name.ruleRefusals, dimensions: [("rule", rule)]) == 1)
            #expect(backend.counterTotal(label: EngineMetrics.Name.ruleRefusals) == 1)
        }
    }

    @Test("after a restart the in-flight gauge is the number of resumed transactions")
    func inFlightAfterRestart() async throws {
        try await withTestMetrics { backend, _ in
            let fixture = try await EngineFixture()
            let issuance = try await fixture.issue(count: 100)
            _ = try await fixture.forward(10, of: issuance, to: EngineFixture.japan)
            _ = try await fixture.forward(10, of: issuance, to: EngineFixture.japan)
            let inFlight = try backend.expectGauge(EngineMetrics.Name.transactionsInFlight)
            inFlight.record(Int64(0))
            _ = try await fixture.restarted()
            #expect(inFlight.lastValue == 2)
        }
    }

    @Test("TLS handshake failure totals advance the counters by what is new, and restart from a lower total")
    func handshakeFailuresExportedAsIncrements() throws {
        let backend = TestMetrics()
        let metrics = EngineMetrics(factory: backend)
        func total(_ reason: String) -> Int64 {
            backend.counterTotal(label: EngineMetrics.Name.tlsHandshakeFailures, dimensions: [("reason", reason)])
        }
        metrics.handshakeFailures(["unknown_ca": 2, "expired": 0])
        #expect(total("unknown_ca") == 2 && total("expired") == 0)
        #expect(backend.counters(label: EngineMetrics.Name.tlsHandshakeFailures).count == 2, "zeros are exported")
        metrics.handshakeFailures(["unknown_ca": 5, "expired": 1])
        #expect(total("unknown_ca") == 5 && total("expired") == 1)
        metrics.handshakeFailures(["unknown_ca": 5, "expired": 1])
        #expect(total("unknown_ca") == 5, "the same totals add nothing")
        metrics.handshakeFailures(["unknown_ca": 1, "expired": 1])
        #expect(total("unknown_ca") == 6, "a listener restarted from zero: its new total is all new")
    }

    @Test("the outbox depth is read at most once per interval")
    func outboxDepthThrottled() throws {
        let backend = TestMetrics()
        let metrics = EngineMetrics(factory: backend, outboxDepthInterval: .seconds(3600))
        var reads = 0
        metrics.sampleOutboxDepth {
            reads += 1
            return [.itl: 3]
        }
        metrics.sampleOutboxDepth {
            reads += 1
            return [.itl: 9]
        }
        #expect(reads == 1)
        #expect(try backend.expectGauge(EngineMetrics.Name.outboxDepth, [("peer", Self.itl)]).lastValue == 3)
    }
}

@Suite("Metrics endpoint: GET /metrics on loopback")
struct MetricsEndpointTests {
    /// A Prometheus registry of the test's own, the engine reporting to it, and the endpoint serving it.
    struct Served {
        let registry = PrometheusCollectorRegistry()
        let metrics: EngineMetrics
        let handshakeFailures = TLSHandshakeFailureCounter()

        init() {
            metrics = EngineMetrics(factory: MetricsService.prometheusFactory(registry: registry))
        }

        func start() async throws -> MetricsService {
            try await EngineMetrics.$scoped.withValue(metrics) {
                try await MetricsService.start(
                    host: "127.0.0.1", port: 0, logger: Logger(label: "test.metrics"),
                    handshakeFailures: handshakeFailures, registry: registry)
            }
        }
    }

    func get(_ path: String, port: Int, method: String = "GET") async throws -> (Int, [String: String], String) {
        var request = URLRequest(url: try #require(URL(string: "http://127.0.0.1:\(port)\(path)")))
        request.httpMethod = method
        let (data, response) = try await URLSession.shared.data(for: request)
        let http = try #require(response as? HTTPURLResponse)
        var headers: [String: String] = [:]
        for (key, value) in http.allHeaderFields {
            if let key = key as? String, let value = value as? String { headers[key.lowercased()] = value }
        }
        return (http.statusCode, headers, String(decoding: data, as: UTF8.self))
    }

    @Test("a scrape after an issuance shows its transitions, commits and the TLS failures in the text format")
    func scrapeShowsEngineMetrics() async throws {
        let served = Served()
        try await EngineMetrics.$scoped.withValue(served.metrics) {
            let fixture = try await EngineFixture()
            try await fixture.issue(count: 100)
        }
        served.handshakeFailures.record(.unknownCA)
        served.handshakeFailures.record(.unknownCA)
        let service = try await served.start()
        defer { Task { await service.shutdown() } }
        #expect(service.port > 0)

        let (status, headers, body) = try await get("/metrics", port: service.port)
        #expect(status == 200)
        #expect(headers["content-type"] == "text/plain; version=0.0.4; charset=utf-8")
        #expect(body.contains("# TYPE cdm_transactions_total counter"))
        #expect(body.contains(#"cdm_transactions_total{flow="issuance",state="completed"} 1"#))
        #expect(body.contains("cdm_transactions_in_flight 0.0\n"))
        #expect(body.contains("# TYPE cdm_store_commit_seconds histogram"))
        #expect(body.contains("# TYPE cdm_message_round_trip_seconds histogram"))
        #expect(body.contains(#"cdm_tls_handshake_failures_total{reason="unknown_ca"} 2"#))
        #expect(body.contains(#"cdm_tls_handshake_failures_total{reason="expired"} 0"#))

        served.handshakeFailures.record(.unknownCA)
        let (_, _, again) = try await get("/metrics", port: service.port)
        #expect(again.contains(#"cdm_tls_handshake_failures_total{reason="unknown_ca"} 3"#), "read at scrape time")
        await service.shutdown()
    }

    @Test("other paths answer 404, other methods 405 with Allow, HEAD the headers only")
    func otherRequestsRefused() async throws {
        let service = try await Served().start()
        let (missing, _, text) = try await get("/", port: service.port)
        #expect(missing == 404 && text.contains("/metrics"))
        let (posted, headers, _) = try await get("/metrics", port: service.port, method: "POST")
        #expect(posted == 405 && headers["allow"] == "GET, HEAD")
        let (head, _, empty) = try await get("/metrics?x=1", port: service.port, method: "HEAD")
        #expect(head == 200 && empty.isEmpty)
        await service.shutdown()
        await service.shutdown()
        await #expect(throws: (any Error).self, "nothing listens after shutdown") {
            _ = try await get("/metrics", port: service.port)
        }
    }

    @Test("a host that is not loopback or a port out of range is refused before anything binds")
    func badAddressRefused() async throws {
        let logger = Logger(label: "test.metrics")
        await #expect(throws: MetricsServiceError.notLoopback("0.0.0.0")) {
            _ = try await MetricsService.start(host: "0.0.0.0", port: 0, logger: logger)
        }
        await #expect(throws: MetricsServiceError.notLoopback("metrics.example")) {
            _ = try await MetricsService.start(host: "metrics.example", port: 0, logger: logger)
        }
        await #expect(throws: MetricsServiceError.invalidPort(70000)) {
            _ = try await MetricsService.start(host: "127.0.0.1", port: 70000, logger: logger)
        }
        #expect(MetricsServiceError.notLoopback("0.0.0.0").description.contains("'0.0.0.0' is not a loopback"))
    }

    @Test("bootstrap is idempotent and makes the process's engine metrics appear in the process registry")
    func bootstrapBindsSharedMetrics() throws {
        MetricsService.bootstrap()
        MetricsService.bootstrap()
        let refusal = RuleRefusal(ruleID: "TEST-BOOTSTRAP-RULE", message: "test", source: "test", responseCode: nil)
        EngineMetrics.shared.ruleRefused(refusal)
        #expect(
            MetricsService.registry.emitToString().contains(#"cdm_rule_refusals_total{rule="TEST-BOOTSTRAP-RULE"} 1"#))
    }
}

import DES
import Foundation
import RegistryCore
import RegistryNet
import RegistryTestSupport
import Testing
@testable import Simulators

/// Retried, ordered delivery of what the simulators send on their own, against a real mutual-TLS server.
@Suite("Ordered delivery with retries")
struct OrderedDeliveryTests {
    /// A registry endpoint that fails on purpose: `failures` plain HTTP 500s first (only for `failing` when given),
    /// then answers; a notification for `faultFor` gets a SOAP fault. Records every request in arrival order as
    /// `<transaction>` or, with `withStatus`, `<transaction>/<status>`.
    final class FlakyRegistry: DESRequestHandler, @unchecked Sendable {
        private let state = Protected((failuresLeft: 0, arrivals: [String]()))
        let faultFor: String?
        let failing: String?
        let withStatus: Bool

        init(failures: Int, faultFor: String? = nil, failing: String? = nil, withStatus: Bool = false) {
            self.faultFor = faultFor
            self.failing = failing
            self.withStatus = withStatus
            state.withLock { $0.failuresLeft = failures }
        }

        var arrivals: [String] { state.withLock { $0.arrivals } }

        func handle(_ request: DESInboundRequest) async throws -> DESOutboundResponse {
            let decoded = try DESCodec.decodeRequest(request.body, soapAction: request.soapAction, service: .registry)
            guard case .acceptNotification(let notification) = decoded else {
                return DESOutboundResponse(status: 400, contentType: "text/plain", body: [])
            }
            let id = notification.transactionIdentifier.rawValue
            let fail = state.withLock { state -> Bool in
                state.arrivals.append(withStatus ? "\(id)/\(notification.transactionStatus.rawValue)" : id)
                guard state.failuresLeft > 0, failing.map({ $0 == id }) ?? true else { return false }
                state.failuresLeft -= 1
                return true
            }
            if fail { return DESOutboundResponse(status: 500, contentType: "text/plain", body: Array("down\n".utf8)) }
            if id == faultFor {
                return DESOutboundResponse(
                    status: 500, body: DESCodec.encode(DESFault(code: .client, string: "refused on purpose")))
            }
            return DESOutboundResponse(
                status: 200, body: DESCodec.encode(AcceptNotificationResponse(result: .received)))
        }
    }

    static func notification(_ id: String, _ status: TransactionStatus = .completed) throws -> DESRequest {
        .acceptNotification(
            AcceptNotificationRequest(
                from: .itl, to: "CH", majorVersion: 1, minorVersion: 1, transactionIdentifier: try Fixture.id(id),
                transactionStatus: status, partyType: 2, evaluationResult: []))
    }

    /// Runs `body` with an ITL-side ordered delivery to a CH server using `handler`; returns the settlements.
    func deliver(
        to handler: FlakyRegistry, count: Int, _ body: (OrderedDelivery) throws -> Void
    ) async throws -> [OrderedDelivery.Settlement] {
        let certificates = try DevCertificates.make()
        let server = try await DESHTTPSServer.start(
            configuration: DESHTTPSServerConfiguration(), identity: try certificates.loaded("CH"), handler: handler)
        let directory = try PeerDirectory(
            entries: [
                PeerDirectory.Entry(
                    registryCode: "CH", expectedIdentity: .commonName("CH"),
                    url: "https://127.0.0.1:\(server.port)/des")
            ])
        let delivery = SimulatorDelivery(
            client: DESHTTPSClient(identity: try certificates.loaded("ITL")), directory: directory)
        let settled = AsyncStream<OrderedDelivery.Settlement>.makeStream()
        let ordered = OrderedDelivery(
            delivery: delivery,
            policy: DeliveryRetryPolicy(initial: .milliseconds(5), maximum: .milliseconds(40), maximumAttempts: 5),
            settled: { settled.continuation.yield($0) })
        try body(ordered)
        var results: [OrderedDelivery.Settlement] = []
        for await settlement in settled.stream {
            results.append(settlement)
            if results.count == count { break }
        }
        await ordered.shutdown()
        await delivery.shutdown()
        await server.shutdown()
        return results
    }

    @Test func aMessageAnswered500TwiceIsRetriedAndTheNextOfItsTransactionWaitsItsTurn() async throws {
        let registry = FlakyRegistry(failures: 2, withStatus: true)
        let settlements = try await deliver(to: registry, count: 2) { ordered in
            ordered.enqueue(try Self.notification("CDM1", .accepted), to: "CH")
            ordered.enqueue(try Self.notification("CDM1", .completed), to: "CH")
        }
        #expect(registry.arrivals == ["CDM1/8", "CDM1/8", "CDM1/8", "CDM1/4"])
        #expect(settlements.map(\.attempts) == [3, 1])
        #expect(settlements.map(\.outcome.response) == Array(repeating: .acceptNotification(
            AcceptNotificationResponse(result: .received)), count: 2))
    }

    @Test func aTransactionBeingRetriedDoesNotHoldBackAnotherTransaction() async throws {
        let registry = FlakyRegistry(failures: 2, failing: "CDM1")
        let settlements = try await deliver(to: registry, count: 2) { ordered in
            ordered.enqueue(try Self.notification("CDM1"), to: "CH")
            ordered.enqueue(try Self.notification("CDM2"), to: "CH")
        }
        // CDM2 settles first, while CDM1 waits out its back-off.
        #expect(settlements.map(\.attempts) == [1, 3])
        #expect(settlements.map(\.request) == [try Self.notification("CDM2"), try Self.notification("CDM1")])
        #expect(registry.arrivals.filter { $0 == "CDM1" }.count == 3)
    }

    @Test func manyTransactionsStayInOrderWithinEachWhileDeliveredConcurrently() async throws {
        let registry = FlakyRegistry(failures: 0, withStatus: true)
        let ids = (1...40).map { "CDM\($0)" }
        let settlements = try await deliver(to: registry, count: ids.count * 2) { ordered in
            for id in ids { ordered.enqueue(try Self.notification(id, .accepted), to: "CH") }
            for id in ids { ordered.enqueue(try Self.notification(id, .completed), to: "CH") }
        }
        #expect(settlements.count == 80)
        let arrivals = registry.arrivals
        for id in ids {
            let accepted = try #require(arrivals.firstIndex(of: "\(id)/8"))
            let completed = try #require(arrivals.firstIndex(of: "\(id)/4"))
            #expect(accepted < completed, "\(id): 4 Completed overtook 8 Accepted")
        }
    }

    @Test func aSOAPFaultIsTheAnswerAndIsNotRetried() async throws {
        let registry = FlakyRegistry(failures: 0, faultFor: "CDM1", withStatus: true)
        let settlements = try await deliver(to: registry, count: 2) { ordered in
            ordered.enqueue(try Self.notification("CDM1", .accepted), to: "CH")
            ordered.enqueue(try Self.notification("CDM1", .completed), to: "CH")
        }
        #expect(registry.arrivals == ["CDM1/8", "CDM1/4"])
        #expect(settlements.map(\.attempts) == [1, 1])
        guard case .fault = settlements.first?.outcome else {
            Issue.record("the fault was not reported as one: \(String(describing: settlements.first?.outcome))")
            return
        }
    }

    @Test func aMessageStillFailingAfterTheLastAttemptIsGivenUpAndTheQueueMovesOn() async throws {
        let registry = FlakyRegistry(failures: 5, withStatus: true)
        let settlements = try await deliver(to: registry, count: 2) { ordered in
            ordered.enqueue(try Self.notification("CDM1", .accepted), to: "CH")
            ordered.enqueue(try Self.notification("CDM1", .completed), to: "CH")
        }
        #expect(registry.arrivals == Array(repeating: "CDM1/8", count: 5) + ["CDM1/4"])
        #expect(settlements.map(\.attempts) == [5, 1])
        guard case .transient = settlements.first?.outcome else {
            Issue.record("the last failure was not kept: \(String(describing: settlements.first?.outcome))")
            return
        }
    }

    @Test func anUnreachableRecipientIsRetriedAsATransportFailure() async throws {
        let outcomes = Protected([DeliveryAttempt]())
        let settled = AsyncStream<OrderedDelivery.Settlement>.makeStream()
        let certificates = try DevCertificates.make()
        let directory = try PeerDirectory(
            entries: [
                PeerDirectory.Entry(
                    registryCode: "CH", expectedIdentity: .commonName("CH"), url: "https://127.0.0.1:1/des")
            ])
        let delivery = SimulatorDelivery(
            client: DESHTTPSClient(identity: try certificates.loaded("ITL")), directory: directory)
        let ordered = OrderedDelivery(
            policy: DeliveryRetryPolicy(initial: .milliseconds(1), maximum: .milliseconds(2), maximumAttempts: 3),
            settled: { settled.continuation.yield($0) }
        ) { request, recipient in
            let outcome = await delivery.attempt(request, to: recipient)
            outcomes.withLock { $0.append(outcome) }
            return outcome
        }
        ordered.enqueue(try Self.notification("CDM1"), to: "CH")
        var iterator = settled.stream.makeAsyncIterator()
        let settlement = await iterator.next()
        #expect(settlement?.attempts == 3)
        #expect(outcomes.withLock { $0.count } == 3)
        guard case .transient = settlement?.outcome else {
            Issue.record("connection refused was not transient: \(String(describing: settlement?.outcome))")
            return
        }
        await ordered.shutdown()
        await delivery.shutdown()
    }

    @Test func theBackoffDoublesUpToTheMaximumAndJitterStaysWithinHalfToAll() {
        let policy = DeliveryRetryPolicy.standard
        #expect(policy.backoff(afterFailedAttempts: 1) == .milliseconds(100))
        #expect(policy.backoff(afterFailedAttempts: 2) == .milliseconds(200))
        #expect(policy.backoff(afterFailedAttempts: 5) == .milliseconds(1600))
        #expect(policy.backoff(afterFailedAttempts: 6) == .seconds(2))
        #expect(policy.backoff(afterFailedAttempts: 1000) == .seconds(2))
        for attempt in 1...8 {
            let full = policy.backoff(afterFailedAttempts: attempt)
            let jittered = policy.jitteredBackoff(afterFailedAttempts: attempt)
            #expect(jittered <= full && jittered >= full / 2)
        }
    }
}

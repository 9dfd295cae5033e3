import DES
import Foundation
import RegistryCore
import RegistryNet
import RegistryTestSupport
import Testing
@testable import Simulators

/// The simulators over real HTTPS with mutual TLS on 127.0.0.1: a CDM stand-in, the ITL and the CH registry.
@Suite("Simulators over HTTPS")
struct SimulatorHTTPSTests {
    /// The CDM side of the test: records every request the ITL sends it and acknowledges it.
    struct CDMInbox: DESRequestHandler {
        let continuation: AsyncStream<AcceptNotificationRequest>.Continuation

        func handle(_ request: DESInboundRequest) async throws -> DESOutboundResponse {
            let decoded = try DESCodec.decodeRequest(request.body, soapAction: request.soapAction, service: .registry)
            if case .acceptNotification(let notification) = decoded { continuation.yield(notification) }
            return DESOutboundResponse(
                status: 200, body: DESCodec.encode(AcceptNotificationResponse(result: .received)))
        }
    }

    /// Where the ITL delivers, filled in once every server has its port.
    final class DeliveryBox: @unchecked Sendable {
        private let lock = NSLock()
        private var delivery: SimulatorDelivery?
        func set(_ delivery: SimulatorDelivery) { lock.withLock { self.delivery = delivery } }
        func get() -> SimulatorDelivery? { lock.withLock { delivery } }
    }

    static func directory(_ ports: [String: Int]) throws -> PeerDirectory {
        try PeerDirectory(
            entries: ["CDM", "CH", "ITL"].map {
                PeerDirectory.Entry(
                    registryCode: $0, expectedIdentity: .commonName($0),
                    url: "https://127.0.0.1:\(ports[$0] ?? 1)/des")
            })
    }

    @Test func externalTransferIsAcceptedRelayedAndCreditedOverMutualTLS() async throws {
        let certificates = try DevCertificates.make()
        let inbox = AsyncStream<AcceptNotificationRequest>.makeStream()
        let cdmServer = try await DESHTTPSServer.start(
            configuration: DESHTTPSServerConfiguration(), identity: try certificates.loaded("CDM"),
            handler: CDMInbox(continuation: inbox.continuation))

        let box = DeliveryBox()
        let itlQueue = OrderedDelivery(policy: .standard) { request, recipient in
            guard let delivery = box.get() else { return .transient("ITL delivery not wired yet") }
            return await delivery.attempt(request, to: recipient)
        }
        let outbound = FaultInjectingOutbound(delivery: itlQueue)
        let record = try ITLHoldingsRecord(path: Fixture.temporaryPath("itl.sqlite"))
        let relay = ITLRelay(
            record: record, configuration: ITLRelayConfiguration(registries: [.cdm: .operational, "CH": .operational]),
            outbound: outbound)
        let itlIdentity = try certificates.loaded("ITL")
        let itlServer = try await DESHTTPSServer.start(
            configuration: DESHTTPSServerConfiguration(), identity: itlIdentity,
            handler: ITLEndpoint(relay: relay, directory: try Self.directory([:]), faults: outbound))

        let ch = try NationalRegistry(
            code: "CH", path: Fixture.temporaryPath("ch.sqlite"), rules: PeerRuleBook(rules: []))
        try ch.openAccount(NationalRegistryAccount(identifier: 1001, type: .partyHolding))
        let chIdentity = try certificates.loaded("CH")
        let ports = ["CDM": cdmServer.port, "ITL": itlServer.port]
        let chDelivery = SimulatorDelivery(
            client: DESHTTPSClient(identity: chIdentity), directory: try Self.directory(ports))
        let chQueue = OrderedDelivery(delivery: chDelivery)
        let chServer = try await DESHTTPSServer.start(
            configuration: DESHTTPSServerConfiguration(), identity: chIdentity,
            handler: NationalRegistryEndpoint(registry: ch, directory: try Self.directory(ports), delivery: chQueue))
        let allPorts = ports.merging(["CH": chServer.port]) { $1 }
        let itlClient = DESHTTPSClient(identity: itlIdentity)
        box.set(SimulatorDelivery(client: itlClient, directory: try Self.directory(allPorts)))
        let cdm = SimulatorDelivery(
            client: DESHTTPSClient(identity: try certificates.loaded("CDM")), directory: try Self.directory(allPorts))

        // CER 1-100 issued to CDM (in process), then CDM proposes CER 11-20 to CH over HTTPS.
        let issuance = try Fixture.proposal(
            "CDM1", type: .issuance, acquiring: .cdm, acquiringAccountType: .pending, blocks: [try Fixture.cer(1, 100)])
        #expect(try await relay.propose(issuance, .cdm) == .received)
        let completedIssuance = AcceptNotificationRequest(
            from: .cdm, to: .itl, majorVersion: 1, minorVersion: 1, transactionIdentifier: try Fixture.id("CDM1"),
            transactionStatus: .completed, partyType: 1, evaluationResult: [])
        #expect(try await relay.notify(completedIssuance, .cdm) == .received)

        let transfer = try Fixture.proposal(
            "CDM2", type: .externalTransfer, acquiring: "CH", acquiringAccountType: .partyHolding,
            blocks: [try Fixture.cer(11, 20)])
        let acknowledgement = await cdm.send(.acceptProposal(transfer), to: .itl)
        #expect(acknowledgement == .acceptProposal(AcceptProposalResponse(result: .received)))

        var notifications = inbox.stream.makeAsyncIterator()
        var relayed: AcceptNotificationRequest?
        while let next = await notifications.next() {
            if next.transactionIdentifier == transfer.proposedTransaction.transactionIdentifier {
                relayed = next
                break
            }
        }
        #expect(relayed?.transactionStatus == .accepted)

        var completed = completedIssuance
        completed.transactionIdentifier = try Fixture.id("CDM2")
        let completion = await cdm.send(.acceptNotification(completed), to: .itl)
        #expect(completion == .acceptNotification(AcceptNotificationResponse(result: .received)))
        // CH credits when the ITL's 4 arrives; wait for it (bounded), then compare the two records.
        var polls = 0
        while try ch.status(of: try Fixture.id("CDM2")) != .completed, polls < 200 {
            try await Task.sleep(for: .milliseconds(50))
            polls += 1
        }
        #expect(try ch.holdings(of: 1001) == [try Fixture.cer(11, 20)])
        #expect(try record.holdings(heldBy: "CH").map(\.block) == [try Fixture.cer(11, 20)])

        await itlQueue.shutdown()
        await chQueue.shutdown()
        await itlServer.shutdown()
        await chServer.shutdown()
        await cdmServer.shutdown()
        try await itlClient.shutdown()
        try await chDelivery.client.shutdown()
        try await cdm.client.shutdown()
    }
}

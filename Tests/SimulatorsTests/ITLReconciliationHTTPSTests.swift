import DES
import Foundation
import RegistryCore
import RegistryNet
import RegistryTestSupport
import Testing
@testable import Simulators

/// A reconciliation over real HTTPS with mutual TLS on 127.0.0.1: the ITL's endpoint and driver, and a CDM server
/// that answers like cdm-registryd and sends its receive messages back to the ITL's DES endpoint.
@Suite("ITL reconciliation over HTTPS")
struct ITLReconciliationHTTPSTests {
    /// The CDM side: decodes what the ITL sends and answers through the fake registry.
    struct CDMServer: DESRequestHandler {
        let registry: FakeReconcilingRegistry

        func handle(_ request: DESInboundRequest) async throws -> DESOutboundResponse {
            let decoded = try DESCodec.decodeRequest(request.body, soapAction: request.soapAction, service: .registry)
            guard let response = await registry.attempt(decoded, to: .cdm).response else {
                return DESOutboundResponse(status: 500, contentType: "text/plain", body: Array("unserved\n".utf8))
            }
            return DESOutboundResponse(status: 200, body: DESCodec.encode(response.message))
        }
    }

    @Test func differingBlocksReachResultFourAcrossTheWire() async throws {
        let certificates = try DevCertificates.make()
        let (relay, record) = try await ReconciliationFixture.recordWithIssuance()
        let registry = FakeReconcilingRegistry(
            blocks: [try ReconciliationFixture.held(1, 60), try ReconciliationFixture.held(61, 100)])
        registry.blocksPerMessage = 1
        let cdmIdentity = try certificates.loaded("CDM")
        let cdmServer = try await DESHTTPSServer.start(
            configuration: DESHTTPSServerConfiguration(), identity: cdmIdentity, handler: CDMServer(registry: registry))

        let itlIdentity = try certificates.loaded("ITL")
        let itlDirectory = try SimulatorHTTPSTests.directory(["CDM": cdmServer.port])
        let itlDelivery = SimulatorDelivery(client: DESHTTPSClient(identity: itlIdentity), directory: itlDirectory)
        let faults = ITLRecordFaults()
        faults.set(ITLRecordFault(hidden: try SerialRange(91, 100)), for: .cdm)
        let driver = ITLReconciliationDriver(
            record: record, log: try ITLReconciliationLog(record: record), faults: faults, sender: itlDelivery,
            registries: [.cdm: .operational],
            settings: ITLReconciliationSettings(phaseTimeout: .seconds(20), quietPeriod: .seconds(3)))
        let itlServer = try await DESHTTPSServer.start(
            configuration: DESHTTPSServerConfiguration(), identity: itlIdentity,
            handler: ITLEndpoint(relay: relay, directory: itlDirectory, faults: nil, reconciliation: driver))
        let ports = ["CDM": cdmServer.port, "ITL": itlServer.port]
        let cdmDelivery = SimulatorDelivery(
            client: DESHTTPSClient(identity: cdmIdentity), directory: try SimulatorHTTPSTests.directory(ports))
        let answers = Protected<[DESResult]>([])
        registry.connect { request in
            let response = await cdmDelivery.send(request, to: .itl)
            let result: DESResult? =
                switch response {
                case .receiveTotals(let answer): answer.result
                case .receiveUnitBlocks(let answer): answer.result
                case .receiveAuditTrail(let answer): answer.result
                default: nil
                }
            if let result { answers.withLock { $0.append(result) } }
        }

        let id = try await driver.start(registry: .cdm)
        let ended = try #require(try await driver.finished(id))
        #expect(ended.status == .unitBlocksInconsistent)
        #expect(ended.differences.blocks.map { [$0.first, $0.last] } == [[91, 100]])
        #expect(registry.results.map(\.reconciliationStatus) == [4])
        #expect(ended.resultAcknowledged == true)
        // The snapshot the registry decoded off the wire is exactly the one the ITL recorded.
        guard case .provideTotals(let asked) = try #require(registry.requests(.provideTotals).first) else {
            Issue.record("no provideTotals")
            return
        }
        #expect(asked.reconciliationSnapshotDateTime == ended.snapshot)
        // receiveTotals, two receiveUnitBlocks and receiveAuditTrail, each received by the ITL's endpoint.
        #expect(answers.withLock { $0 } == [.received, .received, .received, .received])

        // A receive message for a reconciliation that has ended is refused over the wire too.
        let late = ReceiveTotalsRequest(
            from: .cdm, to: .itl, majorVersion: 1, minorVersion: 1, reconciliationIdentifier: id, totals: [])
        let refused = await cdmDelivery.send(.receiveTotals(late), to: .itl)
        let notRunning = DESResult.refused([ITLReconciliationCode.unknownReconciliation])
        #expect(refused == .receiveTotals(ReceiveTotalsResponse(result: notRunning)))

        await itlServer.shutdown()
        await cdmServer.shutdown()
        try await itlDelivery.client.shutdown()
        try await cdmDelivery.client.shutdown()
    }
}

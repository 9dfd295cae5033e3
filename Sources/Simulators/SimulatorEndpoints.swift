import DES
import Foundation
import Logging
import RegistryCore
import RegistryNet

/// The glue between `DESHTTPSServer` and the simulators' logic: decode, authenticate by certificate, answer.
///
/// Malformed messages get the codec's SOAP fault (Client); a failure of the simulator's own database gets a Server
/// fault, so a registry under test sees a DES-shaped answer whatever happens.
enum SimulatorSOAP {
    static func fault(_ fault: DESFault) -> DESOutboundResponse {
        DESOutboundResponse(status: 500, body: DESCodec.encode(fault))
    }

    static func answer(_ response: DESResponse) -> DESOutboundResponse {
        DESOutboundResponse(status: 200, body: DESCodec.encode(response.message))
    }

    /// The registry the client certificate belongs to in the directory, or nil if it matches no single entry.
    static func sender(_ peer: PeerIdentity, _ directory: PeerDirectory) -> RegistryCode? {
        guard case .success(let entry) = directory.entry(for: peer) else { return nil }
        return try? RegistryCode(entry.registryCode)
    }

    static func notServed(_ operation: DESOperation, by simulator: String) -> DESOutboundResponse {
        fault(DESFault(code: .client, string: "operation \(operation) is not served by the \(simulator)"))
    }
}

/// The ITL simulator's DES endpoint (transactionlog.wsdl), with the HTTP 500 fault injection of `ITLFaultPlan`
/// and the ITL-wide offline switch (`ITLAvailability`: HTTP 503, no SOAP body).
public struct ITLEndpoint: DESRequestHandler {
    let relay: ITLRelay
    let directory: PeerDirectory
    let faults: FaultInjectingOutbound?
    let availability: ITLAvailability
    /// Receives the registries' receiveTotals/UnitBlocks/AuditTrail; without it those are not served.
    let reconciliation: ITLReconciliationDriver?
    /// Keeps the registries' acceptMessage; without it that is not served.
    let messages: ITLNoticeLog?

    public init(
        relay: ITLRelay, directory: PeerDirectory, faults: FaultInjectingOutbound?,
        availability: ITLAvailability = ITLAvailability(), reconciliation: ITLReconciliationDriver? = nil,
        messages: ITLNoticeLog? = nil
    ) {
        self.relay = relay
        self.directory = directory
        self.faults = faults
        self.availability = availability
        self.reconciliation = reconciliation
        self.messages = messages
    }

    public func handle(_ request: DESInboundRequest) async throws -> DESOutboundResponse {
        if availability.isOffline {
            return DESOutboundResponse(status: 503, contentType: "text/plain", body: Array("ITL offline\n".utf8))
        }
        let sender = SimulatorSOAP.sender(request.peer, directory)
        if let sender, faults?.answersWithServerError(to: sender) == true {
            return DESOutboundResponse(status: 500, contentType: "text/plain", body: Array("injected fault\n".utf8))
        }
        let decoded: DESRequest
        do {
            decoded = try DESCodec.decodeRequest(request.body, soapAction: request.soapAction, service: .transactionLog)
        } catch {
            return SimulatorSOAP.fault(error.fault)
        }
        if let messages, case .acceptMessage(let message) = decoded {
            let result = messages.receiveMessage(message, sender: sender)
            return SimulatorSOAP.answer(.acceptMessage(AcceptMessageResponse(result: result)))
        }
        if let reconciliation {
            switch decoded {
            case .receiveTotals(let message):
                let result = await reconciliation.receiveTotals(message, sender: sender)
                return SimulatorSOAP.answer(.receiveTotals(ReceiveTotalsResponse(result: result)))
            case .receiveUnitBlocks(let message):
                let result = await reconciliation.receiveUnitBlocks(message, sender: sender)
                return SimulatorSOAP.answer(.receiveUnitBlocks(ReceiveUnitBlocksResponse(result: result)))
            case .receiveAuditTrail(let message):
                let result = await reconciliation.receiveAuditTrail(message, sender: sender)
                return SimulatorSOAP.answer(.receiveAuditTrail(ReceiveAuditTrailResponse(result: result)))
            default: break
            }
        }
        do {
            guard let response = try await relay.handle(decoded, authenticatedSender: sender) else {
                return SimulatorSOAP.notServed(decoded.operation, by: "ITL simulator")
            }
            return SimulatorSOAP.answer(response)
        } catch {
            return SimulatorSOAP.fault(DESFault(code: .server, string: error.description))
        }
    }
}

/// The registry simulator's DES endpoint (registry.wsdl): answers, then sends its notifications to the ITL.
public struct NationalRegistryEndpoint: DESRequestHandler {
    let registry: NationalRegistry
    let directory: PeerDirectory
    let delivery: OrderedDelivery

    public init(registry: NationalRegistry, directory: PeerDirectory, delivery: OrderedDelivery) {
        self.registry = registry
        self.directory = directory
        self.delivery = delivery
    }

    public func handle(_ request: DESInboundRequest) async throws -> DESOutboundResponse {
        let sender = SimulatorSOAP.sender(request.peer, directory)
        let decoded: DESRequest
        do {
            decoded = try DESCodec.decodeRequest(request.body, soapAction: request.soapAction, service: .registry)
        } catch {
            return SimulatorSOAP.fault(error.fault)
        }
        let delivery = self.delivery
        do {
            // Queued once durable, so they go after the acknowledgement: DES answers a proposal asynchronously,
            // never inside its response; the queue retries them in order if the ITL is unreachable.
            let reply = try await registry.handleGroupCommitted(decoded, authenticatedSender: sender) { reply in
                for notification in reply.toITL { delivery.enqueue(.acceptNotification(notification), to: .itl) }
            }
            guard let reply else { return SimulatorSOAP.notServed(decoded.operation, by: "registry simulator") }
            return SimulatorSOAP.answer(reply.response)
        } catch {
            return SimulatorSOAP.fault(DESFault(code: .server, string: error.description))
        }
    }
}

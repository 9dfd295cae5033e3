import DES
import RegistryCore

/// Where the ITL sends requests whose synchronous answer it needs (reconciliation requests, notices): one attempt,
/// classified. The executable uses `SimulatorDelivery` over mutual TLS; tests answer in process.
public protocol ITLRequestSender: Sendable {
    func attempt(_ request: DESRequest, to recipient: RegistryCode) async -> DeliveryAttempt
}

extension SimulatorDelivery: ITLRequestSender {}

extension DeliveryAttempt {
    /// The DES result inside the peer's answer, or a refusal naming why there is none (for logs and records).
    var result: Result<DESResult, ITLRequestFailure> {
        switch self {
        case .answered(let response):
            let result: DESResult? =
                switch response {
                case .acceptITLNotice(let answer): answer.result
                case .initiateReconciliation(let answer): answer.result
                case .provideTotals(let answer): answer.result
                case .provideUnitBlocks(let answer): answer.result
                case .provideAuditTrail(let answer): answer.result
                case .receiveReconciliationResult(let answer): answer.result
                case .acceptMessage(let answer): answer.result
                case .provideTime(let answer):
                    DESResult(resultIdentifier: answer.resultIdentifier, responseCodes: answer.responseCodes)
                default: nil
                }
            guard let result else { return .failure(ITLRequestFailure("answered with \(response.operation)")) }
            return .success(result)
        case .fault(let detail), .transient(let detail), .failed(let detail):
            return .failure(ITLRequestFailure(detail))
        }
    }
}

/// A request the ITL sent got no DES result (transport failure, SOAP fault, wrong answer).
public struct ITLRequestFailure: Error, Hashable, Sendable, CustomStringConvertible {
    public var description: String
    init(_ description: String) { self.description = description }
}

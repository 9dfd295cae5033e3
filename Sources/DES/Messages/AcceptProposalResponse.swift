/// The acknowledgement of acceptProposal (common.wsdl `ProposalResponse`):
/// resultIdentifier 1 received, 0 refused with response codes.
public struct AcceptProposalResponse: DESResultResponse {
    public static let xsiType = "ProposalResponse"
    public static let operation = DESOperation.acceptProposal

    public var result: DESResult

    public init(result: DESResult) { self.result = result }
}

/// The acknowledgement of receiveUnitBlocks (common.wsdl `ReceiveUnitBlocksResponse`):
/// resultIdentifier 1 received, 0 refused with response codes.
public struct ReceiveUnitBlocksResponse: DESResultResponse {
    public static let xsiType = "ReceiveUnitBlocksResponse"
    public static let operation = DESOperation.receiveUnitBlocks

    public var result: DESResult

    public init(result: DESResult) { self.result = result }
}

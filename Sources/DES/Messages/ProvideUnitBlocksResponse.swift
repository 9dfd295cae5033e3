/// The acknowledgement of provideUnitBlocks (common.wsdl `ProvideUnitBlocksResponse`):
/// resultIdentifier 1 received, 0 refused with response codes.
public struct ProvideUnitBlocksResponse: DESResultResponse {
    public static let xsiType = "ProvideUnitBlocksResponse"
    public static let operation = DESOperation.provideUnitBlocks

    public var result: DESResult

    public init(result: DESResult) { self.result = result }
}

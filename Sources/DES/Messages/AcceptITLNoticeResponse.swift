/// The acknowledgement of acceptITLNotice (common.wsdl `ITLNoticeResponse`):
/// resultIdentifier 1 received, 0 refused with response codes.
public struct AcceptITLNoticeResponse: DESResultResponse {
    public static let xsiType = "ITLNoticeResponse"
    public static let operation = DESOperation.acceptITLNotice

    public var result: DESResult

    public init(result: DESResult) { self.result = result }
}

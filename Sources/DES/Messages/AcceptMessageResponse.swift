/// The acknowledgement of acceptMessage (common.wsdl `MessageResponse`):
/// resultIdentifier 1 received, 0 refused with response codes.
public struct AcceptMessageResponse: DESResultResponse {
    public static let xsiType = "MessageResponse"
    public static let operation = DESOperation.acceptMessage

    public var result: DESResult

    public init(result: DESResult) { self.result = result }
}

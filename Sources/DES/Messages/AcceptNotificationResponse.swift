/// The acknowledgement of acceptNotification (common.wsdl `NotificationResponse`):
/// resultIdentifier 1 received, 0 refused with response codes.
public struct AcceptNotificationResponse: DESResultResponse {
    public static let xsiType = "NotificationResponse"
    public static let operation = DESOperation.acceptNotification

    public var result: DESResult

    public init(result: DESResult) { self.result = result }
}

import Foundation
import RegistryCore

/// A free-text message between registry and ITL administrators.
/// The request of acceptMessage (common.wsdl `MessageRequest`).
public struct AcceptMessageRequest: DESRequestMessage {
    public static let xsiType = "MessageRequest"
    public static let operation = DESOperation.acceptMessage

    public var from: RegistryCode
    public var to: RegistryCode
    public var majorVersion: Int
    public var minorVersion: Int
    public var messageContent: String
    public var messageDateTime: Date

    public init(
        from: RegistryCode, to: RegistryCode, majorVersion: Int, minorVersion: Int, messageContent: String,
        messageDateTime: Date
    ) {
        self.from = from
        self.to = to
        self.majorVersion = majorVersion
        self.minorVersion = minorVersion
        self.messageContent = messageContent
        self.messageDateTime = messageDateTime
    }

    public init(from reader: inout DESStructReader) throws(DESError) {
        from = try reader.required("from")
        to = try reader.required("to")
        majorVersion = try reader.required("majorVersion")
        minorVersion = try reader.required("minorVersion")
        messageContent = try reader.required("messageContent")
        messageDateTime = try reader.required("messageDateTime")
    }

    public func encode(to writer: inout DESStructWriter) {
        writer.field("from", from)
        writer.field("to", to)
        writer.field("majorVersion", majorVersion)
        writer.field("minorVersion", minorVersion)
        writer.field("messageContent", messageContent)
        writer.field("messageDateTime", messageDateTime)
    }
}

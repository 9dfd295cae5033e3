import Foundation

/// The registry clock, for the ITL time check.
/// The response of provideTime (common.wsdl `ProvideTimeResponse`).
public struct ProvideTimeResponse: DESMessage {
    public static let xsiType = "ProvideTimeResponse"
    public static let operation = DESOperation.provideTime
    public static let isRequest = false

    public var systemTime: Date
    public var resultIdentifier: Int
    public var responseCodes: [DESResponseCode]?

    public init(systemTime: Date, resultIdentifier: Int, responseCodes: [DESResponseCode]? = nil) {
        self.systemTime = systemTime
        self.resultIdentifier = resultIdentifier
        self.responseCodes = responseCodes
    }

    public init(from reader: inout DESStructReader) throws(DESError) {
        systemTime = try reader.required("systemTime")
        resultIdentifier = try reader.required("resultIdentifier")
        responseCodes = try reader.optionalScalarArray("responseCodes")
    }

    public func encode(to writer: inout DESStructWriter) {
        writer.field("systemTime", systemTime)
        writer.field("resultIdentifier", resultIdentifier)
        writer.intArray("responseCodes", responseCodes)
    }
}

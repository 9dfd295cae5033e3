import Foundation
import RegistryCore

/// The ITL asks for the registry clock (time synchronisation check).
/// The request of provideTime (common.wsdl `ProvideTimeRequest`).
public struct ProvideTimeRequest: DESRequestMessage {
    public static let xsiType = "ProvideTimeRequest"
    public static let operation = DESOperation.provideTime

    public var from: RegistryCode
    public var to: RegistryCode
    public var majorVersion: Int
    public var minorVersion: Int
    public var itlSystemTime: Date

    public init(from: RegistryCode, to: RegistryCode, majorVersion: Int, minorVersion: Int, itlSystemTime: Date) {
        self.from = from
        self.to = to
        self.majorVersion = majorVersion
        self.minorVersion = minorVersion
        self.itlSystemTime = itlSystemTime
    }

    public init(from reader: inout DESStructReader) throws(DESError) {
        from = try reader.required("from")
        to = try reader.required("to")
        majorVersion = try reader.required("majorVersion")
        minorVersion = try reader.required("minorVersion")
        itlSystemTime = try reader.required("ITLSystemTime")
    }

    public func encode(to writer: inout DESStructWriter) {
        writer.field("from", from)
        writer.field("to", to)
        writer.field("majorVersion", majorVersion)
        writer.field("minorVersion", minorVersion)
        writer.field("ITLSystemTime", itlSystemTime)
    }
}

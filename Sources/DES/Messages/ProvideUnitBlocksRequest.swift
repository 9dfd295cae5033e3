import Foundation
import RegistryCore

/// The ITL asks for the blocks of a snapshot; answered with receiveUnitBlocks.
/// The request of provideUnitBlocks (common.wsdl `ProvideUnitBlocksRequest`).
public struct ProvideUnitBlocksRequest: DESRequestMessage {
    public static let xsiType = "ProvideUnitBlocksRequest"
    public static let operation = DESOperation.provideUnitBlocks

    public var from: RegistryCode
    public var to: RegistryCode
    public var majorVersion: Int
    public var minorVersion: Int
    public var reconciliationIdentifier: String
    public var reconciliationSnapshotDateTime: Date
    public var unitBlockRequests: [DESUnitBlockRequest]
    public var responseCodes: [DESResponseCode]?

    public init(
        from: RegistryCode, to: RegistryCode, majorVersion: Int, minorVersion: Int, reconciliationIdentifier: String,
        reconciliationSnapshotDateTime: Date, unitBlockRequests: [DESUnitBlockRequest],
        responseCodes: [DESResponseCode]? = nil
    ) {
        self.from = from
        self.to = to
        self.majorVersion = majorVersion
        self.minorVersion = minorVersion
        self.reconciliationIdentifier = reconciliationIdentifier
        self.reconciliationSnapshotDateTime = reconciliationSnapshotDateTime
        self.unitBlockRequests = unitBlockRequests
        self.responseCodes = responseCodes
    }

    public init(from reader: inout DESStructReader) throws(DESError) {
        from = try reader.required("from")
        to = try reader.required("to")
        majorVersion = try reader.required("majorVersion")
        minorVersion = try reader.required("minorVersion")
        reconciliationIdentifier = try reader.required("reconciliationIdentifier")
        reconciliationSnapshotDateTime = try reader.required("reconciliationSnapshotDatetime")
        unitBlockRequests = try reader.array("unitBlockRequests")
        responseCodes = try reader.optionalScalarArray("responseCodes")
    }

    public func encode(to writer: inout DESStructWriter) {
        writer.field("from", from)
        writer.field("to", to)
        writer.field("majorVersion", majorVersion)
        writer.field("minorVersion", minorVersion)
        writer.field("reconciliationIdentifier", reconciliationIdentifier)
        writer.field("reconciliationSnapshotDatetime", reconciliationSnapshotDateTime)
        writer.array("unitBlockRequests", unitBlockRequests)
        writer.intArray("responseCodes", responseCodes)
    }
}

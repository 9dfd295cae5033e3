import Foundation
import RegistryCore

/// The ITL starts a reconciliation: the registry freezes a snapshot.
/// The request of initiateReconciliation (common.wsdl `InitiateReconciliationRequest`).
public struct InitiateReconciliationRequest: DESRequestMessage {
    public static let xsiType = "InitiateReconciliationRequest"
    public static let operation = DESOperation.initiateReconciliation

    public var from: RegistryCode
    public var to: RegistryCode
    public var majorVersion: Int
    public var minorVersion: Int
    public var reconciliationIdentifier: String
    public var snapshotDateTime: Date

    public init(
        from: RegistryCode, to: RegistryCode, majorVersion: Int, minorVersion: Int, reconciliationIdentifier: String,
        snapshotDateTime: Date
    ) {
        self.from = from
        self.to = to
        self.majorVersion = majorVersion
        self.minorVersion = minorVersion
        self.reconciliationIdentifier = reconciliationIdentifier
        self.snapshotDateTime = snapshotDateTime
    }

    public init(from reader: inout DESStructReader) throws(DESError) {
        from = try reader.required("from")
        to = try reader.required("to")
        majorVersion = try reader.required("majorVersion")
        minorVersion = try reader.required("minorVersion")
        reconciliationIdentifier = try reader.required("reconciliationIdentifier")
        snapshotDateTime = try reader.required("snapshotDatetime")
    }

    public func encode(to writer: inout DESStructWriter) {
        writer.field("from", from)
        writer.field("to", to)
        writer.field("majorVersion", majorVersion)
        writer.field("minorVersion", minorVersion)
        writer.field("reconciliationIdentifier", reconciliationIdentifier)
        writer.field("snapshotDatetime", snapshotDateTime)
    }
}

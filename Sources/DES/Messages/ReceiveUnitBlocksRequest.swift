import RegistryCore

/// A registry sends the snapshot blocks the ITL asked for.
/// The request of receiveUnitBlocks (common.wsdl `ReceiveUnitBlocksRequest`).
public struct ReceiveUnitBlocksRequest: DESRequestMessage {
    public static let xsiType = "ReceiveUnitBlocksRequest"
    public static let operation = DESOperation.receiveUnitBlocks

    public var from: RegistryCode
    public var to: RegistryCode
    public var majorVersion: Int
    public var minorVersion: Int
    public var reconciliationIdentifier: String
    public var unitBlocks: [DESHeldUnitBlock]

    public init(
        from: RegistryCode, to: RegistryCode, majorVersion: Int, minorVersion: Int, reconciliationIdentifier: String,
        unitBlocks: [DESHeldUnitBlock]
    ) {
        self.from = from
        self.to = to
        self.majorVersion = majorVersion
        self.minorVersion = minorVersion
        self.reconciliationIdentifier = reconciliationIdentifier
        self.unitBlocks = unitBlocks
    }

    public init(from reader: inout DESStructReader) throws(DESError) {
        from = try reader.required("from")
        to = try reader.required("to")
        majorVersion = try reader.required("majorVersion")
        minorVersion = try reader.required("minorVersion")
        reconciliationIdentifier = try reader.required("reconciliationIdentifier")
        unitBlocks = try reader.array("unitBlocks")
    }

    public func encode(to writer: inout DESStructWriter) {
        writer.field("from", from)
        writer.field("to", to)
        writer.field("majorVersion", majorVersion)
        writer.field("minorVersion", minorVersion)
        writer.field("reconciliationIdentifier", reconciliationIdentifier)
        writer.array("unitBlocks", unitBlocks)
    }
}

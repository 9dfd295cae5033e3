import RegistryCore

/// A block named by its serial range and originating registry (common.wsdl `UnitBlockIdentifier`, and the
/// identical `ReconciliationUnitBlockIdentifier`): the offending blocks of an evaluation result or a notice.
public struct DESUnitBlockIdentifier: DESStructure {
    public static let xsiType = "UnitBlockIdentifier"
    public static let reconciliationXSIType = "ReconciliationUnitBlockIdentifier"

    public var range: SerialRange
    public var originatingRegistry: RegistryCode

    public init(range: SerialRange, originatingRegistry: RegistryCode) {
        self.range = range
        self.originatingRegistry = originatingRegistry
    }

    public init(from reader: inout DESStructReader) throws(DESError) {
        range = try DESSerialRangeField.read(&reader)
        originatingRegistry = try reader.required("originatingRegistryCode")
    }

    public func encode(to writer: inout DESStructWriter) {
        DESSerialRangeField.write(range, to: &writer)
        writer.field("originatingRegistryCode", originatingRegistry)
    }
}

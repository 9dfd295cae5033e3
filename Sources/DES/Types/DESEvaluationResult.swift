/// One finding of a check: a response code and the blocks it concerns (common.wsdl `EvaluationResult`).
public struct DESEvaluationResult: DESStructure {
    public static let xsiType = "EvaluationResult"

    public var responseCode: DESResponseCode
    public var unitBlockIdentifiers: [DESUnitBlockIdentifier]?

    public init(responseCode: DESResponseCode, unitBlockIdentifiers: [DESUnitBlockIdentifier]? = nil) {
        self.responseCode = responseCode
        self.unitBlockIdentifiers = unitBlockIdentifiers
    }

    public init(from reader: inout DESStructReader) throws(DESError) {
        responseCode = try reader.required("responseCode")
        unitBlockIdentifiers = try reader.optionalArray("unitBlockIdentifiers")
    }

    public func encode(to writer: inout DESStructWriter) {
        writer.field("responseCode", responseCode)
        writer.array("unitBlockIdentifiers", unitBlockIdentifiers)
    }
}

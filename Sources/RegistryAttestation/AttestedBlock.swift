import RegistryCore

/// One serial block of an attestation: what the public needs to identify the cancelled units.
///
/// The data carries `serialStart`, `serialEnd` and `quantity`; the quantity is redundant on purpose, so that a
/// reader of the JSON sees the count without inclusive-range arithmetic, and decoding refuses a block whose
/// quantity is not `serialEnd - serialStart + 1`.
public struct AttestedBlock: Hashable, Sendable, Codable {
    public let originatingRegistry: RegistryCode
    public let unitType: UnitType
    public let supplementaryUnitType: Int?
    public let originalCommitmentPeriod: CommitmentPeriod
    public let applicableCommitmentPeriod: CommitmentPeriod
    public let range: SerialRange
    public let project: Int?

    public init(_ block: UnitBlock) {
        originatingRegistry = block.attributes.originatingRegistry
        unitType = block.attributes.unitType
        supplementaryUnitType = block.attributes.supplementaryUnitType
        originalCommitmentPeriod = block.attributes.originalCommitmentPeriod
        applicableCommitmentPeriod = block.attributes.applicableCommitmentPeriod
        range = block.range
        project = block.attributes.project
    }

    public var serialStart: Int64 { range.start }
    public var serialEnd: Int64 { range.end }
    public var quantity: Int64 { range.count }

    private enum CodingKeys: String, CodingKey {
        case originatingRegistry, unitType, supplementaryUnitType, originalCommitmentPeriod,
            applicableCommitmentPeriod, serialStart, serialEnd, quantity, project
    }

    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        originatingRegistry = try container.decode(RegistryCode.self, forKey: .originatingRegistry)
        unitType = try container.decode(UnitType.self, forKey: .unitType)
        supplementaryUnitType = try container.decodeIfPresent(Int.self, forKey: .supplementaryUnitType)
        originalCommitmentPeriod = try container.decode(CommitmentPeriod.self, forKey: .originalCommitmentPeriod)
        applicableCommitmentPeriod = try container.decode(CommitmentPeriod.self, forKey: .applicableCommitmentPeriod)
        let start = try container.decode(Int64.self, forKey: .serialStart)
        let end = try container.decode(Int64.self, forKey: .serialEnd)
        let quantity = try container.decode(Int64.self, forKey: .quantity)
        project = try container.decodeIfPresent(Int.self, forKey: .project)
        do { range = try SerialRange(start, end) } catch {
            throw DecodingError.dataCorruptedError(
                forKey: .serialEnd, in: container, debugDescription: error.description)
        }
        guard range.count == quantity else {
            throw DecodingError.dataCorruptedError(
                forKey: .quantity, in: container,
                debugDescription: "block \(range) holds \(range.count) units, not \(quantity)")
        }
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(originatingRegistry, forKey: .originatingRegistry)
        try container.encode(unitType, forKey: .unitType)
        try container.encodeIfPresent(supplementaryUnitType, forKey: .supplementaryUnitType)
        try container.encode(originalCommitmentPeriod, forKey: .originalCommitmentPeriod)
        try container.encode(applicableCommitmentPeriod, forKey: .applicableCommitmentPeriod)
        try container.encode(range.start, forKey: .serialStart)
        try container.encode(range.end, forKey: .serialEnd)
        try container.encode(range.count, forKey: .quantity)
        try container.encodeIfPresent(project, forKey: .project)
    }
}

/// Everything that describes the units of a block except their serial numbers (DOMAIN.md section 2).
///
/// Two blocks may merge only when their attributes are equal and their ranges are adjacent.
public struct UnitAttributes: Hashable, Sendable, Codable {
    public var originatingRegistry: RegistryCode
    public var unitType: UnitType
    /// DES `suppUnitType`: 0 (or absent) for Kyoto units.
    public var supplementaryUnitType: Int?
    public var originalCommitmentPeriod: CommitmentPeriod
    public var applicableCommitmentPeriod: CommitmentPeriod
    /// DES `LULUCFActivity`, 1...7, tCER/lCER only.
    public var lulucfActivity: Int?
    /// The CDM project number the units were issued for.
    public var project: Int?
    /// JI track 1 or 2; absent for CDM units.
    public var track: Int?
    /// tCER/lCER only.
    public var expiryDate: CalendarDate?

    public init(
        originatingRegistry: RegistryCode,
        unitType: UnitType,
        supplementaryUnitType: Int? = nil,
        originalCommitmentPeriod: CommitmentPeriod,
        applicableCommitmentPeriod: CommitmentPeriod,
        lulucfActivity: Int? = nil,
        project: Int? = nil,
        track: Int? = nil,
        expiryDate: CalendarDate? = nil
    ) {
        self.originatingRegistry = originatingRegistry
        self.unitType = unitType
        self.supplementaryUnitType = supplementaryUnitType
        self.originalCommitmentPeriod = originalCommitmentPeriod
        self.applicableCommitmentPeriod = applicableCommitmentPeriod
        self.lulucfActivity = lulucfActivity
        self.project = project
        self.track = track
        self.expiryDate = expiryDate
    }
}

/// Units held and moved together: a serial range sharing one set of attributes.
public struct UnitBlock: Hashable, Sendable, Codable, CustomStringConvertible {
    public var range: SerialRange
    public var attributes: UnitAttributes

    public init(range: SerialRange, attributes: UnitAttributes) {
        self.range = range
        self.attributes = attributes
    }

    public var quantity: Int64 { range.count }
    public var originatingRegistry: RegistryCode { attributes.originatingRegistry }

    /// The same attributes over another range (the remainder of a split keeps every attribute).
    public func with(range: SerialRange) -> UnitBlock { UnitBlock(range: range, attributes: attributes) }

    /// Blocks merge when they carry equal attributes and their ranges touch.
    public func canMerge(with other: UnitBlock) -> Bool {
        attributes == other.attributes && range.isAdjacent(to: other.range)
    }

    public var description: String {
        "\(attributes.originatingRegistry):\(range) \(attributes.unitType) CP\(attributes.originalCommitmentPeriod.rawValue)"
    }
}

extension UnitBlock {
    /// The order blocks are kept and taken in: originating registry, then serial start.
    public static func takeOrder(_ lhs: UnitBlock, _ rhs: UnitBlock) -> Bool {
        if lhs.attributes.originatingRegistry != rhs.attributes.originatingRegistry {
            return lhs.attributes.originatingRegistry < rhs.attributes.originatingRegistry
        }
        return lhs.range.start < rhs.range.start
    }
}

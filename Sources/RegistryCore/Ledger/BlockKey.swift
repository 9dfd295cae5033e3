/// Where a block sits in take order: its originating registry, then its first serial (DOMAIN.md section 2).
///
/// Serials are unique per originating registry, so the key of a block is unique across the whole ledger; the
/// global index and every account's list are sorted by it, and `availableBlocks(in:after:limit:)` pages by it.
public struct BlockKey: Hashable, Sendable, Codable, Comparable, CustomStringConvertible {
    public var originatingRegistry: RegistryCode
    public var serialStart: Int64

    public init(originatingRegistry: RegistryCode, serialStart: Int64) {
        self.originatingRegistry = originatingRegistry
        self.serialStart = serialStart
    }

    public static func < (lhs: BlockKey, rhs: BlockKey) -> Bool {
        if lhs.originatingRegistry != rhs.originatingRegistry {
            return lhs.originatingRegistry < rhs.originatingRegistry
        }
        return lhs.serialStart < rhs.serialStart
    }

    public var description: String { "\(originatingRegistry):\(serialStart)" }
}

extension UnitBlock {
    /// The block's position in take order.
    public var key: BlockKey { BlockKey(originatingRegistry: attributes.originatingRegistry, serialStart: range.start) }
}

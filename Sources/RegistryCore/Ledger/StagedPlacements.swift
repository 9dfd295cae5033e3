/// The block edits of one plan, kept over the ledger as it was, so that later steps of the same plan see earlier
/// ones (a block merged into a neighbour is not found again as a neighbour).
///
/// Emits the base removals first and the additions after, both in key order, so a store with a unique key on
/// (originating registry, serial start) never sees two rows with one key.
struct StagedPlacements<Reader: LedgerReading> {
    let reader: Reader
    private(set) var removed: [BlockKey: Placement] = [:]
    private(set) var added: [BlockKey: Placement] = [:]
    /// (originating registry, last serial) -> key of the added block ending there, to find a neighbour below.
    private var addedEnds: [BlockKey: BlockKey] = [:]

    init(reader: Reader) { self.reader = reader }

    private static func endKey(_ block: UnitBlock) -> BlockKey {
        BlockKey(originatingRegistry: block.originatingRegistry, serialStart: block.range.end)
    }

    /// Removes a block that is in the ledger or was added earlier in this plan.
    mutating func remove(_ placement: Placement) {
        if added[placement.key] == placement {
            added.removeValue(forKey: placement.key)
            addedEnds.removeValue(forKey: Self.endKey(placement.block))
        } else {
            removed[placement.key] = placement
        }
    }

    /// Adds a block, merging it with neighbours of equal attributes at the same location.
    mutating func add(_ placement: Placement) throws {
        var block = placement.block
        let registry = block.originatingRegistry
        if block.range.start > SerialRange.minimumSerial,
            let below = try neighbour(endingAt: block.range.start - 1, registry: registry),
            below.location == placement.location, below.block.attributes == block.attributes
        {
            remove(below)
            block.range = SerialRange(unchecked: below.block.range.start, block.range.end)
        }
        if block.range.end < Int64.max, let above = try neighbour(startingAt: block.range.end + 1, registry: registry),
            above.location == placement.location, above.block.attributes == block.attributes
        {
            remove(above)
            block.range = SerialRange(unchecked: block.range.start, above.block.range.end)
        }
        let merged = Placement(location: placement.location, block: block)
        added[merged.key] = merged
        addedEnds[Self.endKey(block)] = merged.key
    }

    private func neighbour(endingAt serial: Int64, registry: RegistryCode) throws -> Placement? {
        if let key = addedEnds[BlockKey(originatingRegistry: registry, serialStart: serial)] { return added[key] }
        guard let found = try reader.placement(containing: serial, originatingRegistry: registry),
            found.block.range.end == serial, removed[found.key] == nil
        else { return nil }
        return found
    }

    private func neighbour(startingAt serial: Int64, registry: RegistryCode) throws -> Placement? {
        if let found = added[BlockKey(originatingRegistry: registry, serialStart: serial)] { return found }
        guard let found = try reader.placement(containing: serial, originatingRegistry: registry),
            found.block.range.start == serial, removed[found.key] == nil
        else { return nil }
        return found
    }

    /// The placements sharing a serial with `range`, as the plan has left them so far.
    func placements(overlapping range: SerialRange, registry: RegistryCode) throws -> [Placement] {
        var result = try reader.placements(overlapping: range, originatingRegistry: registry)
            .filter { removed[$0.key] == nil }
        result += added.values.filter { $0.block.originatingRegistry == registry && $0.block.range.overlaps(range) }
        return result.sorted { $0.key < $1.key }
    }

    /// The blocks added at `location` in this plan, in take order.
    func added(at location: BlockLocation) -> [UnitBlock] {
        added.values.filter { $0.location == location }.map(\.block).sorted(by: UnitBlock.takeOrder)
    }

    var mutations: [LedgerMutation] {
        removed.values.sorted { $0.key < $1.key }.map { .removeBlock($0) }
            + added.values.sorted { $0.key < $1.key }.map { .addBlock($0) }
    }
}

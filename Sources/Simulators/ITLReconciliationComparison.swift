import DES
import Foundation
import RegistryCore

/// Serials one side places in a registry, under the attributes reconciliation compares: the originating registry,
/// the unit type, and whether the units are cancelled (can never move again).
public struct ITLReconciledSerials: Hashable, Sendable {
    public struct Key: Hashable, Sendable, Comparable {
        public var originatingRegistry: RegistryCode
        public var unitType: UnitType
        public var cancelled: Bool

        public static func < (lhs: Key, rhs: Key) -> Bool {
            (lhs.originatingRegistry, lhs.unitType.rawValue, lhs.cancelled ? 1 : 0)
                < (rhs.originatingRegistry, rhs.unitType.rawValue, rhs.cancelled ? 1 : 0)
        }
    }

    public var key: Key
    public var range: SerialRange

    public init(key: Key, range: SerialRange) {
        self.key = key
        self.range = range
    }

    /// Units in account types 2xx, 3xx and 4xx (cancellation, retirement, replacement) are the ones the ITL records
    /// as cancelled: they stay in the registry but can never move again (ITL check 5204).
    public static func isCancelled(_ accountType: AccountType) -> Bool { accountType.isTerminal }

    public init(_ holding: ITLHolding) {
        key = Key(
            originatingRegistry: holding.block.originatingRegistry, unitType: holding.block.attributes.unitType,
            cancelled: holding.isCancelled)
        range = holding.block.range
    }

    public init(_ block: DESHeldUnitBlock) {
        key = Key(
            originatingRegistry: block.originatingRegistry, unitType: block.unitType,
            cancelled: Self.isCancelled(block.accountType))
        range = block.range
    }
}

/// The comparisons of the reconciliation driver: totals per unit type (held vs cancelled), then serial sets.
///
/// Sums saturate at Int64.max instead of trapping: totals come from the network, and a registry claiming more
/// than 9.2e18 units is simply different from the ITL record.
public enum ITLReconciliationComparison {
    /// Unit counts per (unit type, cancelled), from serials.
    public static func totals(of serials: [ITLReconciledSerials]) -> [TotalKey: Int64] {
        var totals: [TotalKey: Int64] = [:]
        for item in serials {
            let key = TotalKey(unitType: item.key.unitType, cancelled: item.key.cancelled)
            totals[key] = saturatingSum(totals[key] ?? 0, item.range.count)
        }
        return totals
    }

    /// Unit counts per (unit type, cancelled), from a registry's receiveTotals (accounts of types 2xx-4xx count as
    /// cancelled). Negative counts cannot arrive: the codec refuses them.
    public static func totals(of reported: [DESTotal]) -> [TotalKey: Int64] {
        var totals: [TotalKey: Int64] = [:]
        for total in reported {
            let key = TotalKey(
                unitType: total.unitType, cancelled: ITLReconciledSerials.isCancelled(total.accountType))
            totals[key] = saturatingSum(totals[key] ?? 0, max(total.unitCount, 0))
        }
        return totals
    }

    public struct TotalKey: Hashable, Sendable, Comparable {
        public var unitType: UnitType
        public var cancelled: Bool

        public static func < (lhs: TotalKey, rhs: TotalKey) -> Bool {
            (lhs.unitType.rawValue, lhs.cancelled ? 1 : 0) < (rhs.unitType.rawValue, rhs.cancelled ? 1 : 0)
        }
    }

    /// Every (unit type, cancelled) whose counts differ; a key absent on one side counts 0 there. Zero totals a
    /// registry reports for empty accounts are no difference.
    public static func totalDifferences(itl: [TotalKey: Int64], registry: [TotalKey: Int64])
        -> [ITLReconciliationDifferences.Total]
    {
        Set(itl.keys).union(registry.keys).sorted().compactMap { key in
            let mine = itl[key] ?? 0
            let theirs = registry[key] ?? 0
            guard mine != theirs else { return nil }
            return ITLReconciliationDifferences.Total(
                unitType: key.unitType.rawValue, cancelled: key.cancelled, itl: mine, registry: theirs)
        }
    }

    /// Serials on one side and not on the other, per compared key, in key and serial order. A range whose unit
    /// type or cancelled flag differs shows on both sides, once under each key.
    public static func blockDifferences(itl: [ITLReconciledSerials], registry: [ITLReconciledSerials])
        -> [ITLReconciliationDifferences.Block]
    {
        let mine = Dictionary(grouping: itl, by: \.key).mapValues { normalized($0.map(\.range)) }
        let theirs = Dictionary(grouping: registry, by: \.key).mapValues { normalized($0.map(\.range)) }
        var differences: [ITLReconciliationDifferences.Block] = []
        for key in Set(mine.keys).union(theirs.keys).sorted() {
            let itlRanges = mine[key] ?? []
            let registryRanges = theirs[key] ?? []
            let itlOnly = subtracting(registryRanges, from: itlRanges).map { ($0, "itlOnly") }
            let registryOnly = subtracting(itlRanges, from: registryRanges).map { ($0, "registryOnly") }
            for (range, side) in (itlOnly + registryOnly).sorted(by: { $0.0.start < $1.0.start }) {
                differences.append(
                    ITLReconciliationDifferences.Block(
                        originatingRegistry: key.originatingRegistry.rawValue, first: range.start, last: range.end,
                        unitType: key.unitType.rawValue, cancelled: key.cancelled, side: side))
            }
        }
        return differences
    }

    /// Sorted, with overlapping and adjacent ranges merged.
    public static func normalized(_ ranges: [SerialRange]) -> [SerialRange] {
        var merged: [SerialRange] = []
        for range in ranges.sorted(by: { $0.start < $1.start }) {
            guard let last = merged.last else {
                merged.append(range)
                continue
            }
            let (next, overflow) = last.end.addingReportingOverflow(1)
            if overflow || range.start <= next {
                if range.end > last.end, let joined = try? SerialRange(last.start, range.end) {
                    merged[merged.count - 1] = joined
                }
            } else {
                merged.append(range)
            }
        }
        return merged
    }

    /// `base` minus `removed`; both must be normalized. One sweep over both lists (they can be long).
    public static func subtracting(_ removed: [SerialRange], from base: [SerialRange]) -> [SerialRange] {
        var result: [SerialRange] = []
        var cursor = 0
        for range in base {
            var pieces = [range]
            while cursor < removed.count, removed[cursor].end < range.start { cursor += 1 }
            var index = cursor
            // Removed ranges are sorted and disjoint, so each one can only cut the last piece left.
            while index < removed.count, removed[index].start <= range.end, let last = pieces.last {
                pieces.removeLast()
                pieces += last.subtracting(removed[index])
                index += 1
            }
            result += pieces
        }
        return result
    }

    static func saturatingSum(_ lhs: Int64, _ rhs: Int64) -> Int64 {
        let (sum, overflow) = lhs.addingReportingOverflow(rhs)
        return overflow ? Int64.max : sum
    }
}

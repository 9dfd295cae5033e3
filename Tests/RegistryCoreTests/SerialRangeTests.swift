import Testing

@testable import RegistryCore

/// Exhaustive checks of the one type that owns inclusive-range arithmetic (DOMAIN.md section 2).
@Suite struct SerialRangeTests {
    /// Every range within 1...6.
    static let small: [SerialRange] = (1...6).flatMap { start in
        (start...6).map { SerialRange(unchecked: Int64(start), Int64($0)) }
    }

    static func serials(_ range: SerialRange) -> Set<Int64> { Set(range.start...range.end) }

    @Test func singleUnitCountsOne() throws {
        let range = try SerialRange(7, 7)
        #expect(range.count == 1)
        #expect(range.description == "7")
        let (taken, rest) = try range.split(taking: 1)
        #expect(taken == range)
        #expect(rest == nil)
        #expect(throws: SerialRangeError.countExceedsRange(count: 2, range: range)) { try range.split(taking: 2) }
        #expect(throws: SerialRangeError.splitPointOutside(serial: 7, range: range)) { try range.split(before: 7) }
    }

    @Test func invalidRangesAreRefused() {
        #expect(throws: SerialRangeError.nonPositiveSerial(0)) { try SerialRange(0, 5) }
        #expect(throws: SerialRangeError.nonPositiveSerial(-3)) { try SerialRange(1, -3) }
        #expect(throws: SerialRangeError.startAfterEnd(start: 5, end: 4)) { try SerialRange(5, 4) }
        #expect(throws: SerialRangeError.nonPositiveCount(0)) { try SerialRange(start: 5, count: 0) }
        #expect(throws: SerialRangeError.nonPositiveCount(-1)) { try SerialRange(start: 5, count: -1) }
    }

    @Test func splitTakingFirstAndLastSerial() throws {
        let range = try SerialRange(10, 19)
        let first = try range.split(taking: 1)
        #expect(first.taken == (try SerialRange(10, 10)))
        #expect(first.rest == (try SerialRange(11, 19)))
        let allButLast = try range.split(taking: 9)
        #expect(allButLast.taken == (try SerialRange(10, 18)))
        #expect(allButLast.rest == (try SerialRange(19, 19)))
        #expect(try range.split(taking: 10) == (range, nil))
        // The off-by-one that real registries had: the pieces' counts add up to the whole, for every cut.
        for count in Int64(1)...10 {
            let (taken, rest) = try range.split(taking: count)
            #expect(taken.count == count)
            #expect(taken.count + (rest?.count ?? 0) == range.count)
            #expect(taken.start == range.start)
            if let rest { #expect(rest.start == taken.end + 1 && rest.end == range.end) }
        }
    }

    @Test func splitBeforeFirstAndLastSerial() throws {
        let range = try SerialRange(10, 19)
        #expect(throws: SerialRangeError.splitPointOutside(serial: 10, range: range)) { try range.split(before: 10) }
        #expect(throws: SerialRangeError.splitPointOutside(serial: 20, range: range)) { try range.split(before: 20) }
        let (lower, upper) = try range.split(before: 19)
        #expect(try lower == SerialRange(10, 18) && upper == SerialRange(19, 19))
        let (low2, up2) = try range.split(before: 11)
        #expect(try low2 == SerialRange(10, 10) && up2 == SerialRange(11, 19))
    }

    @Test func rangesAtTheInt64Limit() throws {
        let top = try SerialRange(.max, .max)
        #expect(top.count == 1)
        let whole = try SerialRange(1, .max)
        #expect(whole.count == .max)
        #expect(try SerialRange(start: .max, count: 1) == top)
        #expect(throws: SerialRangeError.beyondInt64(start: .max, count: 2)) { try SerialRange(start: .max, count: 2) }
        #expect(throws: SerialRangeError.beyondInt64(start: 2, count: .max)) { try SerialRange(start: 2, count: .max) }
        let nearTop = try SerialRange(.max - 9, .max)
        #expect(nearTop.count == 10)
        let (taken, rest) = try nearTop.split(taking: 9)
        #expect(taken.end == .max - 1 && rest == top)
        #expect(try nearTop.split(before: .max) == (try SerialRange(.max - 9, .max - 1), top))
        // Adjacency and merging never compute end + 1 past Int64.max.
        #expect(!top.isAdjacent(to: try SerialRange(1, 1)))
        #expect(top.isAdjacent(to: try SerialRange(.max - 1, .max - 1)))
        #expect(try SerialRange(.max - 1, .max - 1).merged(with: top) == (try SerialRange(.max - 1, .max)))
        #expect(whole.subtracting(top) == [try SerialRange(1, .max - 1)])
        #expect(whole.subtracting(try SerialRange(1, 1)) == [try SerialRange(2, .max)])
        #expect(whole.subtracting(whole).isEmpty)
        #expect(try SerialRange(1, 1).split(taking: 1).rest == nil)
    }

    @Test func overlapAndIntersectionMatchASetModel() {
        for lhs in Self.small {
            for rhs in Self.small {
                let shared = Self.serials(lhs).intersection(Self.serials(rhs))
                #expect(lhs.overlaps(rhs) == !shared.isEmpty, "\(lhs) overlaps \(rhs)")
                #expect(lhs.intersection(rhs).map(Self.serials) == (shared.isEmpty ? nil : shared))
                #expect(lhs.contains(rhs) == Self.serials(rhs).isSubset(of: Self.serials(lhs)))
            }
            for serial in Int64(0)...7 { #expect(lhs.contains(serial) == Self.serials(lhs).contains(serial)) }
        }
    }

    @Test func adjacencyMatchesASetModel() {
        for lhs in Self.small {
            for rhs in Self.small {
                let touching = lhs.end + 1 == rhs.start || rhs.end + 1 == lhs.start
                #expect(lhs.isAdjacent(to: rhs) == touching, "\(lhs) adjacent to \(rhs)")
                #expect(lhs.isAdjacent(to: rhs) == rhs.isAdjacent(to: lhs))
            }
        }
    }

    @Test func mergedMatchesASetModel() {
        for lhs in Self.small {
            for rhs in Self.small {
                let union = Self.serials(lhs).union(Self.serials(rhs))
                let contiguous = union.count == Int(union.max()! - union.min()! + 1)
                let merged = lhs.merged(with: rhs)
                #expect((merged != nil) == contiguous, "\(lhs) merged with \(rhs)")
                if let merged { #expect(Self.serials(merged) == union) }
            }
        }
    }

    @Test func subtractingMatchesASetModel() {
        for lhs in Self.small {
            for rhs in Self.small {
                let pieces = lhs.subtracting(rhs)
                let expected = Self.serials(lhs).subtracting(Self.serials(rhs))
                #expect(pieces.reduce(into: Set<Int64>()) { $0.formUnion(Self.serials($1)) } == expected)
                #expect(pieces.reduce(0) { $0 + $1.count } == Int64(expected.count))
                #expect(pieces == pieces.sorted())
                for (first, second) in zip(pieces, pieces.dropFirst()) {
                    #expect(!first.overlaps(second) && !first.isAdjacent(to: second))
                }
            }
        }
    }

    @Test func splitEveryCountOfEverySmallRange() throws {
        for range in Self.small {
            for count in Int64(1)...range.count {
                let (taken, rest) = try range.split(taking: count)
                #expect(Self.serials(taken).union(rest.map(Self.serials) ?? []) == Self.serials(range))
                #expect(taken.count == count)
            }
            #expect(throws: SerialRangeError.countExceedsRange(count: range.count + 1, range: range)) {
                try range.split(taking: range.count + 1)
            }
        }
    }

    @Test func orderIsByStartThenEnd() throws {
        #expect(try SerialRange(1, 5) < SerialRange(2, 3))
        #expect(try SerialRange(2, 3) < SerialRange(2, 4))
        #expect(!(try SerialRange(2, 4) < SerialRange(2, 4)))
    }
}

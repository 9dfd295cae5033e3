/// An inclusive range of unit serial numbers `[start, end]`.
///
/// This type owns all inclusive-range arithmetic of the project (DOMAIN.md section 2: splitting is where real
/// registries had off-by-one bugs). Serial numbers are positive 64-bit integers (DES `long`, 1...Int64.max), so
/// `count` always fits in an `Int64` and `end + 1` is never computed without an overflow check.
public struct SerialRange: Hashable, Sendable, Codable, CustomStringConvertible {
    public let start: Int64
    public let end: Int64

    /// The smallest serial number a unit may carry.
    public static let minimumSerial: Int64 = 1

    /// A range from `start` through `end`, both included.
    public init(_ start: Int64, _ end: Int64) throws(SerialRangeError) {
        guard start >= Self.minimumSerial else { throw .nonPositiveSerial(start) }
        guard end >= Self.minimumSerial else { throw .nonPositiveSerial(end) }
        guard start <= end else { throw .startAfterEnd(start: start, end: end) }
        self.start = start
        self.end = end
    }

    /// The `count` serials that begin at `start`.
    public init(start: Int64, count: Int64) throws(SerialRangeError) {
        guard count >= 1 else { throw .nonPositiveCount(count) }
        let (last, overflow) = start.addingReportingOverflow(count - 1)
        guard !overflow else { throw .beyondInt64(start: start, count: count) }
        try self.init(start, last)
    }

    /// A range known to be valid; only for code that derived it from valid ranges.
    init(unchecked start: Int64, _ end: Int64) {
        assert(start >= Self.minimumSerial && start <= end)
        self.start = start
        self.end = end
    }

    /// The number of units: `end - start + 1`, always.
    public var count: Int64 { end - start + 1 }

    public func contains(_ serial: Int64) -> Bool { serial >= start && serial <= end }

    public func contains(_ other: SerialRange) -> Bool { other.start >= start && other.end <= end }

    public func overlaps(_ other: SerialRange) -> Bool { start <= other.end && other.start <= end }

    /// The serials both ranges share, if any.
    public func intersection(_ other: SerialRange) -> SerialRange? {
        guard overlaps(other) else { return nil }
        return SerialRange(unchecked: max(start, other.start), min(end, other.end))
    }

    /// True when `other` begins right after this range ends, or ends right before it begins (no gap, no overlap).
    public func isAdjacent(to other: SerialRange) -> Bool {
        (end != .max && end + 1 == other.start) || (other.end != .max && other.end + 1 == start)
    }

    /// The union of two ranges that touch or overlap; nil when a gap separates them.
    public func merged(with other: SerialRange) -> SerialRange? {
        guard overlaps(other) || isAdjacent(to: other) else { return nil }
        return SerialRange(unchecked: min(start, other.start), max(end, other.end))
    }

    /// The first `count` serials and what remains after them (nil when `count` takes the whole range).
    public func split(taking count: Int64) throws(SerialRangeError) -> (taken: SerialRange, rest: SerialRange?) {
        guard count >= 1 else { throw .nonPositiveCount(count) }
        guard count <= self.count else { throw .countExceedsRange(count: count, range: self) }
        if count == self.count { return (self, nil) }
        let lastTaken = start + (count - 1)
        return (SerialRange(unchecked: start, lastTaken), SerialRange(unchecked: lastTaken + 1, end))
    }

    /// Splits before `serial`: the serials below it and those from it on. `serial` must lie in `start + 1 ... end`.
    public func split(before serial: Int64) throws(SerialRangeError) -> (lower: SerialRange, upper: SerialRange) {
        guard serial > start, serial <= end else { throw .splitPointOutside(serial: serial, range: self) }
        return (SerialRange(unchecked: start, serial - 1), SerialRange(unchecked: serial, end))
    }

    /// This range without the serials of `other`: zero, one or two pieces, in serial order.
    public func subtracting(_ other: SerialRange) -> [SerialRange] {
        guard let cut = intersection(other) else { return [self] }
        var pieces: [SerialRange] = []
        if cut.start > start { pieces.append(SerialRange(unchecked: start, cut.start - 1)) }
        if cut.end < end { pieces.append(SerialRange(unchecked: cut.end + 1, end)) }
        return pieces
    }

    public var description: String { start == end ? "\(start)" : "\(start)-\(end)" }

    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        let start = try container.decode(Int64.self, forKey: .start)
        let end = try container.decode(Int64.self, forKey: .end)
        do { try self.init(start, end) } catch {
            throw DecodingError.dataCorruptedError(forKey: .end, in: container, debugDescription: "\(error)")
        }
    }

    private enum CodingKeys: String, CodingKey { case start, end }
}

extension SerialRange: Comparable {
    /// Ordered by start, then end: the order blocks are taken in.
    public static func < (lhs: SerialRange, rhs: SerialRange) -> Bool {
        (lhs.start, lhs.end) < (rhs.start, rhs.end)
    }
}

/// Why a serial range could not be formed or cut.
public enum SerialRangeError: Error, Hashable, Sendable, CustomStringConvertible {
    case nonPositiveSerial(Int64)
    case startAfterEnd(start: Int64, end: Int64)
    case nonPositiveCount(Int64)
    case beyondInt64(start: Int64, count: Int64)
    case countExceedsRange(count: Int64, range: SerialRange)
    case splitPointOutside(serial: Int64, range: SerialRange)

    public var description: String {
        switch self {
        case .nonPositiveSerial(let serial): "serial number \(serial) is not positive"
        case .startAfterEnd(let start, let end): "serial block start \(start) is after its end \(end)"
        case .nonPositiveCount(let count): "quantity \(count) is not positive"
        case .beyondInt64(let start, let count): "\(count) serials from \(start) run past the largest 64-bit serial"
        case .countExceedsRange(let count, let range):
            "cannot take \(count) units from block \(range) of \(range.count)"
        case .splitPointOutside(let serial, let range): "serial \(serial) does not split block \(range)"
        }
    }
}

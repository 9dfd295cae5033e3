/// Something kept in take order by its block key.
protocol BlockKeyed: Equatable, Sendable {
    var key: BlockKey { get }
}

extension BlockKey: BlockKeyed {
    var key: BlockKey { self }
}

extension Placement: BlockKeyed {}

/// A sorted list of elements with unique block keys, stored as a chunked sorted array.
///
/// Why chunks: the ledger holds up to ~10^6 blocks per account; one flat array would move O(n) memory on every
/// insert and removal. Chunks of at most `maximumChunk` elements make lookup O(log n) (binary search over chunks,
/// then within one) and insert/remove O(log n + chunk size), with cache-friendly scans in take order.
struct SortedBlockIndex<Element: BlockKeyed>: Sendable {
    /// A chunk splits in two when it grows past this: about 32 KiB of elements (1365 keys, ~160 placements), so
    /// an insert or removal moves at most that much memory, while the chunks stay few enough to search quickly.
    static var maximumChunk: Int { Swift.max(64, 32_768 / MemoryLayout<Element>.stride) }

    private(set) var chunks: [[Element]] = []
    /// The key of each chunk's first element, kept contiguous so the binary search over chunks reads one small
    /// array instead of touching every visited chunk's storage.
    private var firstKeys: [BlockKey] = []
    private(set) var count = 0

    init() {}

    var isEmpty: Bool { count == 0 }

    /// The chunk that holds `key` or would hold it: the last chunk whose first key is <= key (0 if none).
    private func chunkIndex(for key: BlockKey) -> Int {
        firstKeys.withUnsafeBufferPointer { keys in
            var low = 0
            var high = keys.count
            while low < high {
                let middle = (low + high) / 2
                if keys[middle] <= key { low = middle + 1 } else { high = middle }
            }
            return Swift.max(0, low - 1)
        }
    }

    /// The first position in `chunk` whose key is >= `key`.
    private static func lowerBound(_ chunk: [Element], _ key: BlockKey) -> Int {
        chunk.withUnsafeBufferPointer { elements in
            var low = 0
            var high = elements.count
            while low < high {
                let middle = (low + high) / 2
                if elements[middle].key < key { low = middle + 1 } else { high = middle }
            }
            return low
        }
    }

    /// Where `key` is or would be inserted: its chunk, the position in it, and whether the key is there.
    private func locate(_ key: BlockKey) -> (chunk: Int, position: Int, found: Bool) {
        let chunk = chunkIndex(for: key)
        let position = Self.lowerBound(chunks[chunk], key)
        let found = position < chunks[chunk].count && chunks[chunk][position].key == key
        return (chunk, position, found)
    }

    func element(for key: BlockKey) -> Element? {
        guard !chunks.isEmpty else { return nil }
        let (chunk, position, found) = locate(key)
        return found ? chunks[chunk][position] : nil
    }

    /// The element with the greatest key <= `key`.
    func last(atOrBefore key: BlockKey) -> Element? {
        guard !chunks.isEmpty else { return nil }
        let (chunk, position, found) = locate(key)
        if found { return chunks[chunk][position] }
        if position > 0 { return chunks[chunk][position - 1] }
        return nil  // only possible in chunk 0: every key is greater
    }

    /// The element with the smallest key > `key`.
    func first(after key: BlockKey) -> Element? {
        guard !chunks.isEmpty else { return nil }
        var (chunk, position, found) = locate(key)
        if found { position += 1 }
        if position == chunks[chunk].count {
            chunk += 1
            position = 0
        }
        return chunk < chunks.count ? chunks[chunk][position] : nil
    }

    /// Calls `body` on the elements with keys greater than `after` (from the first when nil), in order, until it
    /// returns false or the elements run out; allocates nothing, so hot paths can page without arrays.
    func forEach(after: BlockKey?, _ body: (Element) throws -> Bool) rethrows {
        guard !chunks.isEmpty else { return }
        var chunk = 0
        var position = 0
        if let after {
            let located = locate(after)
            chunk = located.chunk
            position = located.found ? located.position + 1 : located.position
        }
        while chunk < chunks.count {
            let keepGoing = try chunks[chunk].withUnsafeBufferPointer { elements in
                while position < elements.count {
                    guard try body(elements[position]) else { return false }
                    position += 1
                }
                return true
            }
            guard keepGoing else { return }
            chunk += 1
            position = 0
        }
    }

    /// Up to `limit` elements with keys greater than `after` (from the first when nil), in order, while
    /// `including` holds; stops at the first element for which it does not.
    func elements(after: BlockKey?, limit: Int, while including: (Element) -> Bool = { _ in true }) -> [Element] {
        var result: [Element] = []
        guard limit > 0, !chunks.isEmpty else { return result }
        result.reserveCapacity(Swift.min(limit, count))
        forEach(after: after) { element in
            guard including(element) else { return false }
            result.append(element)
            return result.count < limit
        }
        return result
    }

    /// Inserts `element`; false (and nothing changed) when its key is already present.
    @discardableResult
    mutating func insert(_ element: Element) -> Bool {
        let key = element.key
        guard !chunks.isEmpty else {
            var chunk: [Element] = []
            chunk.reserveCapacity(Self.maximumChunk + 1)
            chunk.append(element)
            chunks.append(chunk)
            firstKeys.append(key)
            count = 1
            return true
        }
        let (chunk, position, found) = locate(key)
        if found { return false }
        // Mutated through the subscript's in-place accessor: no second reference, so no copy-on-write copy.
        chunks[chunk].insert(element, at: position)
        if position == 0 { firstKeys[chunk] = key }
        count += 1
        if chunks[chunk].count > Self.maximumChunk {
            let half = chunks[chunk].count / 2
            var upper: [Element] = []
            upper.reserveCapacity(Self.maximumChunk + 1)
            upper.append(contentsOf: chunks[chunk][half...])
            chunks[chunk].removeSubrange(half...)
            firstKeys.insert(upper[0].key, at: chunk + 1)
            chunks.insert(upper, at: chunk + 1)
        }
        return true
    }

    /// Removes and returns the element with `key`, if present.
    @discardableResult
    mutating func remove(_ key: BlockKey) -> Element? {
        guard !chunks.isEmpty else { return nil }
        let (chunk, position, found) = locate(key)
        guard found else { return nil }
        let removed = chunks[chunk].remove(at: position)
        count -= 1
        if chunks[chunk].isEmpty {
            chunks.remove(at: chunk)
            firstKeys.remove(at: chunk)
        } else if position == 0 {
            firstKeys[chunk] = chunks[chunk][0].key
        }
        return removed
    }

    /// Replaces the element with the same key (which must be present); false when absent.
    @discardableResult
    mutating func replace(_ element: Element) -> Bool {
        guard !chunks.isEmpty else { return false }
        let (chunk, position, found) = locate(element.key)
        guard found else { return false }
        chunks[chunk][position] = element
        return true
    }

    /// Builds the index from elements already in strictly increasing key order (bulk load, no per-element search).
    init<S: Sequence>(sorted elements: S) where S.Element == Element {
        var chunk: [Element] = []
        let fill = Self.maximumChunk / 2 + Self.maximumChunk / 4
        chunk.reserveCapacity(fill)
        for element in elements {
            chunk.append(element)
            count += 1
            if chunk.count == fill {
                firstKeys.append(chunk[0].key)
                chunks.append(chunk)
                chunk = []
                chunk.reserveCapacity(fill)
            }
        }
        if !chunk.isEmpty {
            firstKeys.append(chunk[0].key)
            chunks.append(chunk)
        }
    }

    /// Every element in order, one chunk's storage at a time: whole-index scans (`verify`) read in place, with no
    /// per-element bounds checks or copies.
    func forEachChunk(_ body: (UnsafeBufferPointer<Element>) throws -> Void) rethrows {
        for chunk in chunks { try chunk.withUnsafeBufferPointer(body) }
    }
}

extension SortedBlockIndex: Sequence {
    struct Iterator: IteratorProtocol {
        let chunks: [[Element]]
        var chunk = 0
        var position = 0

        mutating func next() -> Element? {
            while chunk < chunks.count {
                if position < chunks[chunk].count {
                    defer { position += 1 }
                    return chunks[chunk][position]
                }
                chunk += 1
                position = 0
            }
            return nil
        }
    }

    func makeIterator() -> Iterator { Iterator(chunks: chunks) }

    var underestimatedCount: Int { count }
}

extension SortedBlockIndex: Equatable {
    /// Equal when they hold the same elements, however the chunks happen to be cut.
    static func == (lhs: Self, rhs: Self) -> Bool {
        lhs.count == rhs.count && lhs.elementsEqual(rhs)
    }
}

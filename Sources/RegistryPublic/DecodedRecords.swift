import Foundation

/// Decoded issuance records by their stored bytes: a report page decodes each record once while it is unchanged.
/// Keyed by the bytes themselves, so a record the ledger rewrote (an SOP-Admin payment, a forward) is decoded anew
/// and never served stale. Bounded: past `capacity` entries the cache starts over.
///
/// Why: decoding the JSON records was most of an issuance page's time (web-bench, docs/PERFORMANCE.md).
final class DecodedRecords<Value: Decodable & Sendable>: @unchecked Sendable {
    private let lock = NSLock()
    private var values: [Data: Value] = [:]
    private let capacity: Int

    init(capacity: Int = 20_000) { self.capacity = capacity }

    func decode(_ data: Data, with decoder: JSONDecoder) throws -> Value {
        if let known = lock.withLock({ values[data] }) { return known }
        let value = try decoder.decode(Value.self, from: data)
        lock.withLock {
            if values.count >= capacity { values.removeAll(keepingCapacity: true) }
            values[data] = value
        }
        return value
    }

    var count: Int { lock.withLock { values.count } }
}

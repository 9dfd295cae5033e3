import Crypto
import Foundation

/// One journal row exactly as stored: the hash chain is computed over these bytes, never over a re-encoding, so any
/// changed byte of a stored row changes its hash.
struct JournalRow: Hashable, Sendable {
    var sequence: Int64
    /// Microseconds since 1970-01-01T00:00:00Z.
    var recordedAt: Int64
    var kind: String
    var payload: Data
    var previousHash: Data
    var hash: Data
}

/// The journal's hash chain: entry `n` carries SHA-256(hash of entry `n-1` ‖ canonical bytes of entry `n`).
///
/// Why a chain and not per-row hashes: a per-row hash detects a changed row, but not a removed or reordered one;
/// chaining each hash into the next makes every entry vouch for all entries before it.
enum JournalChain {
    /// The "previous hash" of the first entry.
    static let genesisHash = Data(repeating: 0, count: SHA256.byteCount)

    /// Tag of the canonical layout, hashed first so that a later layout can never collide with this one.
    private static let layoutTag = Data("cdm-registry journal v1\n".utf8)

    /// The bytes an entry's hash covers: layout tag, sequence and time (8 bytes big-endian each), then kind and
    /// payload, each preceded by its length (8 bytes big-endian) so that no two field splits give equal bytes.
    static func canonicalBytes(sequence: Int64, recordedAt: Int64, kind: String, payload: Data)
        -> Data
    {
        var bytes = layoutTag
        appendBigEndian(sequence, to: &bytes)
        appendBigEndian(recordedAt, to: &bytes)
        let kindBytes = Data(kind.utf8)
        appendBigEndian(Int64(kindBytes.count), to: &bytes)
        bytes.append(kindBytes)
        appendBigEndian(Int64(payload.count), to: &bytes)
        bytes.append(payload)
        return bytes
    }

    /// The hash entry `sequence` must carry when the entry before it carries `previousHash`.
    static func hash(
        previousHash: Data, sequence: Int64, recordedAt: Int64, kind: String, payload: Data
    ) -> Data {
        Data(digest(previousHash: previousHash, sequence: sequence, recordedAt: recordedAt, kind: kind,
                    payload: payload))
    }

    /// The same hash fed piece by piece from the stored bytes, so `verify` builds no copy of each entry: equal,
    /// byte for byte, to SHA-256(previousHash ‖ `canonicalBytes`).
    static func digest(
        previousHash: some DataProtocol, sequence: Int64, recordedAt: Int64, kind: String,
        payload: some DataProtocol
    ) -> SHA256.Digest {
        var hasher = SHA256()
        hasher.update(data: previousHash)
        hasher.update(data: layoutTag)
        update(&hasher, sequence)
        update(&hasher, recordedAt)
        var kind = kind
        kind.withUTF8 { kindBytes in
            update(&hasher, Int64(kindBytes.count))
            hasher.update(bufferPointer: UnsafeRawBufferPointer(kindBytes))
        }
        update(&hasher, Int64(payload.count))
        hasher.update(data: payload)
        return hasher.finalize()
    }

    private static func update(_ hasher: inout SHA256, _ value: Int64) {
        withUnsafeBytes(of: value.bigEndian) { hasher.update(bufferPointer: $0) }
    }

    /// The row that follows a chain whose last entry is `head` (nil for an empty journal).
    static func row(
        after head: (sequence: Int64, hash: Data)?, recordedAt: Int64, kind: String, payload: Data
    ) throws(StoreError) -> JournalRow {
        let previousHash = head?.hash ?? genesisHash
        let (sequence, overflow) = (head?.sequence ?? 0).addingReportingOverflow(1)
        guard !overflow else { throw .journalFull }
        return JournalRow(
            sequence: sequence, recordedAt: recordedAt, kind: kind, payload: payload,
            previousHash: previousHash,
            hash: hash(
                previousHash: previousHash, sequence: sequence, recordedAt: recordedAt, kind: kind,
                payload: payload))
    }

    private static func appendBigEndian(_ value: Int64, to bytes: inout Data) {
        withUnsafeBytes(of: value.bigEndian) { bytes.append(contentsOf: $0) }
    }
}

/// Checks a journal row by row in sequence order, without holding more than the previous row's hash.
///
/// After a problem it re-anchors on the row it found, so that one tampered entry is reported once (plus the entry
/// after it, whose stored previous hash no longer matches), not as a cascade down to the end of the journal.
struct JournalChainChecker {
    private(set) var problems: [JournalProblem] = []
    private(set) var entriesChecked: Int64 = 0
    private var expectedSequence: Int64 = 1
    private var previousHash = JournalChain.genesisHash
    private(set) var last: (sequence: Int64, hash: Data)?

    mutating func check(_ row: JournalRow) {
        check(
            sequence: row.sequence, recordedAt: row.recordedAt, kind: row.kind, payload: row.payload,
            previousHash: row.previousHash, hash: row.hash)
    }

    /// Checks one entry from its stored columns; `payload` may be a no-copy view of the row, it is not kept.
    mutating func check(
        sequence: Int64, recordedAt: Int64, kind: String, payload: Data, previousHash storedPrevious: Data,
        hash: Data
    ) {
        entriesChecked += 1
        if sequence != expectedSequence {
            if sequence > expectedSequence {
                problems.append(.missingEntries(from: expectedSequence, to: sequence - 1))
            } else {
                problems.append(.outOfOrder(sequence: sequence, expected: expectedSequence))
            }
        }
        if storedPrevious != previousHash {
            problems.append(.brokenLink(sequence: sequence))
        }
        let recomputed = JournalChain.digest(
            previousHash: storedPrevious, sequence: sequence, recordedAt: recordedAt, kind: kind,
            payload: payload)
        let matches = recomputed.withUnsafeBytes { computed in
            hash.withUnsafeBytes { stored in computed.elementsEqual(stored) }
        }
        if !matches {
            problems.append(.alteredEntry(sequence: sequence))
        }
        previousHash = hash
        last = (sequence, hash)
        let (next, overflow) = sequence.addingReportingOverflow(1)
        expectedSequence = overflow ? sequence : next
    }

    /// Adds problems found outside the chain itself (payloads this build cannot read).
    mutating func add(_ more: [JournalProblem]) { problems.append(contentsOf: more) }

    /// Compares the end of the chain with the head recorded in the same transaction as the last append, which is
    /// what reveals entries cut off the end of the journal.
    mutating func finish(recordedHead: (sequence: Int64, hash: Data)?) {
        switch (last, recordedHead) {
        case (nil, nil):
            break
        case (let last?, let head?):
            if last.sequence != head.sequence || last.hash != head.hash {
                problems.append(.headMismatch(recordedSequence: head.sequence, lastSequence: last.sequence))
            }
        case (let last?, nil):
            problems.append(.headMismatch(recordedSequence: 0, lastSequence: last.sequence))
        case (nil, let head?):
            problems.append(.headMismatch(recordedSequence: head.sequence, lastSequence: 0))
        }
    }
}

/// What is wrong with the journal, always naming the entry's sequence number.
public enum JournalProblem: Hashable, Sendable, CustomStringConvertible {
    /// The entry's bytes no longer give its stored hash: it was changed after it was written.
    case alteredEntry(sequence: Int64)
    /// The entry's stored previous hash is not the hash of the entry before it: an entry before it was removed,
    /// changed or moved.
    case brokenLink(sequence: Int64)
    /// Sequence numbers `from...to` are missing.
    case missingEntries(from: Int64, to: Int64)
    case outOfOrder(sequence: Int64, expected: Int64)
    /// The head recorded with the last append differs from the journal's last entry (entries cut off the end).
    case headMismatch(recordedSequence: Int64, lastSequence: Int64)
    /// The entry's payload is not a journal entry this build can read.
    case unreadablePayload(sequence: Int64, reason: String)

    /// The sequence number this problem is about.
    public var sequence: Int64 {
        switch self {
        case .alteredEntry(let sequence), .brokenLink(let sequence), .outOfOrder(let sequence, _),
            .unreadablePayload(let sequence, _):
            sequence
        case .missingEntries(let from, _): from
        case .headMismatch(let recorded, let last): max(recorded, last)
        }
    }

    public var description: String {
        switch self {
        case .alteredEntry(let sequence):
            "journal entry \(sequence) was altered: its content does not match its hash"
        case .brokenLink(let sequence):
            "journal entry \(sequence) does not follow the entry before it (previous hash differs): an earlier entry "
                + "was removed, altered or moved"
        case .missingEntries(let from, let to):
            from == to
                ? "journal entry \(from) is missing" : "journal entries \(from) to \(to) are missing"
        case .outOfOrder(let sequence, let expected):
            "journal entry \(sequence) appears where entry \(expected) was expected"
        case .headMismatch(let recorded, let last):
            "the journal ends at entry \(last) but its recorded head is entry \(recorded)"
        case .unreadablePayload(let sequence, let reason):
            "journal entry \(sequence) cannot be read: \(reason)"
        }
    }
}

import Foundation
import RegistryCore

/// A journal entry as stored: the ledger's `JournalEntry` with the sequence number and the hashes the store adds.
public struct JournalRecord: Hashable, Sendable {
    /// 1 for the first operation, then consecutive: a gap means an entry was removed.
    public var sequence: Int64
    public var entry: JournalEntry
    /// SHA-256 of the entry before (32 zero bytes for the first).
    public var previousHash: Data
    /// SHA-256 of `previousHash` and this entry's canonical bytes (`JournalChain.canonicalBytes`).
    public var hash: Data

    public init(sequence: Int64, entry: JournalEntry, previousHash: Data, hash: Data) {
        self.sequence = sequence
        self.entry = entry
        self.previousHash = previousHash
        self.hash = hash
    }

    /// The hash as lower-case hex, as reports and attestations print it.
    public var hashHex: String { hash.map { String(format: "%02x", $0) }.joined() }
}

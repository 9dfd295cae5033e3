/// The outcome of `RegistryStore.verify()`: what was checked and every problem found, each naming the journal
/// entry, block or account concerned.
public struct StoreVerification: Hashable, Sendable, CustomStringConvertible {
    public var journalEntries: Int64
    public var blocks: Int64
    /// Hash chain problems, in sequence order.
    public var journalProblems: [JournalProblem]
    /// Ledger invariant violations found by the ledger's own verifier over the streamed blocks.
    public var ledgerProblems: [String]
    /// Stored per-account totals that disagree with the blocks they summarise.
    public var holdingsProblems: [String]

    public init(
        journalEntries: Int64, blocks: Int64, journalProblems: [JournalProblem],
        ledgerProblems: [String],
        holdingsProblems: [String]
    ) {
        self.journalEntries = journalEntries
        self.blocks = blocks
        self.journalProblems = journalProblems
        self.ledgerProblems = ledgerProblems
        self.holdingsProblems = holdingsProblems
    }

    public var isIntact: Bool {
        journalProblems.isEmpty && ledgerProblems.isEmpty && holdingsProblems.isEmpty
    }

    public var description: String {
        if isIntact { return "store intact: \(journalEntries) journal entries, \(blocks) blocks" }
        let lines = journalProblems.map(\.description) + ledgerProblems + holdingsProblems
        return "store NOT intact (\(lines.count) problems):\n"
            + lines.map { "- " + $0 }.joined(separator: "\n")
    }
}

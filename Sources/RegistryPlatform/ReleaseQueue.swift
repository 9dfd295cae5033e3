/// Runs the platform's release passes one at a time (and, as a second instance, its mail passes: two passes at
/// once would send the same due message twice).
///
/// Why: two passes reading the same pending quantity at once would ask for the same release twice (the registry
/// would answer the second from its journal, but the order of confirmations would be muddled). Each pass re-reads
/// what is pending after the previous one confirmed its releases.
actor ReleaseQueue {
    private var busy = false
    private var waiting: [CheckedContinuation<Void, Never>] = []

    func run(_ pass: @Sendable () async -> Void) async {
        while busy { await withCheckedContinuation { waiting.append($0) } }
        busy = true
        await pass()
        busy = false
        if !waiting.isEmpty { waiting.removeFirst().resume() }
    }
}

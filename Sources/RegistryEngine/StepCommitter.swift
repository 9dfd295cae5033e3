import Dispatch
import Foundation
import RegistryStore

/// Group commit: steps submitted while a batch is being written wait and go together in the next batch, one
/// durable flush for all of them. Each step keeps its own all-or-nothing result (a savepoint per step).
///
/// Why: a durable SQLite commit costs a flush (about 4 ms on this disk); a transfer takes three transitions, so one
/// flush per transition would cap the registry near 80 transfers per second, however fast everything else is.
actor StepCommitter {
    private let store: SQLiteRegistryStore
    private let queue = DispatchQueue(label: "cdm-registry.engine.commit")
    private var pending: [(EngineStep, CheckedContinuation<Result<EngineStepResult, any Error>, Never>)] = []
    private var writing = false
    /// The most steps in one batch: bounds a batch's latency and memory.
    private let maximumBatch: Int

    init(store: SQLiteRegistryStore, maximumBatch: Int = 256) {
        self.store = store
        self.maximumBatch = maximumBatch
    }

    /// Commits the step (with whichever others are waiting) and returns its own result.
    func submit(_ step: EngineStep) async -> Result<EngineStepResult, any Error> {
        await withCheckedContinuation { continuation in
            pending.append((step, continuation))
            if !writing {
                writing = true
                Task { await self.drain() }
            }
        }
    }

    private func drain() async {
        while !pending.isEmpty {
            let batch = Array(pending.prefix(maximumBatch))
            pending.removeFirst(batch.count)
            let steps = batch.map(\.0)
            let commitStarted = EngineMetrics.current.startTiming()
            let results = await write(steps)
            EngineMetrics.current.committed(steps: steps.count, since: commitStarted)
            for (index, entry) in batch.enumerated() { entry.1.resume(returning: results[index]) }
        }
        writing = false
    }

    /// The blocking SQLite write runs on its own thread, not on the cooperative pool.
    private func write(_ steps: [EngineStep]) async -> [Result<EngineStepResult, any Error>] {
        let store = store
        return await withCheckedContinuation { continuation in
            queue.async {
                do {
                    continuation.resume(returning: try store.commitSteps(steps))
                } catch {
                    continuation.resume(returning: steps.map { _ in .failure(error) })
                }
            }
        }
    }
}

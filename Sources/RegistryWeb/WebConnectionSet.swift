import Foundation
import NIOCore

/// The open connections of a listener: bounded on admission, closed all at once on shutdown.
final class WebConnectionSet: @unchecked Sendable {
    private let lock = NSLock()
    private var channels: [ObjectIdentifier: any Channel] = [:]
    private let maximum: Int

    init(maximum: Int) { self.maximum = maximum }

    /// Admits `channel` unless the listener is full; an admitted channel leaves the set when it closes.
    func admit(_ channel: any Channel) -> Bool {
        let id = ObjectIdentifier(channel)
        let admitted = lock.withLock {
            guard channels.count < maximum else { return false }
            channels[id] = channel
            return true
        }
        if admitted {
            channel.closeFuture.whenComplete { [weak self] _ in self?.remove(id) }
        }
        return admitted
    }

    var count: Int { lock.withLock { channels.count } }

    var all: [any Channel] { lock.withLock { Array(channels.values) } }

    private func remove(_ id: ObjectIdentifier) { _ = lock.withLock { channels.removeValue(forKey: id) } }
}

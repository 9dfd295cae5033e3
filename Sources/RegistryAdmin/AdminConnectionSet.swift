import NIOCore

/// The server's open connections and whether each is answering a request, so that closing the server can close
/// idle connections at once and let a connection that is busy finish its answer first.
actor AdminConnectionSet {
    private struct Entry {
        let channel: any Channel
        var busy: Bool
    }

    private var entries: [ObjectIdentifier: Entry] = [:]
    private(set) var draining = false

    /// Registers a new connection; false when the server is closing and the connection must not be served.
    func admit(_ channel: any Channel) -> Bool {
        guard !draining else { return false }
        entries[ObjectIdentifier(channel)] = Entry(channel: channel, busy: false)
        return true
    }

    /// Marks a connection busy before its request goes to the handler; false when it must stop instead.
    func beginRequest(on channel: any Channel) -> Bool {
        guard !draining, entries[ObjectIdentifier(channel)] != nil else { return false }
        entries[ObjectIdentifier(channel)]?.busy = true
        return true
    }

    /// Marks a connection idle after its response was written; false when the server is closing.
    func endRequest(on channel: any Channel) -> Bool {
        entries[ObjectIdentifier(channel)]?.busy = false
        return !draining
    }

    func remove(_ channel: any Channel) {
        entries[ObjectIdentifier(channel)] = nil
    }

    /// Starts draining; returns the idle connections to close now (busy ones stop after their answer), or nil
    /// when draining had already started.
    func drain() -> [any Channel]? {
        guard !draining else { return nil }
        draining = true
        return entries.values.filter { !$0.busy }.map(\.channel)
    }
}

import Foundation
import Logging
import NIOCore
import NIOPosix

/// The daemon's local admin socket: JSON lines over a Unix domain socket, mode 0660, one response per request,
/// answered in order per connection. Framing, checking and logging live here; the commands live in the handler.
public actor AdminSocketServer {
    /// The socket's path, as given to `start`.
    public nonisolated let path: String
    private let listener: NIOAsyncChannel<AcceptedConnection, Never>
    private let connections: AdminConnectionSet
    private let socketFile: AdminSocketFile
    private let identity: AdminSocketFile.Identity
    private var acceptLoop: Task<Void, Never>?
    private var closed = false

    /// An accepted connection with its peer's credentials, read once when it is accepted.
    final class AcceptedConnection: Sendable {
        let channel: NIOAsyncChannel<AdminLineFrame, ByteBuffer>
        let caller: AdminCaller

        init(channel: NIOAsyncChannel<AdminLineFrame, ByteBuffer>, caller: AdminCaller) {
            self.channel = channel
            self.caller = caller
        }

        /// NIO drops a connection accepted while the listener closes without handing it over, and traps when its
        /// writer is released unfinished; finishing and closing it here covers that race (a no-op once served).
        deinit {
            let channel = self.channel
            Task { try? await channel.executeThenClose { _, _ in } }
        }
    }

    private init(
        path: String, listener: NIOAsyncChannel<AcceptedConnection, Never>, connections: AdminConnectionSet,
        socketFile: AdminSocketFile, identity: AdminSocketFile.Identity
    ) {
        self.path = path
        self.listener = listener
        self.connections = connections
        self.socketFile = socketFile
        self.identity = identity
    }

    /// Binds the socket and starts answering. Refuses to start when another process listens on `path`; removes
    /// a stale socket file left by a crashed daemon.
    public static func start(
        path: String, socketGroup: gid_t? = nil, handler: any AdminCommandHandler, logger: Logger,
        eventLoopGroup: any EventLoopGroup = MultiThreadedEventLoopGroup.singleton
    ) async throws -> AdminSocketServer {
        let socketFile = AdminSocketFile(path: path)
        try socketFile.prepareForBind()
        let listener: NIOAsyncChannel<AcceptedConnection, Never>
        do {
            listener = try await ServerBootstrap(group: eventLoopGroup)
                .serverChannelOption(.backlog, value: 16)
                .childChannelOption(.allowRemoteHalfClosure, value: true)
                .bind(unixDomainSocketPath: path) { channel in
                    AdminPeerCredentials.read(from: channel).flatMapThrowing { caller in
                        try channel.pipeline.syncOperations.addHandler(
                            ByteToMessageHandler(AdminLineFrameDecoder()))
                        let wrapped = try NIOAsyncChannel<AdminLineFrame, ByteBuffer>(
                            wrappingChannelSynchronously: channel)
                        return AcceptedConnection(channel: wrapped, caller: caller)
                    }
                }
        } catch {
            throw AdminSocketError(.cannotBind, path: path, "cannot listen: \(error)")
        }
        let identity: AdminSocketFile.Identity
        do {
            identity = try socketFile.restrict(group: socketGroup)
        } catch {
            try? await listener.channel.close()
            if let bound = socketFile.currentIdentity() { socketFile.remove(ifStill: bound) }
            throw error
        }
        let server = AdminSocketServer(
            path: path, listener: listener, connections: AdminConnectionSet(), socketFile: socketFile,
            identity: identity)
        await server.beginAccepting(handler: handler, logger: logger)
        logger.info("admin socket listening", metadata: ["socket": "\(path)", "mode": "0660"])
        return server
    }

    private func beginAccepting(handler: any AdminCommandHandler, logger: Logger) {
        let listener = self.listener
        let connections = self.connections
        acceptLoop = Task {
            await withDiscardingTaskGroup { group in
                do {
                    try await listener.executeThenClose { inbound in
                        for try await accepted in inbound {
                            group.addTask {
                                await AdminConnection(
                                    accepted: accepted, handler: handler, connections: connections, logger: logger
                                ).serve()
                            }
                        }
                    }
                } catch {
                    logger.error("admin socket stopped accepting", metadata: ["error": "\(error)"])
                }
            }
        }
    }

    /// Stops listening, closes idle connections, waits for requests being answered, and removes the socket file.
    public func close() async {
        guard !closed else { return }
        closed = true
        try? await listener.channel.close()
        for idle in await connections.drain() ?? [] {
            idle.close(promise: nil)
        }
        await acceptLoop?.value
        socketFile.remove(ifStill: identity)
    }
}

import NIOCore

#if canImport(Glibc)
    import Glibc
#endif

/// Reads the connecting process's uid, gid and pid (SO_PEERCRED) from an accepted admin connection.
///
/// NIO exposes no typed option for it; `SocketOptionProvider.unsafeGetSocketOption` with `ucred` reads it from
/// the channel's descriptor. The kernel records the credentials at connect time, so they cannot be spoofed.
enum AdminPeerCredentials {
    struct Unavailable: Error, CustomStringConvertible {
        let reason: String
        var description: String { "cannot read the admin client's credentials: \(reason)" }
    }

    static func read(from channel: any Channel) -> EventLoopFuture<AdminCaller> {
        #if canImport(Glibc)
            guard let provider = channel as? any SocketOptionProvider else {
                return channel.eventLoop.makeFailedFuture(Unavailable(reason: "the channel is not a socket"))
            }
            // glibc declares `struct ucred` only under _GNU_SOURCE, which Swift's Glibc module does not set; its
            // layout is fixed by the kernel ABI: pid_t pid, uid_t uid, gid_t gid, three 32-bit fields.
            let credentials: EventLoopFuture<(UInt32, UInt32, UInt32)> = provider.unsafeGetSocketOption(
                level: SocketOptionLevel(SOL_SOCKET), name: SocketOptionName(SO_PEERCRED))
            return credentials.map { pid, uid, gid in AdminCaller(uid: uid, gid: gid, pid: Int32(bitPattern: pid)) }
        #else
            return channel.eventLoop.makeFailedFuture(Unavailable(reason: "SO_PEERCRED exists on Linux only"))
        #endif
    }
}

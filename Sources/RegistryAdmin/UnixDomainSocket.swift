#if canImport(Glibc)
    import Glibc
#elseif canImport(Musl)
    import Musl
#elseif canImport(Darwin)
    import Darwin
#endif

/// The few POSIX calls on Unix domain sockets that NIO does not cover: the stale-socket probe and the CLI client.
enum UnixDomainSocket {
    /// `sun_path` holds 108 bytes on Linux (104 on macOS) including the terminating NUL.
    static var maximumPathBytes: Int { MemoryLayout.size(ofValue: sockaddr_un().sun_path) - 1 }

    static var streamType: Int32 {
        #if canImport(Glibc)
            Int32(SOCK_STREAM.rawValue)
        #else
            SOCK_STREAM
        #endif
    }

    /// A new stream socket (close-on-exec, so a daemon's children do not inherit admin connections).
    static func makeStreamSocket() -> Result<Int32, POSIXErrorText> {
        #if canImport(Glibc) || canImport(Musl)
            let descriptor = socket(AF_UNIX, streamType | Int32(SOCK_CLOEXEC.rawValue), 0)
        #else
            let descriptor = socket(AF_UNIX, streamType, 0)
        #endif
        guard descriptor >= 0 else { return .failure(POSIXErrorText(errno: errno)) }
        return .success(descriptor)
    }

    /// Connects `descriptor` to `path`; the error carries errno's text.
    static func connect(_ descriptor: Int32, to path: String) -> Result<Void, POSIXErrorText> {
        var address = sockaddr_un()
        address.sun_family = sa_family_t(AF_UNIX)
        let bytes = Array(path.utf8)
        guard bytes.count <= maximumPathBytes else {
            return .failure(POSIXErrorText(errno: ENAMETOOLONG))
        }
        withUnsafeMutableBytes(of: &address.sun_path) { raw in
            raw.copyBytes(from: bytes)
            raw[bytes.count] = 0
        }
        let length = socklen_t(MemoryLayout<sockaddr_un>.size)
        let result = withUnsafePointer(to: &address) { pointer in
            pointer.withMemoryRebound(to: sockaddr.self, capacity: 1) { sockaddrPointer in
                retryingOnInterrupt { systemConnect(descriptor, sockaddrPointer, length) }
            }
        }
        guard result == 0 else { return .failure(POSIXErrorText(errno: errno)) }
        return .success(())
    }

    /// Whether a server accepts connections at `path` right now (a stale socket file refuses them).
    static func probe(_ path: String) -> Result<Bool, POSIXErrorText> {
        let descriptor: Int32
        switch makeStreamSocket() {
        case .success(let value): descriptor = value
        case .failure(let error): return .failure(error)
        }
        defer { _ = close(descriptor) }
        switch connect(descriptor, to: path) {
        case .success: return .success(true)
        case .failure(let error) where error.code == ECONNREFUSED || error.code == ENOENT: return .success(false)
        case .failure(let error): return .failure(error)
        }
    }

    static func retryingOnInterrupt(_ call: () -> Int32) -> Int32 {
        while true {
            let result = call()
            if result >= 0 || errno != EINTR { return result }
        }
    }

    private static func systemConnect(
        _ descriptor: Int32, _ address: UnsafePointer<sockaddr>, _ length: socklen_t
    ) -> Int32 {
        #if canImport(Glibc)
            Glibc.connect(descriptor, address, length)
        #elseif canImport(Musl)
            Musl.connect(descriptor, address, length)
        #else
            Darwin.connect(descriptor, address, length)
        #endif
    }
}

/// An errno value with its `strerror` text, for messages that name the problem as the system does.
struct POSIXErrorText: Error, Hashable, CustomStringConvertible {
    let code: Int32

    init(errno code: Int32) { self.code = code }

    var description: String { String(cString: strerror(code)) }
}

import Foundation

#if canImport(Glibc)
    import Glibc
#elseif canImport(Musl)
    import Musl
#elseif canImport(Darwin)
    import Darwin
#endif

/// A blocking admin-socket client for registryctl: one connection, requests answered in order.
///
/// Plain POSIX sockets with SO_RCVTIMEO rather than NIO: a CLI makes one call and exits, and a hung daemon must
/// not hang the operator's shell for ever.
public final class AdminClient {
    public let path: String
    private let descriptor: Int32
    /// Bytes read past the end of the previous response line.
    private var pending: [UInt8] = []
    private var nextRequestNumber = 1

    /// Connects to the daemon's socket; waits at most `timeoutSeconds` for each read or write afterwards.
    public init(path: String, timeoutSeconds: Int = 30) throws(AdminClientError) {
        self.path = path
        switch UnixDomainSocket.makeStreamSocket() {
        case .success(let value): descriptor = value
        case .failure(let problem): throw AdminClientError(.cannotConnect, path: path, "\(problem)")
        }
        var timeout = timeval(tv_sec: timeoutSeconds, tv_usec: 0)
        let size = socklen_t(MemoryLayout<timeval>.size)
        _ = setsockopt(descriptor, SOL_SOCKET, SO_RCVTIMEO, &timeout, size)
        _ = setsockopt(descriptor, SOL_SOCKET, SO_SNDTIMEO, &timeout, size)
        #if canImport(Darwin)
            var one: Int32 = 1
            _ = setsockopt(descriptor, SOL_SOCKET, SO_NOSIGPIPE, &one, socklen_t(MemoryLayout<Int32>.size))
        #endif
        if case .failure(let problem) = UnixDomainSocket.connect(descriptor, to: path) {
            // No close here: every stored property is set, so throwing runs `deinit`, which closes it. Closing it
            // here as well closed the descriptor twice, the second time possibly someone else's that had just been
            // given the same number (seen as EBADF in other threads of a test process retrying a restarting daemon).
            throw AdminClientError(.cannotConnect, path: path, Self.explain(problem, path: path))
        }
    }

    deinit {
        _ = close(descriptor)
    }

    /// Sends one request and waits for its response. A response with `ok == false` is returned, not thrown:
    /// the daemon refusing a command is an answer, not a failure to talk.
    public func call(_ command: String, arguments: [String: JSONValue] = [:]) throws(AdminClientError)
        -> AdminResponse
    {
        let id = String(nextRequestNumber)
        nextRequestNumber += 1
        return try send(AdminRequest(id: id, command: command, arguments: arguments))
    }

    /// Sends a prepared request (its id is the caller's) and waits for the matching response.
    public func send(_ request: AdminRequest) throws(AdminClientError) -> AdminResponse {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        let line: Data
        do {
            line = try encoder.encode(request)
        } catch {
            throw AdminClientError(.io, path: path, "cannot encode the request: \(error)")
        }
        try sendLine(Array(line))
        let answer = try receiveLine()
        let response: AdminResponse
        do {
            response = try JSONDecoder().decode(AdminResponse.self, from: Data(answer))
        } catch {
            let text = String(decoding: answer.prefix(200), as: UTF8.self)
            throw AdminClientError(.malformedResponse, path: path, "\(AdminRequestLine.describe(error)) in '\(text)'")
        }
        // A refusal of the line itself (too long, not JSON) carries an empty id: it still answers this request.
        guard response.id == request.id || (response.id.isEmpty && !response.ok) else {
            throw AdminClientError(
                .malformedResponse, path: path,
                "the response is for request '\(response.id)', expected '\(request.id)'")
        }
        return response
    }

    /// Writes `bytes` and a newline, all of it.
    func sendLine(_ bytes: [UInt8]) throws(AdminClientError) {
        var remaining = bytes + [UInt8(ascii: "\n")]
        while !remaining.isEmpty {
            let written = remaining.withUnsafeBytes { raw in
                Self.sendNoSignal(descriptor, raw.baseAddress, raw.count)
            }
            if written < 0 {
                if errno == EINTR { continue }
                throw AdminClientError(.io, path: path, "cannot send the request: \(Self.describe(errno: errno))")
            }
            remaining.removeFirst(written)
        }
    }

    /// Reads up to the next newline; the line is returned without it.
    func receiveLine() throws(AdminClientError) -> [UInt8] {
        let limit = AdminProtocol.maximumLineBytes * 8
        var chunk = [UInt8](repeating: 0, count: 65_536)
        while true {
            if let newline = pending.firstIndex(of: UInt8(ascii: "\n")) {
                let line = Array(pending[..<newline])
                pending.removeSubrange(...newline)
                return line
            }
            guard pending.count <= limit else {
                throw AdminClientError(.malformedResponse, path: path, "a response line exceeds \(limit) bytes")
            }
            let count = chunk.withUnsafeMutableBytes { raw in read(descriptor, raw.baseAddress, raw.count) }
            if count > 0 {
                pending.append(contentsOf: chunk[..<count])
            } else if count == 0 {
                throw AdminClientError(.closedByDaemon, path: path, "before answering")
            } else if errno == EINTR {
                continue
            } else if errno == EAGAIN || errno == EWOULDBLOCK {
                throw AdminClientError(.io, path: path, "no answer from the daemon within the timeout")
            } else {
                throw AdminClientError(.io, path: path, "cannot read the response: \(Self.describe(errno: errno))")
            }
        }
    }

    private static func sendNoSignal(_ descriptor: Int32, _ bytes: UnsafeRawPointer?, _ count: Int) -> Int {
        #if canImport(Darwin)
            Darwin.send(descriptor, bytes, count, 0)
        #elseif canImport(Musl)
            Musl.send(descriptor, bytes, count, Int32(MSG_NOSIGNAL))
        #else
            // MSG_NOSIGNAL: a daemon that went away must give an error message, not kill registryctl with SIGPIPE.
            Glibc.send(descriptor, bytes, count, Int32(MSG_NOSIGNAL))
        #endif
    }

    private static func describe(errno code: Int32) -> String { POSIXErrorText(errno: code).description }

    /// The system's words plus what an operator should check for the usual two causes.
    static func explain(_ problem: POSIXErrorText, path: String) -> String {
        switch problem.code {
        case ENOENT, ECONNREFUSED:
            "\(problem) (is cdm-registryd running? see `systemctl status cdm-registryd`)"
        case EACCES, EPERM:
            "\(problem) (the socket is mode 0660: run registryctl as the service user or as a member of the "
                + "socket's group, e.g. `sudo usermod -aG cdm-registry $USER` and log in again)"
        case ENAMETOOLONG:
            "\(problem) (a Unix socket path is limited to \(UnixDomainSocket.maximumPathBytes) bytes)"
        default:
            "\(problem)"
        }
    }
}

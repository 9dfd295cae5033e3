import Foundation

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// A bare TCP connection to 127.0.0.1 for what an HTTP client library will not send: garbage, oversized heads,
/// several requests on one connection. Blocking, with a receive timeout, for tests only.
final class RawHTTPConnection: @unchecked Sendable {
    private let socketDescriptor: Int32
    private var buffer: [UInt8] = []

    struct Failure: Error, CustomStringConvertible {
        var description: String
    }

    /// One response as read off the wire.
    struct Response {
        var statusLine: String
        var headers: [String: String]
        var body: [UInt8]
        var status: Int { Int(statusLine.split(separator: " ").dropFirst().first ?? "") ?? 0 }
    }

    init(port: Int) throws {
        #if canImport(Glibc)
            socketDescriptor = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        #else
            socketDescriptor = socket(AF_INET, SOCK_STREAM, 0)
        #endif
        guard socketDescriptor >= 0 else { throw Failure(description: "socket() failed") }
        // Generous: the whole suite runs in parallel on 2 cores, and other suites' set-up (processes, certificates)
        // can hold the threads the server under test answers on for seconds; only a failure waits this long.
        var timeout = timeval(tv_sec: 45, tv_usec: 0)
        setsockopt(socketDescriptor, SOL_SOCKET, SO_RCVTIMEO, &timeout, socklen_t(MemoryLayout<timeval>.size))
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_port = in_port_t(UInt16(port).bigEndian)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        let connected = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                connect(socketDescriptor, $0, socklen_t(MemoryLayout<sockaddr_in>.size))
            }
        }
        // No close before throwing: every stored property is set, so `deinit` runs and closes it (twice would close
        // whatever descriptor another thread had been given the same number meanwhile).
        guard connected == 0 else { throw Failure(description: "connect() failed: \(errno)") }
    }

    deinit { close(socketDescriptor) }

    func send(_ text: String) throws { try send(Array(text.utf8)) }

    /// One response, read on a dispatch thread: a blocking read on the test's own (cooperative) thread could starve
    /// the server under test of the threads it answers on.
    func response(isHead: Bool = false) async throws -> Response {
        try await Self.offCooperativePool { try self.readResponse(isHead: isHead) }
    }

    /// Whether the peer closes the connection (waiting up to the receive timeout), read on a dispatch thread.
    func closesConnection() async -> Bool {
        (try? await Self.offCooperativePool { self.isClosedByPeer() }) ?? false
    }

    private static func offCooperativePool<T: Sendable>(_ work: @escaping @Sendable () throws -> T) async throws -> T {
        try await withCheckedThrowingContinuation { continuation in
            Thread.detachNewThread { continuation.resume(with: Result { try work() }) }
        }
    }

    func send(_ bytes: [UInt8]) throws {
        var sent = 0
        while sent < bytes.count {
            let count = bytes[sent...].withUnsafeBytes { write(socketDescriptor, $0.baseAddress, $0.count) }
            guard count > 0 else { throw Failure(description: "write failed: \(errno)") }
            sent += count
        }
    }

    /// Reads one response framed by Content-Length (or, without one, until the peer closes).
    func readResponse(isHead: Bool = false) throws -> Response {
        while true {
            if let end = headEnd() {
                let head = String(decoding: buffer[..<end], as: UTF8.self)
                var lines = head.components(separatedBy: "\r\n")
                let statusLine = lines.removeFirst()
                var headers: [String: String] = [:]
                for line in lines where !line.isEmpty {
                    guard let colon = line.firstIndex(of: ":") else { continue }
                    headers[line[..<colon].lowercased()] = line[line.index(after: colon)...]
                        .trimmingCharacters(in: .whitespaces)
                }
                let status = Int(statusLine.split(separator: " ").dropFirst().first ?? "") ?? 0
                let noBody = isHead || status == 304 || status == 204
                if noBody {
                    buffer.removeFirst(end + 4)
                    return Response(statusLine: statusLine, headers: headers, body: [])
                }
                if let length = headers["content-length"].flatMap(Int.init) {
                    while buffer.count < end + 4 + length { guard try fill() else { break } }
                    let body = Array(buffer[(end + 4)..<min(buffer.count, end + 4 + length)])
                    buffer.removeFirst(min(buffer.count, end + 4 + length))
                    return Response(statusLine: statusLine, headers: headers, body: body)
                }
                while try fill() {}
                let body = Array(buffer[(end + 4)...])
                buffer = []
                return Response(statusLine: statusLine, headers: headers, body: body)
            }
            guard try fill() else { throw Failure(description: "connection closed before a response head") }
        }
    }

    /// True when the peer has closed the connection (read returns 0) within the timeout.
    func isClosedByPeer() -> Bool {
        var byte = [UInt8](repeating: 0, count: 1)
        let count = byte.withUnsafeMutableBytes { read(socketDescriptor, $0.baseAddress, 1) }
        return count == 0 || (count < 0 && errno == ECONNRESET)
    }

    private func fill() throws -> Bool {
        var chunk = [UInt8](repeating: 0, count: 65_536)
        let count = chunk.withUnsafeMutableBytes { read(socketDescriptor, $0.baseAddress, $0.count) }
        if count == 0 || (count < 0 && errno == ECONNRESET) { return false }
        guard count > 0 else { throw Failure(description: "read failed or timed out: \(errno)") }
        buffer += chunk[..<count]
        return true
    }

    private func headEnd() -> Int? {
        guard buffer.count >= 4 else { return nil }
        for index in 0...(buffer.count - 4)
        where buffer[index] == 13 && buffer[index + 1] == 10 && buffer[index + 2] == 13 && buffer[index + 3] == 10 {
            return index
        }
        return nil
    }
}

import Foundation
import NIOCore
import NIOPosix
import Synchronization

/// A minimal SMTP server on 127.0.0.1 for the transport's tests: answers the RFC 5321 dialogue and records, per
/// session, the command lines and the message data (dot-unstuffed). It can refuse the recipient or stay silent.
/// Used by the platform's tests and the end-to-end suite (the daemon's [platform.mail] relay).
public final class FakeSMTPServer: Sendable {
    public struct Session: Sendable {
        public var commands: [String] = []
        public var data: String?
    }

    public enum Behaviour: Sendable {
        case accept
        case refuseRecipient
        case silent
    }

    public let port: Int
    private let server: any Channel
    private let recorded = Mutex<[Session]>([])
    private let serving = Mutex<Task<Void, Never>?>(nil)

    public var sessions: [Session] { recorded.withLock { $0 } }

    private init(port: Int, server: any Channel) {
        self.port = port
        self.server = server
    }

    public static func start(_ behaviour: Behaviour = .accept) async throws -> FakeSMTPServer {
        let server = try await ServerBootstrap(group: MultiThreadedEventLoopGroup.singleton)
            .serverChannelOption(.socketOption(.so_reuseaddr), value: 1)
            .bind(host: "127.0.0.1", port: 0) { channel in
                channel.eventLoop.makeCompletedFuture {
                    try NIOAsyncChannel<ByteBuffer, ByteBuffer>(wrappingChannelSynchronously: channel)
                }
            }
        let fake = FakeSMTPServer(port: server.channel.localAddress?.port ?? 0, server: server.channel)
        let task = Task<Void, Never> {
            try? await server.executeThenClose { connections in
                for try await connection in connections {
                    Task { await fake.serve(connection, behaviour) }
                }
            }
        }
        fake.serving.withLock { $0 = task }
        return fake
    }

    public func stop() async {
        try? await server.close()
        await serving.withLock { $0 }?.value
    }

    private func serve(_ connection: NIOAsyncChannel<ByteBuffer, ByteBuffer>, _ behaviour: Behaviour) async {
        let index = recorded.withLock { sessions in
            sessions.append(Session())
            return sessions.count - 1
        }
        try? await connection.executeThenClose { inbound, outbound in
            if case .silent = behaviour {
                for try await _ in inbound {}
                return
            }
            func reply(_ text: String) async throws { try await outbound.write(ByteBuffer(string: text + "\r\n")) }
            try await reply("220 fake.test ESMTP")
            var pending: [UInt8] = []
            var inData = false
            var data: [String] = []
            for try await buffer in inbound {
                pending += buffer.readableBytesView
                while let end = pending.firstIndex(of: UInt8(ascii: "\n")) {
                    var bytes = Array(pending[..<end])
                    pending.removeFirst(end + 1)
                    if bytes.last == UInt8(ascii: "\r") { bytes.removeLast() }
                    let line = String(decoding: bytes, as: UTF8.self)
                    if inData {
                        if line == "." {
                            inData = false
                            let message = data.joined(separator: "\r\n")
                            recorded.withLock { $0[index].data = message }
                            try await reply("250 2.0.0 queued")
                        } else {
                            data.append(line.hasPrefix(".") ? String(line.dropFirst()) : line)
                        }
                        continue
                    }
                    recorded.withLock { $0[index].commands.append(line) }
                    let verb = line.prefix(4).uppercased()
                    switch verb {
                    case "EHLO": try await reply("250-fake.test\r\n250 8BITMIME")
                    case "MAIL": try await reply("250 2.1.0 ok")
                    case "RCPT":
                        if case .refuseRecipient = behaviour {
                            try await reply("550 5.1.1 no such mailbox")
                        } else {
                            try await reply("250 2.1.5 ok")
                        }
                    case "DATA":
                        inData = true
                        try await reply("354 end with <CRLF>.<CRLF>")
                    case "QUIT":
                        try await reply("221 2.0.0 bye")
                        return
                    default: try await reply("502 5.5.2 not implemented")
                    }
                }
            }
        }
    }
}

extension FakeSMTPServer.Session {
    /// The text of the recorded message: its base64 body (after the headers) decoded.
    public var decodedBody: String? {
        guard let data else { return nil }
        let encoded = data.components(separatedBy: "\r\n\r\n").dropFirst().joined()
            .replacingOccurrences(of: "\r\n", with: "")
        return Data(base64Encoded: encoded).map { String(decoding: $0, as: UTF8.self) }
    }
}

import Foundation
import NIOCore
import NIOPosix
import RegistryWeb

/// Sends mail to an SMTP relay (RFC 5321): EHLO, MAIL FROM, RCPT TO, DATA, QUIT, one connection per message.
///
/// Plain SMTP, no TLS and no authentication: the relay is meant to be the machine's own mail server (postfix,
/// nullmailer, ...) on loopback or a trusted network, which queues, signs and delivers onwards. The message is
/// UTF-8 text sent as base64 (7-bit clean, whatever the relay supports); the subject is an RFC 2047 encoded word
/// when it is not plain ASCII.
public struct SMTPMailTransport: MailTransport {
    public var host: String
    public var port: Int
    /// The envelope sender and the From header.
    public var from: String
    /// The name given in EHLO.
    public var heloName: String
    /// The longest a whole exchange may take.
    public var timeout: Duration

    public init(
        host: String, port: Int = 25, from: String, heloName: String = "localhost", timeout: Duration = .seconds(30)
    ) {
        self.host = host
        self.port = port
        self.from = from
        self.heloName = heloName
        self.timeout = timeout
    }

    public func send(_ message: MailMessage) async throws(MailError) {
        try MailAddress.check(from, role: "sender")
        try MailAddress.check(message.to, role: "recipient")
        let content = Self.render(message, from: from, date: Date(), messageID: "\(UUID().uuidString)@\(heloName)")
        let channel: NIOAsyncChannel<ByteBuffer, ByteBuffer>
        do {
            channel = try await ClientBootstrap(group: MultiThreadedEventLoopGroup.singleton)
                .connectTimeout(.seconds(10))
                .connect(host: host, port: port) { channel in
                    channel.eventLoop.makeCompletedFuture {
                        try NIOAsyncChannel<ByteBuffer, ByteBuffer>(wrappingChannelSynchronously: channel)
                    }
                }
        } catch {
            throw MailError("cannot connect to the mail server \(host):\(port): \(error)")
        }
        let dialogue = SMTPDialogue(heloName: heloName, from: from, to: message.to, content: content)
        let limit = timeout
        do {
            try await withThrowingTaskGroup(of: Void.self) { group in
                group.addTask {
                    try await channel.executeThenClose { inbound, outbound in
                        try await dialogue.run(inbound: inbound, outbound: outbound)
                    }
                }
                group.addTask {
                    try await Task.sleep(for: limit)
                    // Closing ends the dialogue's read at once, whatever it was waiting for.
                    try? await channel.channel.close()
                    throw MailError("the mail server \(host):\(port) did not finish within \(limit)")
                }
                try await group.next()
                group.cancelAll()
            }
        } catch let error as MailError {
            try? await channel.channel.close()
            throw error
        } catch {
            try? await channel.channel.close()
            throw MailError("mail server \(host):\(port): \(error)")
        }
    }

    /// The message as it goes after DATA: headers, a blank line, the base64 body; CRLF line ends, no final dot.
    static func render(_ message: MailMessage, from: String, date: Date, messageID: String) -> String {
        let lines = message.body.split(omittingEmptySubsequences: false, whereSeparator: \.isNewline)
            .joined(separator: "\r\n")
        let encoded = Data(lines.utf8).base64EncodedString(
            options: [.lineLength76Characters, .endLineWithCarriageReturn, .endLineWithLineFeed])
        let headers = [
            "From: \(from)", "To: \(message.to)", "Subject: \(encodedSubject(message.subject))",
            "Date: \(MailDate.format(date))", "Message-ID: <\(messageID)>", "MIME-Version: 1.0",
            "Content-Type: text/plain; charset=utf-8", "Content-Transfer-Encoding: base64",
        ]
        return headers.joined(separator: "\r\n") + "\r\n\r\n" + encoded + "\r\n"
    }

    /// Plain ASCII as is; anything else (or a line break, which would start a new header) as RFC 2047 encoded
    /// words of at most 45 bytes of UTF-8 each (75 characters encoded), cut between characters.
    static func encodedSubject(_ subject: String) -> String {
        let flat = subject.replacingOccurrences(of: "\r", with: " ").replacingOccurrences(of: "\n", with: " ")
        if flat.unicodeScalars.allSatisfy({ $0.isASCII && $0.value >= 0x20 && $0.value != 0x7f }), flat.count <= 900 {
            return flat
        }
        var words: [String] = []
        var chunk = Data()
        for character in flat {
            let bytes = Data(String(character).utf8)
            if chunk.count + bytes.count > 45 {
                words.append("=?UTF-8?B?\(chunk.base64EncodedString())?=")
                chunk = Data()
            }
            chunk.append(bytes)
        }
        if !chunk.isEmpty { words.append("=?UTF-8?B?\(chunk.base64EncodedString())?=") }
        return words.joined(separator: "\r\n ")
    }
}

/// The client's side of one SMTP session: each command, then the server's reply, checked against the code it must
/// have. A reply line is `ddd-text` (more follow) or `ddd text` (the last).
struct SMTPDialogue: Sendable {
    let heloName: String
    let from: String
    let to: String
    let content: String

    func run(inbound: NIOAsyncChannelInboundStream<ByteBuffer>, outbound: NIOAsyncChannelOutboundWriter<ByteBuffer>)
        async throws
    {
        var replies = SMTPReplyReader(inbound.makeAsyncIterator())
        func expect(_ step: String, _ accepted: ClosedRange<Int>) async throws {
            let reply = try await replies.next()
            guard accepted.contains(reply.code) else {
                throw MailError("the mail server refused \(step): \(reply.code) \(reply.text)")
            }
        }
        func command(_ line: String, _ step: String, _ accepted: ClosedRange<Int>) async throws {
            try await outbound.write(ByteBuffer(string: line + "\r\n"))
            try await expect(step, accepted)
        }
        try await expect("the connection", 220...220)
        try await command("EHLO \(heloName)", "EHLO", 250...250)
        try await command("MAIL FROM:<\(from)>", "the sender <\(from)>", 250...250)
        try await command("RCPT TO:<\(to)>", "the recipient <\(to)>", 250...251)
        try await command("DATA", "DATA", 354...354)
        // Dot-stuffing: a line that starts with "." gets another, so no line of the message ends it early.
        let stuffed = content.split(separator: "\r\n", omittingEmptySubsequences: false)
            .map { $0.hasPrefix(".") ? "." + $0 : String($0) }.joined(separator: "\r\n")
        try await command(stuffed + (stuffed.hasSuffix("\r\n") ? "" : "\r\n") + ".", "the message", 250...250)
        try? await outbound.write(ByteBuffer(string: "QUIT\r\n"))
        _ = try? await replies.next()
    }
}

/// Reads SMTP replies off the byte stream: lines up to CRLF (at most 1,000 bytes each, 100 lines a reply).
struct SMTPReplyReader {
    var iterator: NIOAsyncChannelInboundStream<ByteBuffer>.AsyncIterator
    var pending: [UInt8] = []

    init(_ iterator: NIOAsyncChannelInboundStream<ByteBuffer>.AsyncIterator) { self.iterator = iterator }

    mutating func next() async throws -> (code: Int, text: String) {
        var text: [String] = []
        for _ in 0..<100 {
            let line = try await nextLine()
            let bytes = Array(line.utf8)
            guard bytes.count >= 3, let code = Int(String(decoding: bytes[0..<3], as: UTF8.self)),
                (200...599).contains(code)
            else { throw MailError("the mail server answered '\(line.prefix(100))', not an SMTP reply") }
            text.append(String(line.dropFirst(4)))
            if bytes.count == 3 || bytes[3] == UInt8(ascii: " ") { return (code, text.joined(separator: " ")) }
            guard bytes[3] == UInt8(ascii: "-") else {
                throw MailError("the mail server answered '\(line.prefix(100))', not an SMTP reply")
            }
        }
        throw MailError("the mail server's reply has more than 100 lines")
    }

    private mutating func nextLine() async throws -> String {
        while true {
            if let end = pending.firstIndex(of: UInt8(ascii: "\n")) {
                var line = Array(pending[..<end])
                pending.removeFirst(end + 1)
                if line.last == UInt8(ascii: "\r") { line.removeLast() }
                return String(decoding: line, as: UTF8.self)
            }
            guard pending.count <= 1_000 else { throw MailError("the mail server sent a line over 1,000 bytes") }
            guard let buffer = try await iterator.next() else {
                throw MailError("the mail server closed the connection")
            }
            pending += buffer.readableBytesView
        }
    }
}

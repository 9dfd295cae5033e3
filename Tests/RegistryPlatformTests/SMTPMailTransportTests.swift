import Foundation
import RegistryTestSupport
import Testing

@testable import RegistryPlatform

@Suite("SMTP transport against a local server")
struct SMTPMailTransportTests {
    static func transport(_ port: Int, timeout: Duration = .seconds(10)) -> SMTPMailTransport {
        SMTPMailTransport(
            host: "127.0.0.1", port: port, from: "platform@registry.example", heloName: "registry.example",
            timeout: timeout)
    }

    @Test func aMessageGoesThroughTheWholeDialogueWithItsHeadersAndBody() async throws {
        let server = try await FakeSMTPServer.start()
        let body = "Your order PLT-7 is complete.\n.a line that starts with a dot\nDíaz, 30 CERs\n"
        try await Self.transport(server.port).send(
            MailMessage(to: "ana@example.org", subject: "Order PLT-7: units cancelled", body: body))
        await server.stop()
        let session = try #require(server.sessions.first)
        #expect(
            session.commands == [
                "EHLO registry.example", "MAIL FROM:<platform@registry.example>", "RCPT TO:<ana@example.org>",
                "DATA", "QUIT",
            ])
        let data = try #require(session.data)
        #expect(data.contains("From: platform@registry.example\r\nTo: ana@example.org\r\n"))
        #expect(data.contains("Subject: Order PLT-7: units cancelled\r\n"))
        #expect(data.contains("Content-Type: text/plain; charset=utf-8\r\nContent-Transfer-Encoding: base64"))
        #expect(session.decodedBody == body.replacingOccurrences(of: "\n", with: "\r\n"))
    }

    @Test func aSubjectThatIsNotPlainASCIIIsEncodedAndCannotStartAHeader() throws {
        let subject = "Pedido de Ana Díaz: 30 CERs cancelados para la Municipalidad de San José"
        let encoded = SMTPMailTransport.encodedSubject(subject)
        #expect(encoded.hasPrefix("=?UTF-8?B?") && !encoded.contains("Díaz"))
        let decoded = encoded.components(separatedBy: "\r\n ").map { word in
            String(decoding: Data(base64Encoded: String(word.dropFirst(10).dropLast(2))) ?? Data(), as: UTF8.self)
        }.joined()
        #expect(decoded == subject)
        #expect(encoded.components(separatedBy: "\r\n ").allSatisfy { $0.count <= 75 })
        let injected = SMTPMailTransport.encodedSubject("Hello\r\nBcc: everyone@example.org")
        #expect(!injected.contains("\r\nBcc:"))
    }

    @Test func aRefusedRecipientIsAnErrorThatSaysSo() async throws {
        let server = try await FakeSMTPServer.start(.refuseRecipient)
        await #expect {
            try await Self.transport(server.port).send(MailMessage(to: "nobody@example.org", subject: "s", body: "b"))
        } throws: { error in
            (error as? MailError)?.description.contains("refused the recipient <nobody@example.org>: 550") == true
        }
        await server.stop()
        #expect(server.sessions.first?.data == nil, "no message was sent")
    }

    @Test func aServerThatNeverAnswersTimesOut() async throws {
        let server = try await FakeSMTPServer.start(.silent)
        let started = ContinuousClock.now
        await #expect {
            try await Self.transport(server.port, timeout: .milliseconds(300)).send(
                MailMessage(to: "ana@example.org", subject: "s", body: "b"))
        } throws: { error in
            (error as? MailError)?.description.contains("did not finish within") == true
        }
        #expect(ContinuousClock.now - started < .seconds(10))
        await server.stop()
    }

    @Test func nobodyListeningAndAddressesThatCouldInjectAreRefused() async throws {
        let closed = try await FakeSMTPServer.start()
        let port = closed.port
        await closed.stop()
        await #expect(throws: MailError.self) {
            try await Self.transport(port).send(MailMessage(to: "ana@example.org", subject: "s", body: "b"))
        }
        for address in ["ana@example.org>\r\nRCPT TO:<x@y.z", "no-at-sign", "a b@example.org", "@example.org"] {
            await #expect(throws: MailError.self, "\(address)") {
                try await Self.transport(port).send(MailMessage(to: address, subject: "s", body: "b"))
            }
        }
    }
}

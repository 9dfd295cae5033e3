import DES
import Foundation
import Testing

@testable import RegistryCore
@testable import RegistryEngine
@testable import RegistryStore

/// The two DES operations that carry no transaction: acceptMessage (administrators' free text) and provideTime
/// (the ITL's clock check).
@Suite struct EngineMessageTests {
    static func message(_ text: String, from: RegistryCode = .itl, major: Int = 1, at: Date = EngineFixture.start)
        -> AcceptMessageRequest
    {
        AcceptMessageRequest(
            from: from, to: .cdm, majorVersion: major, minorVersion: 1, messageContent: text, messageDateTime: at)
    }

    func answer(_ fixture: EngineFixture, _ request: DESRequest, sender: RegistryCode? = .itl) async throws
        -> DESResponse?
    {
        try await fixture.engine.handle(request, authenticatedSender: sender)
    }

    @Test("a message from the ITL is kept once, however often it is delivered, and acknowledged each time")
    func messagesAreKeptOnce() async throws {
        let fixture = try await EngineFixture()
        let text = "Planned ITL maintenance on 2026-12-20 from 08:00 to 12:00 UTC.\nNo transactions then."
        for _ in 0..<2 {
            let response = try await answer(fixture, .acceptMessage(Self.message(text)))
            guard case .acceptMessage(let acknowledgement) = response else {
                Issue.record("no acceptMessage answer: \(String(describing: response))")
                return
            }
            #expect(acknowledgement.result == .received)
        }
        _ = try await answer(fixture, .acceptMessage(Self.message("A second one.", at: EngineFixture.start + 60)))
        let stored = try fixture.store.itlMessages(limit: 10)
        #expect(stored.map(\.content) == ["A second one.", text])
        #expect(stored.last?.sender == .itl && stored.last?.messageAt == EngineFixture.start)
    }

    func result(_ response: DESResponse?) -> DESResult? {
        if case .acceptMessage(let acknowledgement) = response { return acknowledgement.result }
        return nil
    }

    @Test("a message not from the ITL, or of another DES version, is refused and not kept")
    func refusedMessages() async throws {
        let fixture = try await EngineFixture()
        let forged = try await answer(fixture, .acceptMessage(Self.message("from JP", from: "JP")), sender: "JP")
        #expect(result(forged) == .refused([.senderMismatch]))
        let spoofed = try await answer(fixture, .acceptMessage(Self.message("claims ITL")), sender: "JP")
        #expect(result(spoofed) == .refused([.senderMismatch]))
        let old = try await answer(fixture, .acceptMessage(Self.message("DES 2.1", major: 2)))
        #expect(result(old) == .refused([.unsupportedVersion]))
        #expect(try fixture.store.itlMessages(limit: 10).isEmpty)
    }

    @Test("provideTime answers the registry's clock; a refused request still names the clock")
    func provideTime() async throws {
        let fixture = try await EngineFixture()
        let request = ProvideTimeRequest(
            from: .itl, to: .cdm, majorVersion: 1, minorVersion: 1, itlSystemTime: EngineFixture.start + 3_600)
        guard case .provideTime(let time) = try await answer(fixture, .provideTime(request)) else {
            Issue.record("no provideTime answer")
            return
        }
        #expect(time.resultIdentifier == 1 && time.responseCodes == nil)
        #expect(time.systemTime == fixture.clock.now.date)
        var misaddressed = request
        misaddressed.to = "JP"
        guard case .provideTime(let refused) = try await answer(fixture, .provideTime(misaddressed)) else {
            Issue.record("no provideTime answer")
            return
        }
        #expect(refused.resultIdentifier == 0 && refused.responseCodes == [.wrongRecipient])
    }

    @Test("a message to the ITL goes through the outbox; empty, oversized or control-character text is refused")
    func sendingAMessage() async throws {
        let fixture = try await EngineFixture()
        try await fixture.engine.sendMessage("  Our maintenance: 2022-03-05 08:00-10:00 UTC.\n")
        let queued = try fixture.store.outbox(limit: 10)
        #expect(queued.count == 1 && queued.first?.operation == DESOperation.acceptMessage.rawValue)
        #expect(queued.first?.recipient == .itl && queued.first?.transaction == nil)
        let decoded = try DESCodec.decodeRequest(
            Array(try #require(queued.first).body), soapAction: "acceptMessage", service: .transactionLog)
        guard case .acceptMessage(let message) = decoded else {
            Issue.record("not an acceptMessage: \(decoded)")
            return
        }
        #expect(message.messageContent == "Our maintenance: 2022-03-05 08:00-10:00 UTC." && message.from == .cdm)
        for text in ["", "  \n ", String(repeating: "x", count: 4_001), "bell \u{07}"] {
            await #expect(throws: EngineError.self, "\(text.prefix(10))") { try await fixture.engine.sendMessage(text) }
        }
        #expect(try fixture.store.outbox(limit: 10).count == 1, "nothing else was queued")
    }
}

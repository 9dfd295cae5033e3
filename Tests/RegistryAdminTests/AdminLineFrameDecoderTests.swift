import NIOCore
import Testing

@testable import RegistryAdmin

@Suite("Line framing of the admin socket")
struct AdminLineFrameDecoderTests {
    static func lines(_ frames: [AdminLineFrame]) -> [String] {
        frames.map { frame in
            switch frame {
            case .line(let buffer): String(buffer: buffer)
            case .tooLong: "<too long>"
            }
        }
    }

    static func drain(_ decoder: inout AdminLineFrameDecoder, _ buffer: inout ByteBuffer) -> [AdminLineFrame] {
        var frames: [AdminLineFrame] = []
        while let frame = decoder.nextFrame(from: &buffer) { frames.append(frame) }
        return frames
    }

    @Test("splits at newlines, strips a carriage return, keeps an incomplete line for later")
    func splits() {
        var decoder = AdminLineFrameDecoder(maximumLineBytes: 100)
        var buffer = ByteBuffer(string: "{\"a\":1}\n{\"b\":2}\r\n\n{\"c\"")
        #expect(Self.lines(Self.drain(&decoder, &buffer)) == [#"{"a":1}"#, #"{"b":2}"#, ""])
        #expect(buffer.readableBytes == 4)
        buffer.writeString(":3}\n")
        #expect(Self.lines(Self.drain(&decoder, &buffer)) == [#"{"c":3}"#])
    }

    @Test("a line of exactly the limit passes, one byte more is refused and the rest discarded")
    func limit() {
        var decoder = AdminLineFrameDecoder(maximumLineBytes: 8)
        var exact = ByteBuffer(string: "12345678\n")
        #expect(Self.lines(Self.drain(&decoder, &exact)) == ["12345678"])
        var long = ByteBuffer(string: "123456789\n{\"next\":1}\n")
        #expect(Self.lines(Self.drain(&decoder, &long)) == ["<too long>"])
        var after = ByteBuffer(string: "{\"x\":1}\n")
        #expect(Self.drain(&decoder, &after).isEmpty)
        #expect(after.readableBytes == 0)
    }

    @Test("a line that grows past the limit without a newline is refused before it ends")
    func growing() {
        var decoder = AdminLineFrameDecoder(maximumLineBytes: 8)
        var buffer = ByteBuffer(string: "12345")
        #expect(Self.drain(&decoder, &buffer).isEmpty)
        buffer.writeString("6789")
        #expect(Self.lines(Self.drain(&decoder, &buffer)) == ["<too long>"])
    }
}

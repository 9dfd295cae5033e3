import NIOCore

/// One frame of the admin socket's JSON-lines stream.
public enum AdminLineFrame: Hashable, Sendable {
    /// A complete line without its terminating "\n" (and without a "\r" before it).
    case line(ByteBuffer)
    /// The peer sent more than `AdminProtocol.maximumLineBytes` without a newline; nothing after it is read.
    case tooLong
}

/// Splits the byte stream at "\n" with a length limit, so that a client cannot make the daemon buffer without end.
///
/// Written here because swift-nio-extras' `LineBasedFrameDecoder` is not a dependency of this target.
public struct AdminLineFrameDecoder: ByteToMessageDecoder {
    public typealias InboundOut = AdminLineFrame

    public let maximumLineBytes: Int
    /// Once a line was too long the stream is out of step: everything after it is discarded.
    private var refused = false
    /// How many readable bytes were already searched for a newline, so that a slow long line is scanned once.
    private var scannedBytes = 0

    public init(maximumLineBytes: Int = AdminProtocol.maximumLineBytes) {
        self.maximumLineBytes = maximumLineBytes
    }

    public mutating func decode(context: ChannelHandlerContext, buffer: inout ByteBuffer) throws -> DecodingState {
        guard let frame = nextFrame(from: &buffer) else { return .needMoreData }
        context.fireChannelRead(wrapInboundOut(frame))
        return .continue
    }

    public mutating func decodeLast(
        context: ChannelHandlerContext, buffer: inout ByteBuffer, seenEOF: Bool
    ) throws -> DecodingState {
        while let frame = nextFrame(from: &buffer) {
            context.fireChannelRead(wrapInboundOut(frame))
        }
        // A client that half-closes after its last request (`printf '...' | socat`) may omit the final newline.
        if !refused, buffer.readableBytes > 0, let rest = buffer.readSlice(length: buffer.readableBytes) {
            context.fireChannelRead(wrapInboundOut(.line(Self.trimmingCarriageReturn(rest))))
        }
        return .needMoreData
    }

    /// The next complete frame in `buffer`, consuming its bytes, or nil when more bytes are needed.
    public mutating func nextFrame(from buffer: inout ByteBuffer) -> AdminLineFrame? {
        if refused {
            buffer.moveReaderIndex(to: buffer.writerIndex)
            return nil
        }
        let view = buffer.readableBytesView
        let searchStart = view.index(view.startIndex, offsetBy: min(scannedBytes, view.count))
        guard let newline = view[searchStart...].firstIndex(of: UInt8(ascii: "\n")) else {
            scannedBytes = view.count
            if view.count > maximumLineBytes { return refuse(&buffer) }
            return nil
        }
        scannedBytes = 0
        let length = view.distance(from: view.startIndex, to: newline)
        if length > maximumLineBytes { return refuse(&buffer) }
        guard let line = buffer.readSlice(length: length) else { return nil }
        buffer.moveReaderIndex(forwardBy: 1)
        return .line(Self.trimmingCarriageReturn(line))
    }

    private mutating func refuse(_ buffer: inout ByteBuffer) -> AdminLineFrame {
        refused = true
        scannedBytes = 0
        buffer.moveReaderIndex(to: buffer.writerIndex)
        return .tooLong
    }

    private static func trimmingCarriageReturn(_ line: ByteBuffer) -> ByteBuffer {
        guard line.readableBytesView.last == UInt8(ascii: "\r") else { return line }
        return line.getSlice(at: line.readerIndex, length: line.readableBytes - 1) ?? line
    }
}

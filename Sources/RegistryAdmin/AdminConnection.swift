import Foundation
import Logging
import NIOCore

/// One client connection: reads lines in order, answers each with one line, stops on a too-long line.
struct AdminConnection: Sendable {
    let accepted: AdminSocketServer.AcceptedConnection
    let handler: any AdminCommandHandler
    let connections: AdminConnectionSet
    let logger: Logger

    func serve() async {
        let channel = accepted.channel.channel
        guard await connections.admit(channel) else {
            // executeThenClose finishes the writer too: NIO traps on an async writer dropped unfinished.
            try? await accepted.channel.executeThenClose { _, _ in }
            return
        }
        do {
            try await accepted.channel.executeThenClose { inbound, outbound in
                for try await frame in inbound {
                    switch frame {
                    case .tooLong:
                        logger.notice(
                            "admin request line too long; closing the connection",
                            metadata: callerMetadata)
                        try await outbound.write(Self.encode(AdminRequestLine.lineTooLong))
                        return
                    case .line(let bytes):
                        if bytes.readableBytes == 0 { continue }
                        guard await connections.beginRequest(on: channel) else { return }
                        let response = await respond(to: Data(bytes.readableBytesView))
                        try await outbound.write(Self.encode(response))
                        guard await connections.endRequest(on: channel) else { return }
                    }
                }
            }
        } catch {
            logger.debug("admin connection ended", metadata: callerMetadata.merging(["error": "\(error)"]) { $1 })
        }
        await connections.remove(channel)
    }

    private var callerMetadata: Logger.Metadata {
        ["uid": "\(accepted.caller.uid)", "pid": "\(accepted.caller.pid)"]
    }

    private func respond(to line: Data) async -> AdminResponse {
        switch AdminRequestLine.decode(line) {
        case .refusal(let response):
            logger.notice(
                "admin request refused",
                metadata: callerMetadata.merging([
                    "code": "\(response.error?.code ?? "")", "reason": "\(response.error?.message ?? "")",
                ]) { $1 })
            return response
        case .request(let request):
            var response = await handler.handle(request, caller: accepted.caller)
            // The id is the client's key for matching answers; the server guarantees the echo, not each handler.
            response.id = request.id
            response.version = AdminProtocol.version
            var metadata = callerMetadata
            metadata["command"] = "\(request.command)"
            metadata["request"] = "\(request.id)"
            metadata["ok"] = "\(response.ok)"
            if let error = response.error { metadata["code"] = "\(error.code)" }
            logger.info("admin command", metadata: metadata)
            return response
        }
    }

    /// One response line. A result that JSON cannot carry (a NaN) becomes an error instead of a broken line.
    static func encode(_ response: AdminResponse) -> ByteBuffer {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        var data: Data
        do {
            data = try encoder.encode(response)
        } catch {
            let fallback = AdminResponse.failure(
                id: response.id,
                AdminError(code: "internal-error", message: "the result could not be encoded as JSON: \(error)"))
            data = (try? encoder.encode(fallback)) ?? Data(#"{"id":"","ok":false,"version":1}"#.utf8)
        }
        data.append(UInt8(ascii: "\n"))
        return ByteBuffer(bytes: data)
    }
}

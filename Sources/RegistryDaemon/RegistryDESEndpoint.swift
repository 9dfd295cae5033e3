import DES
import Foundation
import Logging
import RegistryCore
import RegistryEngine
import RegistryNet

/// The registry's DES endpoint (registry.wsdl): decode, authenticate the client certificate against the directory,
/// let the engine answer once the message is durable.
///
/// A malformed message gets the codec's Client fault; a message whose `from` does not match the certificate gets a
/// DES refusal (1002) and is logged; a failure to make a message durable gets a Server fault, so the ITL sends it
/// again.
struct RegistryDESEndpoint: DESRequestHandler {
    let engine: RegistryEngine
    let directory: PeerDirectory
    let logger: Logger

    func handle(_ request: DESInboundRequest) async throws -> DESOutboundResponse {
        let decoded: DESRequest
        do {
            decoded = try DESCodec.decodeRequest(request.body, soapAction: request.soapAction, service: .registry)
        } catch {
            logger.notice("malformed DES request from \(request.peer): \(error)")
            return DESOutboundResponse(status: 500, body: DESCodec.encode(error.fault))
        }
        let claimed = decoded.message.from
        let sender: RegistryCode?
        switch directory.authenticate(claimedFrom: claimed.rawValue, peer: request.peer) {
        case .success(let code):
            sender = try? RegistryCode(code)
        case .failure(let problem):
            logger.warning("refused \(decoded.operation) claiming to be from \(claimed): \(problem)")
            sender = nil
        }
        do {
            guard let response = try await engine.handle(decoded, authenticatedSender: sender) else {
                return DESOutboundResponse(
                    status: 500,
                    body: DESCodec.encode(
                        DESFault(code: .client, string: "operation \(decoded.operation) is not served by this registry")))
            }
            return DESOutboundResponse(status: 200, body: DESCodec.encode(response.message))
        } catch {
            return DESOutboundResponse(
                status: 500, body: DESCodec.encode(DESFault(code: .server, string: "not recorded: \(error)")))
        }
    }
}

/// Sends outbox messages over HTTPS with the registry's client certificate, to the URL the directory gives.
struct HTTPSTransport: DESTransport {
    let clients: ReloadableTransport

    func send(operation: DESOperation, body: [UInt8], to recipient: RegistryCode) async throws -> DESReply {
        guard let entry = clients.directory.entry(forRegistryCode: recipient.rawValue) else {
            throw TransportError.noDirectoryEntry(recipient)
        }
        let answer = try await clients.client.send(to: entry.url, soapAction: operation.soapAction, body: body)
        return try DESCodec.decodeReply(answer.body, operation: operation)
    }
}

enum TransportError: Error, CustomStringConvertible {
    case noDirectoryEntry(RegistryCode)

    var description: String {
        switch self {
        case .noDirectoryEntry(let code): "no URL is configured for \(code)"
        }
    }
}

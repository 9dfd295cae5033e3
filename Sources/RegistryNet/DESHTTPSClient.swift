import AsyncHTTPClient
import NIOCore
import NIOPosix
import NIOSSL

/// A peer's answer to a DES call.
public struct DESClientResponse: Sendable {
    public var status: Int
    public var contentType: String?
    public var body: [UInt8]
}

/// Calls peers' DES endpoints over HTTPS, presenting this party's certificate and trusting only the configured CA
/// (AsyncHTTPClient: URLSession on Linux can do neither, STACK.md §6). Connections are pooled and kept alive.
public final class DESHTTPSClient: Sendable {
    private let client: HTTPClient
    private let configuration: DESHTTPSClientConfiguration

    public init(
        identity: LoadedTLSIdentity, configuration: DESHTTPSClientConfiguration = DESHTTPSClientConfiguration(),
        eventLoopGroup: any EventLoopGroup = MultiThreadedEventLoopGroup.singleton
    ) {
        var tls = TLSConfiguration.makeClientConfiguration()
        tls.trustRoots = .certificates(identity.trustRoots)
        tls.certificateChain = identity.certificateChain.map { .certificate($0) }
        tls.privateKey = .privateKey(identity.privateKey)
        tls.minimumTLSVersion = .tlsv12
        tls.maximumTLSVersion = .tlsv13
        var pool = HTTPClient.Configuration.ConnectionPool(
            idleTimeout: TimeAmount(configuration.idleConnectionTimeout),
            concurrentHTTP1ConnectionsPerHostSoftLimit: max(1, configuration.maximumConnectionsPerPeer))
        // Fail fast when a peer is down: the outbox owns retries and their back-off, per message.
        pool.retryConnectionEstablishment = false
        var httpConfiguration = HTTPClient.Configuration(
            tlsConfiguration: tls,
            redirectConfiguration: .disallow,  // a DES endpoint that redirects is misconfigured, never followed
            timeout: .init(connect: TimeAmount(configuration.connectTimeout)),
            connectionPool: pool,
            decompression: .disabled)
        httpConfiguration.httpVersion = .http1Only
        self.client = HTTPClient(eventLoopGroupProvider: .shared(eventLoopGroup), configuration: httpConfiguration)
        self.configuration = configuration
    }

    /// POSTs one SOAP message. Returns 2xx answers, and 500 answers with an XML body (SOAP 1.1 §6.2 sends faults
    /// that way, and the DES codec must read them); any other status throws `.httpStatus` with the body attached.
    public func send(to url: String, soapAction: String, body: [UInt8]) async throws(DESClientError)
        -> DESClientResponse
    {
        guard url.lowercased().hasPrefix("https://") else {
            throw DESClientError(kind: .invalidURL, detail: "\(url) is not an https URL")
        }
        var request = HTTPClientRequest(url: url)
        request.method = .POST
        request.headers.add(name: "Content-Type", value: "text/xml; charset=utf-8")
        request.headers.add(name: "SOAPAction", value: "\"\(soapAction)\"")
        request.body = .bytes(body)
        let answer: DESClientResponse
        do {
            let response = try await client.execute(request, timeout: TimeAmount(configuration.requestTimeout))
            let buffer = try await response.body.collect(upTo: configuration.maximumResponseBytes)
            answer = DESClientResponse(
                status: Int(response.status.code), contentType: response.headers.first(name: "content-type"),
                body: Array(buffer: buffer))
        } catch {
            throw Self.classify(error)
        }
        let isSOAPFault = answer.status == 500 && (answer.contentType?.lowercased().contains("xml") ?? false)
        guard (200...299).contains(answer.status) || isSOAPFault else {
            throw DESClientError(
                kind: .httpStatus(answer.status), detail: "\(url) answered \(answer.status)", body: answer.body)
        }
        return answer
    }

    /// Closes pooled connections. Call before the process exits (AsyncHTTPClient requires it).
    public func shutdown() async throws {
        try await client.shutdown()
    }

    /// Maps the libraries' errors to what the outbox needs to know.
    static func classify(_ error: any Error) -> DESClientError {
        let detail = String(describing: error)
        if let error = error as? DESClientError { return error }
        if error is NIOTooManyBytesError { return DESClientError(kind: .responseTooLarge, detail: detail) }
        if error is NIOSSLError || error is BoringSSLError || error is NIOSSLExtraError {
            return DESClientError(kind: .tlsFailure, detail: detail)
        }
        if let error = error as? HTTPClientError {
            switch error {
            case .connectTimeout, .readTimeout, .writeTimeout, .deadlineExceeded, .tlsHandshakeTimeout,
                .getConnectionFromPoolTimeout:
                return DESClientError(kind: .timeout, detail: detail)
            case .remoteConnectionClosed, .uncleanShutdown:
                return DESClientError(kind: .connectionFailed, detail: detail)
            case .alreadyShutdown:
                return DESClientError(kind: .clientShutDown, detail: detail)
            case .invalidURL, .emptyHost, .emptyScheme:
                return DESClientError(kind: .invalidURL, detail: detail)
            default:
                return DESClientError(kind: .other, detail: detail)
            }
        }
        if case ChannelError.connectTimeout = error { return DESClientError(kind: .timeout, detail: detail) }
        if error is NIOConnectionError || error is IOError || error is ChannelError {
            return DESClientError(kind: .connectionFailed, detail: detail)
        }
        return DESClientError(kind: .other, detail: detail)
    }
}

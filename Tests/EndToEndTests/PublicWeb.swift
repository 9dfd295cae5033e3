import AsyncHTTPClient
import Foundation
import NIOCore
import NIOHTTP1
import RegistrySandbox

/// A browser-like client for the public listeners: no redirects followed (the tests look at each 303), form posts.
struct PublicWeb {
    struct Page {
        var status: Int
        var headers: HTTPHeaders
        var body: String
        var location: String? { headers.first(name: "Location") }
    }

    let client = HTTPClient(
        eventLoopGroupProvider: .singleton, configuration: HTTPClient.Configuration(redirectConfiguration: .disallow))

    func get(_ url: String, headers: [(String, String)] = []) async throws -> Page {
        var request = HTTPClientRequest(url: url)
        for (name, value) in headers { request.headers.add(name: name, value: value) }
        return try await send(request)
    }

    func postForm(_ url: String, _ fields: [(String, String)], headers: [(String, String)] = []) async throws -> Page {
        var request = HTTPClientRequest(url: url)
        request.method = .POST
        for (name, value) in headers { request.headers.add(name: name, value: value) }
        request.headers.add(name: "Content-Type", value: "application/x-www-form-urlencoded")
        let body = fields.map { "\(Self.encode($0.0))=\(Self.encode($0.1))" }.joined(separator: "&")
        request.body = .bytes(ByteBuffer(string: body))
        return try await send(request)
    }

    /// An absolute URL for a Location that may be a path.
    func absolute(_ location: String, base: String) -> String {
        location.hasPrefix("http") ? location : base + location
    }

    func shutdown() async { try? await client.shutdown() }

    private func send(_ request: HTTPClientRequest) async throws -> Page {
        let response = try await client.execute(request, timeout: .seconds(20))
        let bytes = try await response.body.collect(upTo: 8 << 20)
        return Page(
            status: Int(response.status.code), headers: response.headers, body: String(buffer: bytes))
    }

    static func encode(_ text: String) -> String {
        var allowed = CharacterSet.alphanumerics
        allowed.insert(charactersIn: "-._~")
        return (text.addingPercentEncoding(withAllowedCharacters: allowed) ?? text)
    }
}

extension RegistryNetwork {
    /// Runs registryctl and returns its exit status and output, whatever the status (`registryctl` throws on
    /// anything but 0).
    func registryctlStatus(_ arguments: [String]) async throws -> (status: Int32, output: String, errors: String) {
        let run = try await CommandRun.run(try binary("registryctl"), ["--socket", adminSocket] + arguments)
        return (run.status, run.output, run.errors)
    }
}

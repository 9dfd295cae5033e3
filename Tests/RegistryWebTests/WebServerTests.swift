import AsyncHTTPClient
import Foundation
import Logging
import NIOCore
import NIOHTTP1
import Testing

@testable import RegistryWeb

/// A server on 127.0.0.1, port chosen by the kernel, with the test handler; stopped by `stop()`.
struct RunningServer {
    let server: WebServer
    let client: HTTPClient

    static func start(limits: WebServerLimits = .init(), handler: some WebHandler = WebTestHandler()) async throws
        -> RunningServer
    {
        let server = try await WebServer.start(
            host: "127.0.0.1", port: 0, handler: handler, limits: limits, logger: Logger(label: "test.web"))
        let client = HTTPClient(eventLoopGroupProvider: .singleton)
        return RunningServer(server: server, client: client)
    }

    /// Runs `body` against a fresh server and always shuts server and client down, even when `body` throws.
    static func run(
        limits: WebServerLimits = .init(), handler: some WebHandler = WebTestHandler(),
        _ body: (RunningServer) async throws -> Void
    ) async throws {
        let running = try await start(limits: limits, handler: handler)
        do {
            try await body(running)
        } catch {
            try? await running.stop()
            throw error
        }
        try await running.stop()
    }

    var base: String { "http://127.0.0.1:\(server.port)" }

    func get(_ path: String, method: HTTPMethod = .GET, headers: [(String, String)] = [], body: [UInt8]? = nil)
        async throws -> (HTTPClientResponse, [UInt8])
    {
        var request = HTTPClientRequest(url: base + path)
        request.method = method
        for (name, value) in headers { request.headers.add(name: name, value: value) }
        if let body { request.body = .bytes(ByteBuffer(bytes: body)) }
        let response = try await client.execute(request, timeout: .seconds(30))
        let collected = try await response.body.collect(upTo: 16 << 20)
        return (response, Array(collected.readableBytesView))
    }

    func stop() async throws {
        try await client.shutdown()
        await server.shutdown()
    }
}

@Suite("Web server over real HTTP")
struct WebServerTests {
    @Test("two requests on one keep-alive connection are both answered, in order")
    func keepAlive() async throws {
        try await RunningServer.run { running in
            let connection = try RawHTTPConnection(port: running.server.port)
            try connection.send(
                "GET /echo/one HTTP/1.1\r\nHost: x\r\n\r\nGET /echo/two HTTP/1.1\r\nHost: x\r\n\r\n")
            let first = try await connection.response()
            let second = try await connection.response()
            #expect(first.status == 200)
            #expect(first.headers["connection"] == "keep-alive")
            #expect(String(decoding: first.body, as: UTF8.self).contains("\"one\""))
            #expect(String(decoding: second.body, as: UTF8.self).contains("\"two\""))
            try connection.send("GET /echo/three HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n")
            let third = try await connection.response()
            #expect(third.headers["connection"] == "close")
            #expect(await connection.closesConnection())
        }
    }

    @Test("HEAD gets the GET's status and headers, Content-Length included, and no body")
    func head() async throws {
        try await RunningServer.run { running in
            let connection = try RawHTTPConnection(port: running.server.port)
            try connection.send("GET /page HTTP/1.1\r\nHost: x\r\n\r\n")
            let get = try await connection.response()
            try connection.send("HEAD /page HTTP/1.1\r\nHost: x\r\n\r\n")
            let head = try await connection.response(isHead: true)
            #expect(head.status == 200)
            #expect(head.body.isEmpty)
            #expect(head.headers["content-length"] == String(get.body.count))
            #expect(head.headers["etag"] == get.headers["etag"])
            #expect(head.headers["content-type"] == get.headers["content-type"])
            // The connection is still usable: the HEAD answer really carried no body bytes.
            try connection.send("GET /echo/after HTTP/1.1\r\nHost: x\r\n\r\n")
            #expect(String(decoding: try await connection.response().body, as: UTF8.self).contains("after"))
            let (_, echo) = try await running.get("/echo/x", method: .HEAD)
            #expect(echo.isEmpty)
        }
    }

    @Test("If-None-Match with the ETag, in a list or in the W/ form, gets 304 without a body")
    func notModified() async throws {
        try await RunningServer.run { running in
            let (first, body) = try await running.get("/page")
            let tag = try #require(first.headers.first(name: "etag"))
            #expect(tag == ETag.strong(for: body))
            for header in [tag, "\"other\", \(tag)", "W/\(tag)", "*"] {
                let (response, again) = try await running.get("/page", headers: [("If-None-Match", header)])
                #expect(response.status == .notModified, "If-None-Match: \(header)")
                #expect(again.isEmpty)
                #expect(response.headers.first(name: "etag") == tag)
            }
            let (changed, _) = try await running.get("/page", headers: [("If-None-Match", "\"stale\"")])
            #expect(changed.status == .ok)
            let (other, _) = try await running.get("/page?name=x", headers: [("If-None-Match", tag)])
            #expect(other.status == .ok, "another body has another tag")
        }
    }

    @Test("a body over the limit gets 413 and the handler never sees it")
    func bodyTooLarge() async throws {
        try await RunningServer.run(limits: WebServerLimits(maximumBodyBytes: 1024)) { running in
            let (response, body) = try await running.get(
                "/form", method: .POST, headers: [("Content-Type", "application/x-www-form-urlencoded")],
                body: Array(repeating: UInt8(ascii: "a"), count: 4096))
            #expect(response.status == .payloadTooLarge)
            #expect(String(decoding: body, as: UTF8.self).contains("1024 bytes"))
            let (small, _) = try await running.get(
                "/form", method: .POST, headers: [("Content-Type", "application/x-www-form-urlencoded")],
                body: Array("name=ok".utf8))
            #expect(small.status == .ok)
        }
    }

    @Test("garbage on the wire gets 400 with the Date and security headers, and the connection closes")
    func garbage() async throws {
        try await RunningServer.run { running in
            let connection = try RawHTTPConnection(port: running.server.port)
            try connection.send("\u{1}\u{2}THIS IS NOT HTTP\r\n\r\n")
            let response = try await connection.response()
            #expect(response.status == 400)
            #expect(response.headers["date"] != nil)
            #expect(response.headers["x-content-type-options"] == "nosniff")
            #expect(response.headers["content-security-policy"] == WebSecurityHeaders.contentSecurityPolicy)
            #expect(await connection.closesConnection())
            // The listener is unharmed.
            let (after, _) = try await running.get("/echo/x")
            #expect(after.status == .ok)
        }
    }

    @Test("a request head over the header limit gets 431")
    func headerTooLarge() async throws {
        try await RunningServer.run(limits: WebServerLimits(maximumHeaderBytes: 2048)) { running in
            let connection = try RawHTTPConnection(port: running.server.port)
            let big = String(repeating: "b", count: 8192)
            try connection.send("GET /echo/x HTTP/1.1\r\nHost: x\r\nX-Big: \(big)\r\n\r\n")
            let response = try await connection.response()
            #expect(response.status == 431)
        }
    }

    @Test("a malformed target, percent escape or missing Host gets 400 naming the problem")
    func malformedTargets() async throws {
        try await RunningServer.run { running in
            let cases = [
                ("GET /echo?x=%zz HTTP/1.1\r\nHost: x\r\n\r\n", "percent-escape"),
                ("GET /echo/%C3 HTTP/1.1\r\nHost: x\r\n\r\n", "UTF-8"),
                ("GET echo HTTP/1.1\r\nHost: x\r\n\r\n", "not valid HTTP/1.1 (invalid URL)"),
                ("GET /echo HTTP/1.1\r\n\r\n", "Host header"),
            ]
            for (request, expected) in cases {
                let connection = try RawHTTPConnection(port: running.server.port)
                try connection.send(request)
                let response = try await connection.response()
                #expect(response.status == 400, "\(request)")
                #expect(String(decoding: response.body, as: UTF8.self).contains(expected), "\(request)")
            }
        }
    }

    @Test("every answer carries Content-Length, Date and the security headers")
    func standardHeaders() async throws {
        try await RunningServer.run { running in
            for path in ["/page", "/nowhere", "/echo/x"] {
                let (response, body) = try await running.get(path)
                #expect(response.headers.first(name: "content-length") == String(body.count), "\(path)")
                #expect(response.headers.first(name: "date")?.hasSuffix(" GMT") == true, "\(path)")
                #expect(response.headers.first(name: "x-content-type-options") == "nosniff")
                #expect(response.headers.first(name: "referrer-policy") == "no-referrer")
                let policy = try #require(response.headers.first(name: "content-security-policy"))
                #expect(policy.contains("default-src 'none'") && policy.contains("frame-ancestors 'none'"))
                #expect(!policy.contains("script-src"), "no script source is ever allowed")
            }
        }
    }

    @Test("the query is percent-decoded with + as a space, header names are lower case, HEAD reaches handlers as GET")
    func requestParsing() async throws {
        try await RunningServer.run { running in
            let (response, body) = try await running.get(
                "/echo/a%20b?x=1+2&y=%C3%A9t%C3%A9&x=3&flag", headers: [("X-Custom-Name", "v")])
            #expect(response.status == .ok)
            let echo = try JSONDecoder().decode(WebTestHandler.Echo.self, from: Data(body))
            #expect(echo.path == ["echo", "a b"])
            #expect(echo.query == ["x": "3", "y": "été", "flag": ""])
            #expect(echo.headerNames.contains("x-custom-name"))
            #expect(echo.method == "GET" && !echo.isHead)
        }
    }

    @Test("a form posted with a bad escape or a missing field gets 400 naming the field")
    func formErrors() async throws {
        try await RunningServer.run { running in
            let form = [("Content-Type", "application/x-www-form-urlencoded")]
            let (bad, badBody) = try await running.get(
                "/form", method: .POST, headers: form, body: Array("name=%G1".utf8))
            #expect(bad.status == .badRequest)
            #expect(String(decoding: badBody, as: UTF8.self).contains("form field &#39;name&#39; is malformed"))
            let (missing, missingBody) = try await running.get(
                "/form", method: .POST, headers: form, body: Array("other=1".utf8))
            #expect(missing.status == .badRequest)
            #expect(String(decoding: missingBody, as: UTF8.self).contains("is missing"))
            let (json, jsonBody) = try await running.get(
                "/form", method: .POST, headers: [("Content-Type", "application/json")], body: Array("{}".utf8))
            #expect(json.status == .badRequest)
            #expect(String(decoding: jsonBody, as: UTF8.self).contains("expected application/x-www-form-urlencoded"))
            let (ok, okBody) = try await running.get(
                "/form", method: .POST, headers: form, body: Array("name=Caf%C3%A9+Wind".utf8))
            #expect(ok.status == .ok)
            #expect(String(decoding: okBody, as: UTF8.self) == "name=Café Wind")
            let (wrongMethod, _) = try await running.get("/form")
            #expect(wrongMethod.status == .methodNotAllowed)
            #expect(wrongMethod.headers.first(name: "allow") == "POST")
        }
    }

    @Test("connections beyond the limit are answered 503 and closed; the admitted one keeps working")
    func connectionLimit() async throws {
        try await RunningServer.run(limits: WebServerLimits(maximumConnections: 1)) { running in
            let admitted = try RawHTTPConnection(port: running.server.port)
            try admitted.send("GET /echo/a HTTP/1.1\r\nHost: x\r\n\r\n")
            #expect(try await admitted.response().status == 200)
            let refused = try RawHTTPConnection(port: running.server.port)
            let answer = try await refused.response()
            #expect(answer.status == 503)
            #expect(answer.headers["retry-after"] != nil)
            try admitted.send("GET /echo/b HTTP/1.1\r\nHost: x\r\n\r\n")
            #expect(try await admitted.response().status == 200)
        }
    }

    @Test("a silent keep-alive connection is closed after the idle timeout")
    func idleTimeout() async throws {
        try await RunningServer.run(limits: WebServerLimits(idleTimeout: .milliseconds(200))) { running in
            let connection = try RawHTTPConnection(port: running.server.port)
            try connection.send("GET /echo/a HTTP/1.1\r\nHost: x\r\n\r\n")
            #expect(try await connection.response().status == 200)
            #expect(await connection.closesConnection())
        }
    }

    @Test("a handler slower than the idle timeout still gets its answer out")
    func slowHandlerNotCut() async throws {
        try await RunningServer.run(limits: WebServerLimits(idleTimeout: .milliseconds(100))) { running in
            let connection = try RawHTTPConnection(port: running.server.port)
            try connection.send("GET /slow HTTP/1.1\r\nHost: x\r\n\r\n")
            let response = try await connection.response()
            #expect(response.status == 200)
            #expect(String(decoding: response.body, as: UTF8.self) == "slow")
        }
    }

    @Test("bad ports and limits are refused before binding")
    func startErrors() async throws {
        await #expect(throws: WebServerError.invalidPort(70_000)) {
            _ = try await WebServer.start(
                host: "127.0.0.1", port: 70_000, handler: WebTestHandler(), logger: Logger(label: "t"))
        }
        await #expect(throws: WebServerError.self) {
            _ = try await WebServer.start(
                host: "127.0.0.1", port: 0, handler: WebTestHandler(),
                limits: WebServerLimits(maximumConnections: 0), logger: Logger(label: "t"))
        }
    }
}

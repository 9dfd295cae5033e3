import Foundation
import Testing

@testable import RegistryAdmin

@Suite("Admin socket server and client over a real Unix socket")
struct AdminSocketServerTests {
    @Test("a request is answered with its id echoed and its result")
    func requestResponse() async throws {
        try await AdminTestSupport.withServer { server, _ in
            let path = server.path
            let responses = try await AdminTestSupport.blocking {
                let client = try AdminClient(path: path)
                return [
                    try client.call("echo", arguments: ["quantity": .integer(Int64.max), "to": "CDM-100-1-2-57"]),
                    try client.send(AdminRequest(id: "operator-42", command: "echo", arguments: ["n": 1])),
                ]
            }
            #expect(responses[0] == .success(id: "1", ["quantity": .integer(Int64.max), "to": "CDM-100-1-2-57"]))
            #expect(responses[1] == .success(id: "operator-42", ["n": 1]))
        }
    }

    @Test("a refused command comes back as an error response, not a failure to talk")
    func refusal() async throws {
        try await AdminTestSupport.withServer { server, _ in
            let path = server.path
            let response = try await AdminTestSupport.blocking {
                try AdminClient(path: path).call("no.such.command")
            }
            #expect(response == .failure(id: "1", .unknownCommand("no.such.command")))
        }
    }

    @Test("pipelined requests on one connection are answered in the order they were sent")
    func inOrder() async throws {
        try await AdminTestSupport.withServer { server, _ in
            let path = server.path
            let ids = try await AdminTestSupport.blocking {
                let client = try AdminClient(path: path)
                // The first request takes longest: answering out of order would put it last.
                let delays: [Int64] = [60, 0, 30, 0]
                for (index, delay) in delays.enumerated() {
                    let request = AdminRequest(
                        id: "r\(index)", command: "wait", arguments: ["milliseconds": .integer(delay)])
                    try client.sendLine(Array(try JSONEncoder().encode(request)))
                }
                return try delays.indices.map { _ in
                    try JSONDecoder().decode(AdminResponse.self, from: Data(try client.receiveLine())).id
                }
            }
            #expect(ids == ["r0", "r1", "r2", "r3"])
        }
    }

    @Test("malformed JSON gets malformed-request and the connection stays usable")
    func malformed() async throws {
        try await AdminTestSupport.withServer { server, _ in
            let path = server.path
            let (refusal, next) = try await AdminTestSupport.blocking {
                let client = try AdminClient(path: path)
                try client.sendLine(Array(#"{"version":1,"id":"#.utf8))
                let refusal = try JSONDecoder().decode(AdminResponse.self, from: Data(try client.receiveLine()))
                return (refusal, try client.call("echo", arguments: ["after": true]))
            }
            #expect(refusal.id == "")
            #expect(refusal.error?.code == "malformed-request")
            #expect(refusal.error?.message.contains("not valid JSON") == true)
            #expect(next == .success(id: "1", ["after": true]))
        }
    }

    @Test("a request of another protocol version is refused with unsupported-version")
    func unsupportedVersion() async throws {
        try await AdminTestSupport.withServer { server, _ in
            let path = server.path
            let response = try await AdminTestSupport.blocking {
                try AdminClient(path: path).send(AdminRequest(version: 2, id: "v2", command: "echo"))
            }
            #expect(response == .failure(id: "v2", .unsupportedVersion(2)))
        }
    }

    @Test("a line longer than the limit is refused with line-too-long and the connection closed")
    func tooLong() async throws {
        try await AdminTestSupport.withServer { server, _ in
            let path = server.path
            let (response, afterwards) = try await AdminTestSupport.blocking {
                let client = try AdminClient(path: path)
                // The server may close before the whole line is written; the refusal is still in our queue.
                try? client.sendLine([UInt8](repeating: UInt8(ascii: "a"), count: AdminProtocol.maximumLineBytes + 1))
                let response = try JSONDecoder().decode(AdminResponse.self, from: Data(try client.receiveLine()))
                let afterwards = Result { () throws(AdminClientError) in try client.receiveLine() }
                return (response, afterwards)
            }
            #expect(response.error?.code == "line-too-long")
            #expect(response.id == "")
            #expect(throws: AdminClientError.self) { try afterwards.get() }
        }
    }

    @Test("a last request without its newline is answered after the client half-closes (printf | socat)")
    func halfClose() async throws {
        try await AdminTestSupport.withServer { server, _ in
            let path = server.path
            let answer = try await AdminTestSupport.blocking { () throws -> String in
                let descriptor = try UnixDomainSocket.makeStreamSocket().get()
                defer { close(descriptor) }
                try UnixDomainSocket.connect(descriptor, to: path).get()
                let line = Array(#"{"version":1,"id":"h","command":"echo","arguments":{"a":1}}"#.utf8)
                #expect(line.withUnsafeBytes { write(descriptor, $0.baseAddress, $0.count) } == line.count)
                #expect(shutdown(descriptor, Int32(SHUT_WR)) == 0)
                var received: [UInt8] = []
                var chunk = [UInt8](repeating: 0, count: 4096)
                while true {
                    let count = chunk.withUnsafeMutableBytes { read(descriptor, $0.baseAddress, $0.count) }
                    guard count > 0 else { break }
                    received += chunk[..<count]
                }
                return String(decoding: received, as: UTF8.self)
            }
            #expect(answer == #"{"id":"h","ok":true,"result":{"a":1},"version":1}"# + "\n")
        }
    }

    @Test("the socket file is mode 0660")
    func mode() async throws {
        try await AdminTestSupport.withServer { server, _ in
            let mode = try #require(AdminTestSupport.fileMode(server.path))
            #expect(mode & S_IFMT == S_IFSOCK)
            #expect(mode & 0o7777 == 0o660)
        }
    }

    @Test("the caller's credentials are the connecting process's uid, gid and pid")
    func credentials() async throws {
        try await AdminTestSupport.withServer { server, _ in
            let path = server.path
            let response = try await AdminTestSupport.blocking { try AdminClient(path: path).call("whoami") }
            #expect(response.result?["uid"]?.integerValue == Int64(getuid()))
            #expect(response.result?["gid"]?.integerValue == Int64(getgid()))
            #expect(response.result?["pid"]?.integerValue == Int64(getpid()))
        }
    }

    @Test("a second server on a path that is listened on is refused, and the first keeps answering")
    func secondServerRefused() async throws {
        try await AdminTestSupport.withServer { server, handler in
            let path = server.path
            await #expect {
                _ = try await AdminSocketServer.start(path: path, handler: handler, logger: AdminTestSupport.logger)
            } throws: { error in
                guard let error = error as? AdminSocketError else { return false }
                return error.code == .alreadyListening && error.description.contains(path)
            }
            let response = try await AdminTestSupport.blocking { try AdminClient(path: path).call("echo") }
            #expect(response.ok)
        }
    }

    @Test("a stale socket file left by a crash is replaced")
    func staleSocketReplaced() async throws {
        let directory = try AdminTestSupport.makeDirectory()
        defer { AdminTestSupport.removeDirectory(directory) }
        let path = directory + "/admin.sock"
        try AdminTestSupport.makeStaleSocket(at: path)
        #expect(throws: AdminClientError.self) { try AdminClient(path: path) }
        let server = try await AdminSocketServer.start(
            path: path, handler: ScriptedAdminHandler(), logger: AdminTestSupport.logger)
        let response = try await AdminTestSupport.blocking { try AdminClient(path: path).call("echo") }
        await server.close()
        #expect(response.ok)
    }

    @Test("a file that is not a socket is never removed: the server refuses to start")
    func regularFileKept() async throws {
        let directory = try AdminTestSupport.makeDirectory()
        defer { AdminTestSupport.removeDirectory(directory) }
        let path = directory + "/admin.sock"
        try Data("precious".utf8).write(to: URL(fileURLWithPath: path))
        await #expect {
            _ = try await AdminSocketServer.start(
                path: path, handler: ScriptedAdminHandler(), logger: AdminTestSupport.logger)
        } throws: { error in
            (error as? AdminSocketError)?.code == .notASocket
        }
        #expect(try String(contentsOfFile: path, encoding: .utf8) == "precious")
    }

    @Test("a missing parent directory is created")
    func parentCreated() async throws {
        let directory = try AdminTestSupport.makeDirectory()
        defer { AdminTestSupport.removeDirectory(directory) }
        let path = directory + "/run/cdm/admin.sock"
        let server = try await AdminSocketServer.start(
            path: path, handler: ScriptedAdminHandler(), logger: AdminTestSupport.logger)
        let exists = FileManager.default.fileExists(atPath: path)
        await server.close()
        #expect(exists)
    }

    @Test("close removes the socket file and later connections fail with a message naming the path")
    func closeRemovesFile() async throws {
        let directory = try AdminTestSupport.makeDirectory()
        defer { AdminTestSupport.removeDirectory(directory) }
        let path = directory + "/admin.sock"
        let server = try await AdminSocketServer.start(
            path: path, handler: ScriptedAdminHandler(), logger: AdminTestSupport.logger)
        // An idle open connection must not keep close() waiting.
        let idle = try AdminClient(path: path)
        await server.close()
        #expect(!FileManager.default.fileExists(atPath: path))
        #expect(throws: AdminClientError.self) { try idle.call("echo") }
        do {
            _ = try AdminClient(path: path)
            Issue.record("connected to a closed server")
        } catch {
            #expect(error.kind == .cannotConnect)
            #expect(error.description.contains(path))
            #expect(error.description.contains("is cdm-registryd running?"))
        }
    }

    @Test("closing while a request is in flight lets it finish and answer")
    func closeLetsInFlightFinish() async throws {
        let directory = try AdminTestSupport.makeDirectory()
        defer { AdminTestSupport.removeDirectory(directory) }
        let path = directory + "/admin.sock"
        let handler = ScriptedAdminHandler()
        let server = try await AdminSocketServer.start(path: path, handler: handler, logger: AdminTestSupport.logger)
        async let answer = AdminTestSupport.blocking { try AdminClient(path: path).call("block") }
        await handler.entered.wait()
        async let closing: Void = server.close()
        // Once the listener is closed the server is draining; only then release the handler.
        try await AdminTestSupport.blocking {
            for _ in 0..<2000 {
                if (try? UnixDomainSocket.probe(path).get()) != true { return }
                usleep(1000)
            }
        }
        await handler.gate.open()
        let response = try await answer
        await closing
        #expect(response == .success(id: "1", "released"))
        #expect(!FileManager.default.fileExists(atPath: path))
    }

    @Test("the server echoes the request's id even when a handler answers with another")
    func idEnforced() async throws {
        try await AdminTestSupport.withServer { server, _ in
            let path = server.path
            let response = try await AdminTestSupport.blocking { try AdminClient(path: path).call("wrong-id") }
            #expect(response.id == "1")
        }
    }
}

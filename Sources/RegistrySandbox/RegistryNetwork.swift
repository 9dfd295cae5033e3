import AsyncHTTPClient
import Foundation
import Synchronization
import NIOCore
import NIOHTTP1
import RegistryAdmin

/// The whole network on loopback as separate processes: itl-sim, a registry-sim per national registry (CH, GB, DE,
/// JP) and cdm-registryd, each with its own SQLite file, fresh development certificates and ports chosen now.
public final class RegistryNetwork: @unchecked Sendable {
    public static let allNationalRegistries = ["CH", "GB", "DE", "JP"]
    /// The ITL knows this registry but it is not operational (an ITL registry check fails for it: 5004).
    public static let dormantRegistry = "NZ"
    /// The holding account every simulated national registry opens.
    public static let nationalAccount: Int64 = 77

    public let folder: URL
    public let packageRoot: URL
    public let binaries: URL
    public let nationalRegistries: [String]
    public var ports: [String: Int] = [:]
    public var adminPorts: [String: Int] = [:]
    /// An SMTP server on 127.0.0.1 for the daemon's `[platform.mail]` (set before `start()`); nil: no e-mail.
    public var platformMailPort: Int?
    public static let platformMailFrom = "cancellations@cdm.test"
    public var itl: ChildProcess?
    public var registries: [String: ChildProcess] = [:]
    public var daemon: ChildProcess?
    public let adminSocket: String
    public private(set) var daemonClockStart: String

    /// Whether `stop()` removes the folder (a test network) or keeps it (the development sandbox).
    private let ownsFolder: Bool

    /// A throw-away network in a fresh folder under /tmp, removed by `stop()`.
    public convenience init(clockStart: String, nationalRegistries: [String] = RegistryNetwork.allNationalRegistries) throws {
        try self.init(
            folder: URL(fileURLWithPath: "/tmp").appendingPathComponent("cdm-e2e-\(UUID().uuidString.prefix(8))"),
            clockStart: clockStart, nationalRegistries: nationalRegistries, ownsFolder: true)
    }

    /// The development sandbox: a network kept in `folder` across runs (stores, certificates made once), at the
    /// real time.
    public convenience init(sandboxAt folder: URL) throws {
        try self.init(
            folder: folder, clockStart: Date().formatted(.iso8601), nationalRegistries: Self.allNationalRegistries,
            ownsFolder: false)
    }

    private init(folder: URL, clockStart: String, nationalRegistries: [String], ownsFolder: Bool) throws {
        self.nationalRegistries = nationalRegistries
        self.ownsFolder = ownsFolder
        self.folder = folder
        packageRoot = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent()
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        binaries = try Self.binariesDirectory()
        adminSocket = folder.appendingPathComponent("admin.sock").path
        daemonClockStart = clockStart
        if !FileManager.default.fileExists(atPath: path("certs/ca.crt")) { try makeCertificates() }
        try makePublicFaceSecrets()
        for party in ["ITL", "CDM"] + nationalRegistries + Self.publicListeners { ports[party] = try Self.freePort() }
    }

    /// Starts the ITL, the national registries and the daemon, in that order.
    public func start() async throws {
        do {
            try await startITL()
            for code in nationalRegistries { try await startRegistry(code) }
            try await startDaemon()
        } catch {
            await stop()
            throw error
        }
    }

    /// Stops every process (SIGTERM, then SIGKILL) and removes the folder.
    public func stop() async {
        if let daemon { await daemon.stop() }
        for registry in registries.values { await registry.stop() }
        if let itl { await itl.stop() }
        if ownsFolder { try? FileManager.default.removeItem(at: folder) }
    }

    // MARK: Processes

    public func startITL() async throws {
        let registriesState = Dictionary(
            uniqueKeysWithValues: (["CDM"] + nationalRegistries).map { ($0, "operational") }
                + [(Self.dormantRegistry, "notOperational")])
        let config: [String: Any] = [
            "code": "ITL", "listen": listen("ITL"), "tls": tls("ITL"),
            "peers": (["CDM"] + nationalRegistries).map(peer),
            "databasePath": path("itl.sqlite"), "clockStart": daemonClockStart,
            "registries": registriesState, "acquiringResponseTimeoutSeconds": 3600,
            "admin": ["host": "127.0.0.1", "port": 0],
            "retry": ["initialMilliseconds": 50, "maximumMilliseconds": 500, "maximumAttempts": 400],
        ]
        itl = try await ChildProcess(
            name: "itl-sim", executable: binary("itl-sim"), arguments: ["--config", try write(config, "itl.json")],
            logDirectory: folder)
        adminPorts["ITL"] = Int(itl?.readyValues["admin"] ?? "")
    }

    public func startRegistry(_ code: String) async throws {
        let config: [String: Any] = [
            "code": code, "listen": listen(code), "tls": tls(code), "peers": [peer("ITL")],
            "databasePath": path("\(code).sqlite"), "clockStart": daemonClockStart,
            "ruleFile": packageRoot.appendingPathComponent("deploy/peer-rules.json").path,
            "accounts": [["identifier": Self.nationalAccount, "type": 100]],
            "admin": ["host": "127.0.0.1", "port": 0],
            "retry": ["initialMilliseconds": 50, "maximumMilliseconds": 500, "maximumAttempts": 400],
        ]
        let process = try await ChildProcess(
            name: "registry-sim-\(code)", executable: binary("registry-sim"),
            arguments: ["--config", try write(config, "\(code).json")], logDirectory: folder)
        registries[code] = process
        adminPorts[code] = Int(process.readyValues["admin"] ?? "")
    }

    /// Starts (or restarts, on the same store) the daemon; `clockStart` moves its registry time.
    public func startDaemon(clockStart: String? = nil, environment: [String: String] = [:]) async throws {
        let file = try writeDaemonConfiguration(clockStart: clockStart)
        daemon = try await ChildProcess(
            name: "cdm-registryd", executable: binary("cdm-registryd"), arguments: ["--config", file],
            logDirectory: folder, environment: environment)
    }

    /// Writes the daemon's configuration (JSON) and returns its path; `clockStart` moves its registry time.
    public func writeDaemonConfiguration(clockStart: String? = nil) throws -> String {
        if let clockStart { daemonClockStart = clockStart }
        let platformMail: [String: Any] =
            platformMailPort.map { ["mail": ["smtpHost": "127.0.0.1", "smtpPort": $0, "from": Self.platformMailFrom]] }
            ?? [:]
        let config: [String: Any] = [
            "registry": "CDM", "store": ["path": path("cdm.sqlite")],
            "listen": ["host": "127.0.0.1", "port": ports["CDM"] ?? 0],
            "tls": [
                "certificate": path("certs/CDM.crt"), "privateKey": path("certs/CDM.key"),
                "trustedCA": path("certs/ca.crt"),
            ],
            "itl": ["url": url("ITL"), "commonName": "ITL"],
            "adminSocket": ["path": adminSocket],
            "peerRules": packageRoot.appendingPathComponent("deploy/peer-rules.json").path,
            "clockStart": daemonClockStart,
            "timeouts": ["statusQueryAfterSeconds": 20, "cancelAfterQuerySeconds": 20],
            "outbox": ["retryInitialMilliseconds": 50, "retryMaximumMilliseconds": 400],
            "logLevel": "info",
            // stdout carries the READY line the harness waits for; logs go to the log file.
            "log": ["output": "stderr"],
            "attestation": ["signingKey": path("certs/attestation.pem")],
            "public": ["host": "127.0.0.1", "port": ports["PUBLIC"] ?? 0],
            "platform": [
                "host": "127.0.0.1", "port": ports["PLATFORM"] ?? 0, "database": path("platform.sqlite"),
                "baseURL": platformURL, "webhookSecretFile": path("certs/webhook.secret"), "holdMinutes": 30,
                "paymentProvider": "simulated",
            ].merging(platformMail) { $1 },
        ]
        return try write(config, "cdm.json")
    }

    // MARK: Driving the daemon (the admin socket, as registryctl does)

    /// One admin command; a refusal throws the daemon's `AdminError`.
    @discardableResult
    /// One admin command over the daemon's socket (a blocking round trip, so on a thread of its own).
    public func ctl(_ command: String, _ arguments: [String: JSONValue] = [:]) async throws -> JSONValue {
        let socket = adminSocket
        return try await Self.offCooperativePool {
            let client = try AdminClient(path: socket)
            let response = try client.call(command, arguments: arguments)
            guard response.ok else {
                throw response.error ?? AdminError(code: "unknown", message: "refused without an error")
            }
            return response.result ?? .null
        }
    }

    /// Runs the registryctl executable itself and returns its JSON output.
    public func registryctl(_ arguments: [String]) async throws -> JSONValue {
        let run = try await CommandRun.run(try binary("registryctl"), ["--socket", adminSocket, "--json"] + arguments)
        guard run.status == 0 else { throw NetworkError("registryctl \(arguments) exited \(run.status): \(run.errors)") }
        return try JSONDecoder().decode(JSONValue.self, from: Data(run.output.utf8))
    }

    /// Blocking work (a child process, a socket round trip) on a thread of its own. On one of the two threads of
    /// Swift's cooperative pool it stalls every other task of the process meanwhile: a test suite running several
    /// networks at once saw unrelated in-process HTTP exchanges time out after 30 s.
    public static func offCooperativePool<T: Sendable>(_ work: @escaping @Sendable () throws -> T) async throws -> T {
        try await withCheckedThrowingContinuation { continuation in
            Thread.detachNewThread { continuation.resume(with: Result { try work() }) }
        }
    }

    // MARK: Driving the simulators (their admin endpoints)

    @discardableResult
    public func simulator(_ party: String, _ method: HTTPMethod, _ path: String, _ body: JSONValue? = nil) async throws
        -> JSONValue
    {
        guard let port = adminPorts[party] else { throw NetworkError("no admin port for \(party)") }
        var request = HTTPClientRequest(url: "http://127.0.0.1:\(port)\(path)")
        request.method = method
        if let body {
            request.headers.add(name: "Content-Type", value: "application/json")
            request.body = .bytes(ByteBuffer(bytes: try JSONEncoder().encode(body)))
        }
        let response = try await HTTPClient.shared.execute(request, timeout: .seconds(10))
        let bytes = try await response.body.collect(upTo: 16 << 20)
        let data = Data(bytes.readableBytesView)
        guard (200...299).contains(Int(response.status.code)) else {
            throw NetworkError("\(party) \(method) \(path): \(response.status.code) \(String(decoding: data, as: UTF8.self))")
        }
        return data.isEmpty ? .null : try JSONDecoder().decode(JSONValue.self, from: data)
    }

    // MARK: Files and ports

    public func path(_ name: String) -> String { folder.appendingPathComponent(name).path }
    /// The daemon's public listeners: the reports (PUBLIC) and the online platform (PLATFORM), plain HTTP.
    public static let publicListeners = ["PUBLIC", "PLATFORM"]
    public var publicReportsURL: String { "http://127.0.0.1:\(ports["PUBLIC"] ?? 0)" }
    public var platformURL: String { "http://127.0.0.1:\(ports["PLATFORM"] ?? 0)" }
    public func url(_ party: String) -> String { "https://127.0.0.1:\(ports[party] ?? 0)/des" }

    private func listen(_ party: String) -> [String: Any] {
        ["host": "127.0.0.1", "port": ports[party] ?? 0, "path": "/des"]
    }

    private func tls(_ party: String) -> [String: Any] {
        [
            "certificatePath": path("certs/\(party).crt"), "privateKeyPath": path("certs/\(party).key"),
            "trustedCAPath": path("certs/ca.crt"),
        ]
    }

    private func peer(_ party: String) -> [String: Any] { ["code": party, "url": url(party), "commonName": party] }

    private func write(_ config: [String: Any], _ name: String) throws -> String {
        let data = try JSONSerialization.data(withJSONObject: config, options: [.prettyPrinted, .sortedKeys])
        let file = folder.appendingPathComponent(name)
        try data.write(to: file)
        return file.path
    }

    /// The attestation signing key (Ed25519, PEM) and the payment webhook secret, made once per folder.
    private func makePublicFaceSecrets() throws {
        try FileManager.default.createDirectory(
            at: folder.appendingPathComponent("certs"), withIntermediateDirectories: true)
        if !FileManager.default.fileExists(atPath: path("certs/attestation.pem")) {
            let process = Process()
            process.executableURL = URL(fileURLWithPath: "/usr/bin/openssl")
            process.arguments = ["genpkey", "-algorithm", "ed25519", "-out", path("certs/attestation.pem")]
            process.standardOutput = FileHandle.nullDevice
            process.standardError = FileHandle.nullDevice
            try process.run()
            process.waitUntilExit()
            guard process.terminationStatus == 0 else { throw NetworkError("openssl genpkey ed25519 failed") }
        }
        if !FileManager.default.fileExists(atPath: path("certs/webhook.secret")) {
            let secret = (0..<32).map { _ in String(format: "%02x", UInt8.random(in: 0...255)) }.joined()
            try Data((secret + "\n").utf8).write(to: URL(fileURLWithPath: path("certs/webhook.secret")))
        }
    }

    private func makeCertificates() throws {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/bin/bash")
        process.arguments = [
            packageRoot.appendingPathComponent("certs/make-dev-certs.sh").path, path("certs"), "ITL", "CDM",
        ] + nationalRegistries
        process.standardOutput = FileHandle.nullDevice
        let errors = Pipe()
        process.standardError = errors
        try process.run()
        process.waitUntilExit()
        guard process.terminationStatus == 0 else {
            throw NetworkError(
                "make-dev-certs.sh failed: \(String(decoding: errors.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self))")
        }
    }

    public func binary(_ name: String) throws -> URL {
        let candidate = binaries.appendingPathComponent(name)
        guard FileManager.default.isExecutableFile(atPath: candidate.path) else {
            throw NetworkError(
                "\(name) is not built in \(binaries.path): run `swift build` first (it builds every product; "
                    + "`swift run cdm-registryd` alone builds only the daemon)")
        }
        return candidate
    }

    /// The build products folder: where the test bundle is, or a few levels up.
    private static func binariesDirectory() throws -> URL {
        let executable =
            (try? FileManager.default.destinationOfSymbolicLink(atPath: "/proc/self/exe")) ?? CommandLine.arguments[0]
        var directory = URL(fileURLWithPath: executable).deletingLastPathComponent()
        for _ in 0..<4 {
            if FileManager.default.isExecutableFile(atPath: directory.appendingPathComponent("cdm-registryd").path) {
                return directory
            }
            directory = directory.deletingLastPathComponent()
        }
        throw NetworkError("cdm-registryd is not built next to the test bundle (\(executable))")
    }

    /// A free port below Linux's ephemeral range (32768-60999): outgoing connections of this and other processes
    /// take their local ports from that range, so a port picked there could be taken before the party binds it.
    /// Picked at random and checked by binding it now.
    /// Ports already given to a network of this process: a port is free until its process binds it, so two
    /// networks started side by side (the end-to-end suites run in parallel) could otherwise draw the same one.
    private static let handedOut = Mutex(Set<Int>())

    private static func freePort() throws -> Int {
        for _ in 0..<200 {
            let candidate = Int.random(in: 20_000...32_000)
            guard handedOut.withLock({ $0.insert(candidate).inserted }) else { continue }
            if isFree(candidate) { return candidate }
        }
        throw NetworkError("no free port found in 20000...32000")
    }

    private static func isFree(_ port: Int) -> Bool {
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        guard fd >= 0 else { return false }
        defer { close(fd) }
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        address.sin_port = UInt16(port).bigEndian
        let bound = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                bind(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size))
            }
        }
        return bound == 0
    }
}

/// Waits until `condition` holds (polling), or fails after `timeout` with `message`.
public func eventually(
    _ message: @autoclosure () -> String, timeout: Duration = .seconds(30),
    _ condition: () async throws -> Bool
) async throws {
    let deadline = ContinuousClock.now.advanced(by: timeout)
    while ContinuousClock.now < deadline {
        if try await condition() { return }
        try await Task.sleep(for: .milliseconds(50))
    }
    throw NetworkError("timed out after \(timeout): \(message())")
}

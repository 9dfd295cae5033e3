import Foundation
import Logging
import RegistryAdmin
import RegistryCore
import RegistryEngine
import RegistryNet

/// cdm-registryd's configuration file (TOML or JSON), read once at start-up into typed values and validated: an
/// unknown key, a missing file or a bad value stops start-up with a message naming the key (docs/OPERATIONS.md).
public struct DaemonConfiguration: Sendable {
    public struct Listen: Sendable {
        public var host: String
        public var port: Int
        public var path: String
    }

    public struct ITL: Sendable {
        public var url: String
        /// How the ITL's client certificate is recognised: its subject CN, or else a SAN URI.
        public var commonName: String?
        public var subjectAlternativeURI: String?
    }

    public var registry: RegistryCode
    public var storePath: String
    public var listen: Listen
    public var tls: TLSIdentity
    public var itl: ITL
    public var adminSocketPath: String
    public var adminSocketGroup: UInt32?
    public var peerRulesPath: String
    /// Registry time at start-up (then at the wall clock's pace); nil: the real time.
    public var clockStart: Date?
    public var timeouts: TransactionTimeouts
    public var retry: RetryPolicy
    public var logLevel: String
    /// [log] format: logfmt (default) or JSON lines.
    public var logFormat: LogfmtLogHandler.Format
    /// [log] output: stdout (default, journald's stream) or stderr.
    public var logOutput: LogfmtLogHandler.Output
    /// [metrics] listen: where the Prometheus endpoint listens; nil: no metrics listener. Always a loopback
    /// address, since the endpoint has no authentication (scrape through a local agent or a proxy).
    public var metricsListen: (host: String, port: Int)?
    /// [systemd] watchdog: send WATCHDOG=1 when systemd asks for it (WatchdogSec=); false only for a unit without it.
    public var systemdWatchdog: Bool
    public var attestation = AttestationSettings()
    /// The public reports listener (issuance, Adaptation Fund, voluntary cancellations); nil: not started.
    public var publicReports: PublicListen?
    /// The online cancellation platform; nil: not started.
    public var platform: PlatformSettings?

    /// `logLevel` as swift-log's level (validated at load, so never the fallback).
    public var loggerLevel: Logger.Level { Logger.Level(rawValue: logLevel) ?? .info }

    static let knownKeys: [String: Set<String>] = [
        "": [
            "registry", "store", "listen", "tls", "itl", "adminSocket", "peerRules", "clockStart", "timeouts", "outbox",
            "logLevel", "log", "metrics", "systemd", "attestation", "public", "platform",
        ],
        "attestation": ["signingKey", "previousPublicKey", "registryName"],
        "public": ["host", "port"],
        "platform": [
            "host", "port", "database", "baseURL", "holdMinutes", "webhookSecretFile", "paymentProvider", "mail",
        ],
        "platform.mail": ["smtpHost", "smtpPort", "from", "heloName"],
        "store": ["path"],
        "listen": ["host", "port", "path"],
        "tls": ["certificate", "privateKey", "trustedCA"],
        "itl": ["url", "commonName", "subjectAlternativeURI"],
        "adminSocket": ["path", "group"],
        "timeouts": ["statusQueryAfterSeconds", "cancelAfterQuerySeconds"],
        "outbox": ["retryInitialMilliseconds", "retryMaximumMilliseconds"],
        "log": ["format", "output"],
        "metrics": ["listen"],
        "systemd": ["watchdog"],
    ]

    /// Reads and validates the file at `path` (`.toml` or `.json`); relative paths inside are relative to the
    /// file's folder.
    public static func load(path: String) throws(ConfigurationError) -> DaemonConfiguration {
        try load(path: path, checkingHost: true)
    }

    /// `checkingHost: false` checks everything but what belongs to the host: the files and folders named and the
    /// admin socket's group name (the shipped example names a production host's; its test checks the rest).
    static func load(path: String, checkingHost: Bool) throws(ConfigurationError) -> DaemonConfiguration {
        let object = try ConfigurationFile.read(path: path)
        let base = URL(fileURLWithPath: path).deletingLastPathComponent()
        return try parse(object, base: base, checkingHost: checkingHost)
    }

    static func parse(_ object: [String: JSONValue], base: URL, checkingHost: Bool = true)
        throws(ConfigurationError) -> DaemonConfiguration
    {
        let reader = ConfigurationReader(object: object, base: base, checksHost: checkingHost)
        try reader.refuseUnknownKeys(knownKeys)
        let registry: RegistryCode
        do { registry = try RegistryCode(try reader.string("registry", default: "CDM")) } catch {
            throw ConfigurationError(key: "registry", problem: "\(error)")
        }
        let listen = Listen(
            host: try reader.string("listen.host", default: "0.0.0.0"),
            port: try reader.integer("listen.port", default: 8443, in: 0...65535),
            path: try reader.string("listen.path", default: "/des"))
        guard listen.path.hasPrefix("/") else {
            throw ConfigurationError(key: "listen.path", problem: "must start with /")
        }
        let tls = TLSIdentity(
            certificatePath: try reader.existingFile("tls.certificate"),
            privateKeyPath: try reader.existingFile("tls.privateKey"),
            trustedCAPath: try reader.existingFile("tls.trustedCA"))
        let itlURL = try reader.string("itl.url")
        guard let url = URL(string: itlURL), url.scheme == "https", url.host?.isEmpty == false else {
            throw ConfigurationError(key: "itl.url", problem: "'\(itlURL)' is not an https URL with a host")
        }
        let itl = ITL(
            url: itlURL, commonName: try reader.optionalString("itl.commonName"),
            subjectAlternativeURI: try reader.optionalString("itl.subjectAlternativeURI"))
        if itl.commonName == nil && itl.subjectAlternativeURI == nil {
            throw ConfigurationError(
                key: "itl", problem: "needs commonName or subjectAlternativeURI to recognise the ITL's certificate")
        }
        var clockStart: Date?
        if let text = try reader.optionalString("clockStart") {
            let fractional = ISO8601DateFormatter()
            fractional.formatOptions = [.withInternetDateTime, .withFractionalSeconds]
            guard let date = ISO8601DateFormatter().date(from: text) ?? fractional.date(from: text) else {
                throw ConfigurationError(key: "clockStart", problem: "'\(text)' is not an ISO 8601 instant")
            }
            clockStart = date
        }
        let timeouts: TransactionTimeouts
        do {
            timeouts = try TransactionTimeouts(
                untilStatusQuery: .seconds(try reader.integer("timeouts.statusQueryAfterSeconds", default: 86_400)),
                afterStatusQuery: .seconds(try reader.integer("timeouts.cancelAfterQuerySeconds", default: 3_600)))
        } catch let error as TransactionTimeoutsError {
            throw ConfigurationError(key: "timeouts", problem: error.description)
        } catch let error as ConfigurationError {
            throw error
        } catch {
            throw ConfigurationError(key: "timeouts", problem: "\(error)")
        }
        let retry = RetryPolicy(
            initial: .milliseconds(
                try reader.integer("outbox.retryInitialMilliseconds", default: 200, in: 1...600_000)),
            maximum: .milliseconds(
                try reader.integer("outbox.retryMaximumMilliseconds", default: 60_000, in: 1...86_400_000)))
        let level = try reader.string("logLevel", default: "info")
        guard ["trace", "debug", "info", "notice", "warning", "error", "critical"].contains(level) else {
            throw ConfigurationError(key: "logLevel", problem: "'\(level)' is not a log level (trace ... critical)")
        }
        let logFormat = try reader.choice("log.format", default: LogfmtLogHandler.Format.logfmt)
        let logOutput = try reader.choice("log.output", default: LogfmtLogHandler.Output.stdout)
        let metricsListen = try reader.optionalString("metrics.listen").map { (text) throws(ConfigurationError) in
            try LoopbackAddress.parse(text, key: "metrics.listen")
        }
        var configuration = DaemonConfiguration(
            registry: registry, storePath: try reader.storePath("store.path"), listen: listen, tls: tls, itl: itl,
            adminSocketPath: try reader.path("adminSocket.path", default: "/run/cdm-registry/admin.sock"),
            adminSocketGroup: try reader.group("adminSocket.group"),
            peerRulesPath: try reader.existingFile("peerRules"),
            clockStart: clockStart, timeouts: timeouts, retry: retry, logLevel: level, logFormat: logFormat,
            logOutput: logOutput, metricsListen: metricsListen,
            systemdWatchdog: try reader.bool("systemd.watchdog", default: true))
        configuration.attestation = try reader.attestationSettings()
        configuration.publicReports = try reader.publicListen("public")
        configuration.platform = try reader.platformSettings()
        return configuration
    }
}

/// A configuration problem, naming the key.
public struct ConfigurationError: Error, CustomStringConvertible {
    public var key: String
    public var problem: String
    public var description: String { "configuration: \(key) \(problem)" }
}

/// Typed access to the parsed JSON by dotted key.
struct ConfigurationReader {
    let object: [String: JSONValue]
    let base: URL
    /// False only for the shipped example's test: files, folders and group names are then not looked up.
    var checksHost = true

    /// `known` maps each table's dotted path (`""` the top level, `platform.mail` a nested table) to its keys.
    func refuseUnknownKeys(_ known: [String: Set<String>]) throws(ConfigurationError) {
        try refuseUnknownKeys(in: object, path: "", known)
    }

    private func refuseUnknownKeys(in table: [String: JSONValue], path: String, _ known: [String: Set<String>])
        throws(ConfigurationError)
    {
        for (key, value) in table {
            let full = path.isEmpty ? key : "\(path).\(key)"
            guard known[path]?.contains(key) == true else {
                throw ConfigurationError(key: full, problem: "is not a known key")
            }
            if let nested = value.objectValue {
                guard known[full] != nil else {
                    throw ConfigurationError(key: full, problem: "must be a value, not an object")
                }
                try refuseUnknownKeys(in: nested, path: full, known)
            } else if known[full] != nil {
                throw ConfigurationError(key: full, problem: "must be an object")
            }
        }
    }

    func value(_ key: String) -> JSONValue? {
        var current: JSONValue? = .object(object)
        for part in key.split(separator: ".") { current = current?[String(part)] }
        return current
    }

    func optionalString(_ key: String) throws(ConfigurationError) -> String? {
        guard let raw = value(key), raw != .null else { return nil }
        guard let text = raw.stringValue else { throw ConfigurationError(key: key, problem: "must be a string") }
        return text
    }

    func string(_ key: String, default fallback: String? = nil) throws(ConfigurationError) -> String {
        if let text = try optionalString(key) { return text }
        guard let fallback else { throw ConfigurationError(key: key, problem: "is required") }
        return fallback
    }

    func optionalInteger(_ key: String) throws(ConfigurationError) -> Int? {
        guard let raw = value(key), raw != .null else { return nil }
        guard let number = raw.integerValue, let integer = Int(exactly: number) else {
            throw ConfigurationError(key: key, problem: "must be a whole number")
        }
        return integer
    }

    func integer(_ key: String, default fallback: Int, in range: ClosedRange<Int> = 1...Int.max)
        throws(ConfigurationError) -> Int
    {
        let number = try optionalInteger(key) ?? fallback
        guard range.contains(number) else {
            throw ConfigurationError(key: key, problem: "\(number) is not in \(range.lowerBound)...\(range.upperBound)")
        }
        return number
    }

    func path(_ key: String, default fallback: String? = nil) throws(ConfigurationError) -> String {
        let text = try string(key, default: fallback)
        return text.hasPrefix("/") ? text : base.appendingPathComponent(text).standardizedFileURL.path
    }

    func existingFile(_ key: String) throws(ConfigurationError) -> String {
        let resolved = try path(key)
        guard checksHost else { return resolved }
        guard FileManager.default.isReadableFile(atPath: resolved) else {
            throw ConfigurationError(key: key, problem: "names \(resolved), which does not exist or is not readable")
        }
        return resolved
    }

    func bool(_ key: String, default fallback: Bool) throws(ConfigurationError) -> Bool {
        guard let raw = value(key), raw != .null else { return fallback }
        guard let flag = raw.boolValue else { throw ConfigurationError(key: key, problem: "must be true or false") }
        return flag
    }

    /// One of a fixed set of words (an enum's raw values); the error lists the accepted ones.
    func choice<Choice: RawRepresentable & CaseIterable>(_ key: String, default fallback: Choice)
        throws(ConfigurationError) -> Choice where Choice.RawValue == String
    {
        guard let text = try optionalString(key) else { return fallback }
        guard let chosen = Choice(rawValue: text) else {
            let accepted = Choice.allCases.map { "'\($0.rawValue)'" }.joined(separator: " or ")
            throw ConfigurationError(key: key, problem: "'\(text)' is not \(accepted)")
        }
        return chosen
    }

    /// The SQLite file's path: its folder must exist and be writable (SQLite writes its WAL and journal beside
    /// the file), and an existing file must be readable and writable.
    func storePath(_ key: String) throws(ConfigurationError) -> String {
        let resolved = try path(key)
        guard checksHost else { return resolved }
        let folder = URL(fileURLWithPath: resolved).deletingLastPathComponent().path
        var isFolder: ObjCBool = false
        guard FileManager.default.fileExists(atPath: folder, isDirectory: &isFolder), isFolder.boolValue else {
            throw ConfigurationError(key: key, problem: "names \(resolved), but the folder \(folder) does not exist")
        }
        guard access(folder, W_OK | X_OK) == 0 else {
            throw ConfigurationError(key: key, problem: "names \(resolved), but the folder \(folder) is not writable")
        }
        if FileManager.default.fileExists(atPath: resolved) && access(resolved, R_OK | W_OK) != 0 {
            throw ConfigurationError(key: key, problem: "names \(resolved), which is not readable and writable")
        }
        return resolved
    }

    /// The admin socket's group: a group name (looked up in the group database) or a numeric gid.
    func group(_ key: String) throws(ConfigurationError) -> UInt32? {
        guard let raw = value(key), raw != .null else { return nil }
        if let number = raw.integerValue {
            guard let gid = UInt32(exactly: number), gid != UInt32.max else {
                throw ConfigurationError(key: key, problem: "\(number) is not a group id")
            }
            return gid
        }
        guard let name = raw.stringValue, !name.isEmpty else {
            throw ConfigurationError(key: key, problem: "must be a group name or a numeric gid")
        }
        if let gid = UInt32(name), gid != UInt32.max { return gid }
        guard checksHost else { return nil }
        guard let gid = GroupDatabase.gid(named: name) else {
            throw ConfigurationError(key: key, problem: "names the group '\(name)', which does not exist")
        }
        return gid
    }
}

/// Group names resolved with the reentrant `getgrnam_r` (the daemon may resolve while other threads run).
enum GroupDatabase {
    static func gid(named name: String) -> UInt32? {
        var entry = group()
        var result: UnsafeMutablePointer<group>?
        var buffer = [CChar](repeating: 0, count: 16_384)
        let status = getgrnam_r(name, &entry, &buffer, buffer.count, &result)
        guard status == 0, result != nil else { return nil }
        return UInt32(entry.gr_gid)
    }
}

/// `[metrics] listen`: "127.0.0.1:9464", "[::1]:9464" or "localhost:9464"; any other host is refused because the
/// metrics endpoint has no authentication.
enum LoopbackAddress {
    static func parse(_ text: String, key: String) throws(ConfigurationError) -> (host: String, port: Int) {
        let host: String
        let portText: Substring
        if text.hasPrefix("[") {
            guard let close = text.firstIndex(of: "]"), text[text.index(after: close)...].hasPrefix(":") else {
                throw ConfigurationError(key: key, problem: "'\(text)' is not [IPv6]:port")
            }
            host = String(text[text.index(after: text.startIndex)..<close])
            portText = text[text.index(close, offsetBy: 2)...]
        } else {
            guard let colon = text.lastIndex(of: ":") else {
                throw ConfigurationError(key: key, problem: "'\(text)' is not host:port")
            }
            host = String(text[..<colon])
            portText = text[text.index(after: colon)...]
        }
        guard let port = Int(portText), (0...65535).contains(port) else {
            throw ConfigurationError(key: key, problem: "'\(portText)' is not a port (0...65535)")
        }
        guard isLoopback(host) else {
            throw ConfigurationError(
                key: key, problem: "'\(host)' is not a loopback address (127.0.0.0/8, ::1 or localhost)")
        }
        return (host, port)
    }

    static func isLoopback(_ host: String) -> Bool {
        if host == "localhost" { return true }
        var v4 = in_addr()
        if inet_pton(AF_INET, host, &v4) == 1 { return UInt32(bigEndian: v4.s_addr) >> 24 == 127 }
        var v6 = in6_addr()
        if inet_pton(AF_INET6, host, &v6) == 1 {
            return withUnsafeBytes(of: &v6) { bytes in bytes.prefix(15).allSatisfy { $0 == 0 } && bytes[15] == 1 }
        }
        return false
    }
}

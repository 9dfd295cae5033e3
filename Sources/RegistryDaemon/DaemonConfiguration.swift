import Foundation
import RegistryAdmin
import RegistryCore
import RegistryEngine
import RegistryNet

/// cdm-registryd's configuration file (JSON), read once at start-up into typed values and validated: an unknown key,
/// a missing file or a bad value stops start-up with a message naming the key (docs/OPERATIONS.md, key by key).
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

    static let knownKeys: [String: Set<String>] = [
        "": [
            "registry", "store", "listen", "tls", "itl", "adminSocket", "peerRules", "clockStart", "timeouts", "outbox",
            "logLevel",
        ],
        "store": ["path"],
        "listen": ["host", "port", "path"],
        "tls": ["certificate", "privateKey", "trustedCA"],
        "itl": ["url", "commonName", "subjectAlternativeURI"],
        "adminSocket": ["path", "group"],
        "timeouts": ["statusQueryAfterSeconds", "cancelAfterQuerySeconds"],
        "outbox": ["retryInitialMilliseconds", "retryMaximumMilliseconds"],
    ]

    /// Reads and validates the file at `path`; relative paths inside are relative to the file's folder.
    public static func load(path: String) throws(ConfigurationError) -> DaemonConfiguration {
        let data: Data
        do { data = try Data(contentsOf: URL(fileURLWithPath: path)) } catch {
            throw ConfigurationError(key: path, problem: "cannot be read: \(error.localizedDescription)")
        }
        let parsed: JSONValue
        do { parsed = try JSONDecoder().decode(JSONValue.self, from: data) } catch {
            throw ConfigurationError(key: path, problem: "is not valid JSON: \(error)")
        }
        guard let object = parsed.objectValue else {
            throw ConfigurationError(key: path, problem: "is not a JSON object")
        }
        let base = URL(fileURLWithPath: path).deletingLastPathComponent()
        return try parse(object, base: base)
    }

    static func parse(_ object: [String: JSONValue], base: URL) throws(ConfigurationError) -> DaemonConfiguration {
        var reader = ConfigurationReader(object: object, base: base)
        try reader.refuseUnknownKeys(knownKeys)
        let registry: RegistryCode
        do { registry = try RegistryCode(try reader.string("registry", default: "CDM")) } catch {
            throw ConfigurationError(key: "registry", problem: "\(error)")
        }
        let listen = Listen(
            host: try reader.string("listen.host", default: "0.0.0.0"),
            port: try reader.integer("listen.port", default: 8443, in: 0...65535),
            path: try reader.string("listen.path", default: "/des"))
        guard listen.path.hasPrefix("/") else { throw ConfigurationError(key: "listen.path", problem: "must start with /") }
        let tls = TLSIdentity(
            certificatePath: try reader.existingFile("tls.certificate"),
            privateKeyPath: try reader.existingFile("tls.privateKey"),
            trustedCAPath: try reader.existingFile("tls.trustedCA"))
        let itlURL = try reader.string("itl.url")
        guard let url = URL(string: itlURL), url.scheme == "https", url.host != nil else {
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
            guard let date = ISO8601DateFormatter().date(from: text) else {
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
            initial: .milliseconds(try reader.integer("outbox.retryInitialMilliseconds", default: 200, in: 1...600_000)),
            maximum: .milliseconds(
                try reader.integer("outbox.retryMaximumMilliseconds", default: 60_000, in: 1...86_400_000)))
        let level = try reader.string("logLevel", default: "info")
        guard ["trace", "debug", "info", "notice", "warning", "error", "critical"].contains(level) else {
            throw ConfigurationError(key: "logLevel", problem: "'\(level)' is not a log level (trace ... critical)")
        }
        let group = try reader.optionalInteger("adminSocket.group")
        return DaemonConfiguration(
            registry: registry, storePath: try reader.path("store.path"), listen: listen, tls: tls, itl: itl,
            adminSocketPath: try reader.path("adminSocket.path", default: "/run/cdm-registry/admin.sock"),
            adminSocketGroup: group.map { UInt32(clamping: $0) }, peerRulesPath: try reader.existingFile("peerRules"),
            clockStart: clockStart, timeouts: timeouts, retry: retry, logLevel: level)
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

    func refuseUnknownKeys(_ known: [String: Set<String>]) throws(ConfigurationError) {
        for (key, value) in object {
            guard known[""]?.contains(key) == true else {
                throw ConfigurationError(key: key, problem: "is not a known key")
            }
            if let nested = value.objectValue {
                guard let allowed = known[key] else {
                    throw ConfigurationError(key: key, problem: "must be a value, not an object")
                }
                for inner in nested.keys where !allowed.contains(inner) {
                    throw ConfigurationError(key: "\(key).\(inner)", problem: "is not a known key")
                }
            } else if known[key] != nil {
                throw ConfigurationError(key: key, problem: "must be an object")
            }
        }
    }

    private func value(_ key: String) -> JSONValue? {
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
        guard FileManager.default.isReadableFile(atPath: resolved) else {
            throw ConfigurationError(key: key, problem: "names \(resolved), which does not exist or is not readable")
        }
        return resolved
    }
}

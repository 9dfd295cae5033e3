import Foundation
import RegistryAdmin

@testable import RegistryDaemon

/// A temporary folder with what a valid configuration names (certificate, key, CA and peer rules files, a store
/// folder), and the configuration itself as a JSON tree that each test changes one key of.
final class ConfigurationFixture {
    let folder: URL

    init() throws {
        folder = FileManager.default.temporaryDirectory.appendingPathComponent("cdm-config-\(UUID().uuidString)")
        try FileManager.default.createDirectory(
            at: folder.appendingPathComponent("tls"), withIntermediateDirectories: true)
        try FileManager.default.createDirectory(
            at: folder.appendingPathComponent("state"), withIntermediateDirectories: true)
        for file in ["tls/registry.crt", "tls/registry.key", "tls/ca.crt"] {
            try Data("-----BEGIN CERTIFICATE-----\n".utf8).write(to: folder.appendingPathComponent(file))
        }
        try Data("{\"rules\": []}".utf8).write(to: folder.appendingPathComponent("peer-rules.json"))
    }

    deinit { try? FileManager.default.removeItem(at: folder) }

    func path(_ relative: String) -> String { folder.appendingPathComponent(relative).path }

    /// Every key set, with values other than the defaults where a default exists.
    var complete: [String: JSONValue] {
        [
            "registry": "CDM",
            "logLevel": "notice",
            "peerRules": .string(path("peer-rules.json")),
            "clockStart": "2008-10-20T09:00:00Z",
            "store": ["path": .string(path("state/registry.sqlite"))],
            "listen": ["host": "127.0.0.1", "port": 9443, "path": "/des/v1"],
            "tls": [
                "certificate": .string(path("tls/registry.crt")), "privateKey": .string(path("tls/registry.key")),
                "trustedCA": .string(path("tls/ca.crt")),
            ],
            "itl": ["url": "https://itl.example.org:8443/des", "commonName": "ITL"],
            "adminSocket": ["path": .string(path("admin.sock")), "group": 0],
            "timeouts": ["statusQueryAfterSeconds": 600, "cancelAfterQuerySeconds": 60],
            "outbox": ["retryInitialMilliseconds": 100, "retryMaximumMilliseconds": 5000],
            "log": ["format": "json", "output": "stderr"],
            "metrics": ["listen": "127.0.0.1:9464"],
            "systemd": ["watchdog": false],
        ]
    }

    /// Only the required keys.
    var minimal: [String: JSONValue] {
        [
            "peerRules": .string(path("peer-rules.json")),
            "store": ["path": .string(path("state/registry.sqlite"))],
            "tls": [
                "certificate": .string(path("tls/registry.crt")), "privateKey": .string(path("tls/registry.key")),
                "trustedCA": .string(path("tls/ca.crt")),
            ],
            "itl": ["url": "https://itl.example.org/des", "commonName": "ITL"],
        ]
    }

    /// Writes `text` under `name` in the folder and loads it with the real loader.
    func load(_ text: String, name: String) throws -> DaemonConfiguration {
        let file = folder.appendingPathComponent(name)
        try Data(text.utf8).write(to: file)
        return try DaemonConfiguration.load(path: file.path)
    }

    func load(json object: [String: JSONValue]) throws -> DaemonConfiguration {
        try load(JSONValue.object(object).description, name: "cdm-registryd.json")
    }
}

extension [String: JSONValue] {
    /// A copy with the dotted key set (or removed, with nil).
    func setting(_ key: String, _ value: JSONValue?) -> [String: JSONValue] {
        let parts = key.split(separator: ".").map(String.init)
        var copy = self
        if parts.count == 1 {
            copy[parts[0]] = value
        } else {
            var table = copy[parts[0]]?.objectValue ?? [:]
            table[parts[1]] = value
            copy[parts[0]] = .object(table)
        }
        return copy
    }
}

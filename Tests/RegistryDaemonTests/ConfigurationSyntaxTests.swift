import Foundation
import RegistryAdmin
import Testing

@testable import RegistryDaemon

/// TOML and JSON are two spellings of one configuration: both become the same JSON tree and the same typed values.
@Suite struct ConfigurationSyntaxTests {
    func toml(_ fixture: ConfigurationFixture) -> String {
        """
        # every key, as the operator writes it
        registry = "CDM"
        logLevel = "notice"
        peerRules = "\(fixture.path("peer-rules.json"))"
        clockStart = 2008-10-20T09:00:00Z

        [store]
        path = "\(fixture.path("state/registry.sqlite"))"

        [listen]
        host = "127.0.0.1"
        port = 9443
        path = "/des/v1"

        [tls]
        certificate = "\(fixture.path("tls/registry.crt"))"
        privateKey = "\(fixture.path("tls/registry.key"))"
        trustedCA = "\(fixture.path("tls/ca.crt"))"

        [itl]
        url = "https://itl.example.org:8443/des"
        commonName = "ITL"

        [adminSocket]
        path = "\(fixture.path("admin.sock"))"
        group = 0

        [timeouts]
        statusQueryAfterSeconds = 600
        cancelAfterQuerySeconds = 60

        [outbox]
        retryInitialMilliseconds = 100
        retryMaximumMilliseconds = 5_000

        [log]
        format = "json"
        output = "stderr"

        [metrics]
        listen = "127.0.0.1:9464"

        [systemd]
        watchdog = false
        """
    }

    func expectSame(_ left: DaemonConfiguration, _ right: DaemonConfiguration) {
        #expect(left.registry == right.registry)
        #expect(left.storePath == right.storePath)
        #expect(left.listen.host == right.listen.host)
        #expect(left.listen.port == right.listen.port)
        #expect(left.listen.path == right.listen.path)
        #expect(left.tls == right.tls)
        #expect(left.itl.url == right.itl.url)
        #expect(left.itl.commonName == right.itl.commonName)
        #expect(left.itl.subjectAlternativeURI == right.itl.subjectAlternativeURI)
        #expect(left.adminSocketPath == right.adminSocketPath)
        #expect(left.adminSocketGroup == right.adminSocketGroup)
        #expect(left.peerRulesPath == right.peerRulesPath)
        #expect(left.clockStart == right.clockStart)
        #expect(left.timeouts == right.timeouts)
        #expect(left.retry == right.retry)
        #expect(left.logLevel == right.logLevel)
        #expect(left.logFormat == right.logFormat)
        #expect(left.logOutput == right.logOutput)
        #expect(left.metricsListen?.host == right.metricsListen?.host)
        #expect(left.metricsListen?.port == right.metricsListen?.port)
        #expect(left.systemdWatchdog == right.systemdWatchdog)
    }

    @Test func tomlAndJSONGiveTheSameConfiguration() throws {
        let fixture = try ConfigurationFixture()
        let fromTOML = try fixture.load(toml(fixture), name: "cdm-registryd.toml")
        let fromJSON = try fixture.load(json: fixture.complete)
        expectSame(fromTOML, fromJSON)
        // And the values are the ones written, not the defaults.
        #expect(fromTOML.clockStart == Date(timeIntervalSince1970: 1_224_493_200))
        #expect(fromTOML.listen.port == 9443)
        #expect(fromTOML.retry.maximum == .milliseconds(5000))
        #expect(fromTOML.logFormat == .json)
        #expect(fromTOML.logOutput == .stderr)
        #expect(fromTOML.loggerLevel == .notice)
        #expect(fromTOML.metricsListen?.host == "127.0.0.1")
        #expect(fromTOML.metricsListen?.port == 9464)
        #expect(fromTOML.systemdWatchdog == false)
        #expect(fromTOML.adminSocketGroup == 0)
    }

    @Test func tomlAndJSONRefuseTheSameMistakeWithTheSameMessage() throws {
        let fixture = try ConfigurationFixture()
        let tomlError = #expect(throws: ConfigurationError.self) {
            try fixture.load(toml(fixture) + "\n[cache]\nsize = 3\n", name: "cdm-registryd.toml")
        }
        let jsonError = #expect(throws: ConfigurationError.self) {
            try fixture.load(json: fixture.complete.setting("cache", ["size": 3]))
        }
        #expect(tomlError?.description == "configuration: cache is not a known key")
        #expect(tomlError?.description == jsonError?.description)
    }

    @Test func omittedKeysTakeTheDocumentedDefaults() throws {
        let fixture = try ConfigurationFixture()
        let configuration = try fixture.load(json: fixture.minimal)
        #expect(configuration.registry.rawValue == "CDM")
        #expect(configuration.listen.host == "0.0.0.0")
        #expect(configuration.listen.port == 8443)
        #expect(configuration.listen.path == "/des")
        #expect(configuration.adminSocketPath == "/run/cdm-registry/admin.sock")
        #expect(configuration.adminSocketGroup == nil)
        #expect(configuration.clockStart == nil)
        #expect(configuration.timeouts.untilStatusQuery == .seconds(86_400))
        #expect(configuration.timeouts.afterStatusQuery == .seconds(3_600))
        #expect(configuration.retry.initial == .milliseconds(200))
        #expect(configuration.retry.maximum == .milliseconds(60_000))
        #expect(configuration.logLevel == "info")
        #expect(configuration.logFormat == .logfmt)
        #expect(configuration.logOutput == .stdout)
        #expect(configuration.metricsListen == nil)
        #expect(configuration.systemdWatchdog == true)
    }

    @Test func relativePathsAreRelativeToTheConfigurationFile() throws {
        let fixture = try ConfigurationFixture()
        let text = """
            peerRules = "peer-rules.json"
            [store]
            path = "state/registry.sqlite"
            [tls]
            certificate = "tls/registry.crt"
            privateKey = "tls/registry.key"
            trustedCA = "tls/ca.crt"
            [itl]
            url = "https://itl.example.org/des"
            subjectAlternativeURI = "urn:unfccc:itl"
            """
        let configuration = try fixture.load(text, name: "relative.toml")
        #expect(configuration.storePath == fixture.folder.appendingPathComponent("state/registry.sqlite").path)
        #expect(configuration.tls.trustedCAPath == fixture.folder.appendingPathComponent("tls/ca.crt").path)
        #expect(configuration.itl.subjectAlternativeURI == "urn:unfccc:itl")
    }

    @Test func adminGroupMayBeANameOrANumber() throws {
        let fixture = try ConfigurationFixture()
        let byName = try fixture.load(json: fixture.complete.setting("adminSocket.group", "root"))
        #expect(byName.adminSocketGroup == 0)
        let byNumberText = try fixture.load(json: fixture.complete.setting("adminSocket.group", "4242"))
        #expect(byNumberText.adminSocketGroup == 4242)
    }

    @Test(arguments: [
        ("[::1]:9100", "::1", 9100), ("localhost:0", "localhost", 0), ("127.8.9.10:80", "127.8.9.10", 80),
    ])
    func metricsListenerOnLoopbackIsAccepted(address: String, host: String, port: Int) throws {
        let fixture = try ConfigurationFixture()
        let configuration = try fixture.load(json: fixture.complete.setting("metrics.listen", .string(address)))
        #expect(configuration.metricsListen?.host == host)
        #expect(configuration.metricsListen?.port == port)
    }

    @Test func tomlDateTimesWithOffsetsAndFractionsBecomeTheSameInstant() throws {
        let fixture = try ConfigurationFixture()
        let text = toml(fixture).replacingOccurrences(
            of: "clockStart = 2008-10-20T09:00:00Z", with: "clockStart = 2008-10-20T11:00:00.250+02:00")
        let configuration = try fixture.load(text, name: "offset.toml")
        #expect(configuration.clockStart == Date(timeIntervalSince1970: 1_224_493_200.25))
    }

    /// The annotated example in deploy/ is parsed by the real loader; only what belongs to a production host (its
    /// files, folders and the cdm-registry group) is not looked up here.
    @Test func shippedExampleConfigurationIsValid() throws {
        let example = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent().appendingPathComponent("deploy/cdm-registryd.toml")
        let configuration = try DaemonConfiguration.load(path: example.path, checkingHost: false)
        #expect(configuration.registry.rawValue == "CDM")
        #expect(configuration.storePath == "/var/lib/cdm-registry/registry.sqlite")
        #expect(configuration.adminSocketPath == "/run/cdm-registry/admin.sock")
        #expect(configuration.tls.certificatePath.hasPrefix("/etc/cdm-registry/tls/"))
        #expect(configuration.tls.privateKeyPath.hasPrefix("/etc/cdm-registry/tls/"))
        #expect(configuration.tls.trustedCAPath.hasPrefix("/etc/cdm-registry/tls/"))
        #expect(configuration.peerRulesPath.hasPrefix("/etc/cdm-registry/"))
        #expect(configuration.listen.port == 8443)
        #expect(configuration.logFormat == .logfmt)
        #expect(configuration.logOutput == .stdout)
        #expect(configuration.metricsListen?.host == "127.0.0.1")
        #expect(configuration.systemdWatchdog == true)
        #expect(configuration.clockStart == nil)
        // Every key the loader knows appears in the example, commented or set, so the example documents them all.
        let text = try String(contentsOf: example, encoding: .utf8)
        for (table, keys) in DaemonConfiguration.knownKeys where !table.isEmpty {
            #expect(text.contains("[\(table)]"), "deploy/cdm-registryd.toml lacks [\(table)]")
            for key in keys where DaemonConfiguration.knownKeys["\(table).\(key)"] == nil {
                #expect(text.contains("\(key) = "), "deploy/cdm-registryd.toml lacks \(table).\(key)")
            }
        }
        for key in DaemonConfiguration.knownKeys[""] ?? [] where DaemonConfiguration.knownKeys[key] == nil {
            #expect(text.contains("\(key) = "), "deploy/cdm-registryd.toml lacks \(key)")
        }
    }
}

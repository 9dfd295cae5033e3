import Foundation
import RegistryAdmin
import Testing

@testable import RegistryDaemon

/// Every configuration problem stops start-up with an error that names the key and says what is wrong.
@Suite struct ConfigurationErrorTests {
    /// Loads the configuration and returns the error it must fail with.
    func refusal(_ object: [String: JSONValue], fixture: ConfigurationFixture) throws -> ConfigurationError {
        let error = #expect(throws: ConfigurationError.self) { try fixture.load(json: object) }
        return try #require(error)
    }

    @Test func theFixtureItselfIsValid() throws {
        let fixture = try ConfigurationFixture()
        _ = try fixture.load(json: fixture.complete)
        _ = try fixture.load(json: fixture.minimal)
    }

    @Test func unknownTopLevelKeyIsRefusedByName() throws {
        let fixture = try ConfigurationFixture()
        let error = try refusal(fixture.complete.setting("registy", "CDM"), fixture: fixture)
        #expect(error.key == "registy")
        #expect(error.problem == "is not a known key")
    }

    @Test func unknownNestedKeyIsRefusedWithItsTable() throws {
        let fixture = try ConfigurationFixture()
        let error = try refusal(fixture.complete.setting("listen.prot", 8443), fixture: fixture)
        #expect(error.key == "listen.prot")
        #expect(error.problem == "is not a known key")
        let metrics = try refusal(fixture.complete.setting("metrics.address", "127.0.0.1:1"), fixture: fixture)
        #expect(metrics.key == "metrics.address")
    }

    @Test func aTableGivenAsAValueIsRefused() throws {
        let fixture = try ConfigurationFixture()
        let error = try refusal(fixture.complete.setting("log", "json"), fixture: fixture)
        #expect(error.key == "log")
        #expect(error.problem == "must be an object")
    }

    @Test(arguments: ["store.path", "tls.certificate", "tls.privateKey", "tls.trustedCA", "itl.url", "peerRules"])
    func missingRequiredKeyIsNamed(key: String) throws {
        let fixture = try ConfigurationFixture()
        let error = try refusal(fixture.minimal.setting(key, nil), fixture: fixture)
        #expect(error.key == key)
        #expect(error.problem == "is required")
    }

    @Test(arguments: ["tls.certificate", "tls.privateKey", "tls.trustedCA", "peerRules"])
    func missingFileIsNamedWithItsPath(key: String) throws {
        let fixture = try ConfigurationFixture()
        let missing = fixture.path("tls/nowhere.pem")
        let error = try refusal(fixture.complete.setting(key, .string(missing)), fixture: fixture)
        #expect(error.key == key)
        #expect(error.problem.contains(missing))
        #expect(error.problem.contains("does not exist"))
    }

    @Test func storeFolderThatDoesNotExistIsRefused() throws {
        let fixture = try ConfigurationFixture()
        let path = fixture.path("no-such-folder/registry.sqlite")
        let error = try refusal(fixture.complete.setting("store.path", .string(path)), fixture: fixture)
        #expect(error.key == "store.path")
        #expect(error.problem.contains("folder \(fixture.path("no-such-folder")) does not exist"))
    }

    @Test func storeFolderThatIsAFileIsRefused() throws {
        let fixture = try ConfigurationFixture()
        let path = fixture.path("peer-rules.json/registry.sqlite")
        let error = try refusal(fixture.complete.setting("store.path", .string(path)), fixture: fixture)
        #expect(error.key == "store.path")
        #expect(error.problem.contains("does not exist"))
    }

    @Test(
        arguments: [
            "http://itl.example.org/des", "itl.example.org", "https:///des", "not a url", "ftp://itl.example.org/",
        ])
    func badITLURLIsRefused(url: String) throws {
        let fixture = try ConfigurationFixture()
        let error = try refusal(fixture.complete.setting("itl.url", .string(url)), fixture: fixture)
        #expect(error.key == "itl.url")
        #expect(error.problem.contains("is not an https URL"))
    }

    @Test(arguments: [JSONValue.integer(65536), .integer(-1), .string("8443"), .number(8443.5)])
    func badPortIsRefused(port: JSONValue) throws {
        let fixture = try ConfigurationFixture()
        let error = try refusal(fixture.complete.setting("listen.port", port), fixture: fixture)
        #expect(error.key == "listen.port")
    }

    @Test(arguments: ["2008-10-20", "yesterday", "2008-13-01T00:00:00Z", "2008-10-20T09:00:00"])
    func badClockStartIsRefused(text: String) throws {
        let fixture = try ConfigurationFixture()
        let error = try refusal(fixture.complete.setting("clockStart", .string(text)), fixture: fixture)
        #expect(error.key == "clockStart")
        #expect(error.problem.contains("is not an ISO 8601 instant"))
    }

    @Test(arguments: ["timeouts.statusQueryAfterSeconds", "timeouts.cancelAfterQuerySeconds"])
    func badDurationIsRefused(key: String) throws {
        let fixture = try ConfigurationFixture()
        let zero = try refusal(fixture.complete.setting(key, 0), fixture: fixture)
        #expect(zero.key == key)
        #expect(zero.problem.contains("is not in 1..."))
        let text = try refusal(fixture.complete.setting(key, "1h"), fixture: fixture)
        #expect(text.key == key)
        #expect(text.problem == "must be a whole number")
    }

    @Test func retryDelayOutOfRangeIsRefused() throws {
        let fixture = try ConfigurationFixture()
        let error = try refusal(fixture.complete.setting("outbox.retryInitialMilliseconds", 0), fixture: fixture)
        #expect(error.key == "outbox.retryInitialMilliseconds")
    }

    @Test(arguments: ["verbose", "INFO", ""])
    func badLogLevelIsRefused(level: String) throws {
        let fixture = try ConfigurationFixture()
        let error = try refusal(fixture.complete.setting("logLevel", .string(level)), fixture: fixture)
        #expect(error.key == "logLevel")
        #expect(error.problem.contains("is not a log level"))
    }

    @Test func badLogFormatAndOutputListTheAcceptedWords() throws {
        let fixture = try ConfigurationFixture()
        let format = try refusal(fixture.complete.setting("log.format", "text"), fixture: fixture)
        #expect(format.key == "log.format")
        #expect(format.problem == "'text' is not 'logfmt' or 'json'")
        let output = try refusal(fixture.complete.setting("log.output", "syslog"), fixture: fixture)
        #expect(output.key == "log.output")
        #expect(output.problem == "'syslog' is not 'stdout' or 'stderr'")
    }

    @Test(arguments: ["0.0.0.0:9464", "10.1.2.3:9464", "[::]:9464", "example.org:9464", "192.168.0.1:80"])
    func metricsListenerOffLoopbackIsRefused(address: String) throws {
        let fixture = try ConfigurationFixture()
        let error = try refusal(fixture.complete.setting("metrics.listen", .string(address)), fixture: fixture)
        #expect(error.key == "metrics.listen")
        #expect(error.problem.contains("is not a loopback address"))
    }

    @Test(arguments: ["127.0.0.1", "127.0.0.1:", "127.0.0.1:70000", "[::1]9464", "[::1:9464"])
    func malformedMetricsAddressIsRefused(address: String) throws {
        let fixture = try ConfigurationFixture()
        let error = try refusal(fixture.complete.setting("metrics.listen", .string(address)), fixture: fixture)
        #expect(error.key == "metrics.listen")
    }

    @Test func systemdWatchdogMustBeABoolean() throws {
        let fixture = try ConfigurationFixture()
        let error = try refusal(fixture.complete.setting("systemd.watchdog", "yes"), fixture: fixture)
        #expect(error.key == "systemd.watchdog")
        #expect(error.problem == "must be true or false")
    }

    @Test func unknownAdminGroupNameIsRefused() throws {
        let fixture = try ConfigurationFixture()
        let error = try refusal(
            fixture.complete.setting("adminSocket.group", "no-such-group-cdm"), fixture: fixture)
        #expect(error.key == "adminSocket.group")
        #expect(error.problem.contains("'no-such-group-cdm', which does not exist"))
        let negative = try refusal(fixture.complete.setting("adminSocket.group", -5), fixture: fixture)
        #expect(negative.key == "adminSocket.group")
    }

    @Test func unknownRegistryCodeIsRefused() throws {
        let fixture = try ConfigurationFixture()
        let error = try refusal(fixture.complete.setting("registry", "cdm!"), fixture: fixture)
        #expect(error.key == "registry")
    }

    @Test func itlWithoutAnIdentityIsRefused() throws {
        let fixture = try ConfigurationFixture()
        let error = try refusal(fixture.minimal.setting("itl.commonName", nil), fixture: fixture)
        #expect(error.key == "itl")
    }

    @Test func fileWithAnotherExtensionIsRefused() throws {
        let fixture = try ConfigurationFixture()
        let error = #expect(throws: ConfigurationError.self) {
            try fixture.load(JSONValue.object(fixture.complete).description, name: "cdm-registryd.conf")
        }
        #expect(error?.problem.contains("must end in .toml or .json") == true)
    }

    @Test func tomlSyntaxErrorNamesTheFileAndThePosition() throws {
        let fixture = try ConfigurationFixture()
        let error = #expect(throws: ConfigurationError.self) {
            try fixture.load("registry = \"CDM\"\nlogLevel = = \"info\"\n", name: "broken.toml")
        }
        #expect(error?.key == fixture.path("broken.toml"))
        #expect(error?.problem.contains("is not valid TOML") == true)
        #expect(error?.problem.contains("line 2") == true)
    }
}

import Foundation
import RegistryAdmin
import Testing

@testable import RegistryDaemon

/// The public face's settings: attestations, the public reports listener, the online platform.
@Suite struct PublicConfigurationTests {
    func platform(_ fixture: ConfigurationFixture) throws -> [String: JSONValue] {
        try Data("0123456789abcdef0123456789abcdef\n".utf8).write(
            to: URL(fileURLWithPath: fixture.path("tls/webhook.secret")))
        return [
            "host": "127.0.0.1", "port": 8081, "database": .string(fixture.path("state/platform.sqlite")),
            "baseURL": "https://cancel.example.org", "webhookSecretFile": .string(fixture.path("tls/webhook.secret")),
            "paymentProvider": "simulated",
        ]
    }

    @Test func absentSectionsStartNothing() throws {
        let fixture = try ConfigurationFixture()
        let configuration = try fixture.load(json: fixture.minimal)
        #expect(configuration.publicReports == nil && configuration.platform == nil)
        #expect(configuration.attestation.signingKeyPath == nil)
        #expect(configuration.attestation.registryName == "CDM Registry")
    }

    @Test func sectionsAreRead() throws {
        let fixture = try ConfigurationFixture()
        var object = fixture.minimal
        object["public"] = ["port": 8080]
        object["platform"] = .object(try platform(fixture))
        object["attestation"] = ["signingKey": .string(fixture.path("tls/registry.key")), "registryName": "Test"]
        let configuration = try fixture.load(json: object)
        #expect(configuration.publicReports?.host == "0.0.0.0" && configuration.publicReports?.port == 8080)
        #expect(configuration.platform?.holdMinutes == 30)
        #expect(configuration.platform?.baseURL == "https://cancel.example.org")
        #expect(configuration.attestation.registryName == "Test")
    }

    @Test(arguments: [
        ("paymentProvider", JSONValue?.none, "is required"),
        ("paymentProvider", JSONValue.string("stripe"), "is not a known provider"),
        ("baseURL", JSONValue.string("cancel.example.org"), "is not an http(s) URL"),
        ("holdMinutes", JSONValue.integer(0), "is not in 1...1440"),
        ("webhookSecretFile", JSONValue.string("/nowhere/secret"), "does not exist"),
    ])
    func platformMistakesAreNamed(key: String, value: JSONValue?, problem: String) throws {
        let fixture = try ConfigurationFixture()
        var section = try platform(fixture)
        section[key] = value
        var object = fixture.minimal
        object["platform"] = .object(section)
        let error = #expect(throws: ConfigurationError.self) { try fixture.load(json: object) }
        #expect(error?.key == "platform.\(key)")
        #expect(error?.problem.contains(problem) == true, "\(error?.problem ?? "")")
    }

    @Test func theMailRelayIsReadWithDefaults() throws {
        let fixture = try ConfigurationFixture()
        var section = try platform(fixture)
        section["mail"] = ["smtpHost": "127.0.0.1", "from": "platform@cancel.example.org"]
        var object = fixture.minimal
        object["platform"] = .object(section)
        let mail = try #require(try fixture.load(json: object).platform?.mail)
        #expect(mail == MailSettings(smtpHost: "127.0.0.1", smtpPort: 25, from: "platform@cancel.example.org"))
        object["platform"] = .object(try platform(fixture))
        #expect(try fixture.load(json: object).platform?.mail == nil, "no [platform.mail]: no e-mail")
    }

    @Test(arguments: [
        ("from", JSONValue?.none, "platform.mail.from", "is required"),
        ("from", JSONValue.string("Platform <platform@example.org>"), "platform.mail.from", "is not an address"),
        ("smtpPort", JSONValue.integer(0), "platform.mail.smtpPort", "is not in 1...65535"),
        ("smtpHost", JSONValue?.none, "platform.mail.smtpHost", "is required when"),
        ("relay", JSONValue.string("x"), "platform.mail.relay", "is not a known key"),
    ])
    func mailMistakesAreNamed(key: String, value: JSONValue?, named: String, problem: String) throws {
        let fixture = try ConfigurationFixture()
        var mail: [String: JSONValue] = ["smtpHost": "127.0.0.1", "from": "platform@cancel.example.org"]
        mail[key] = value
        var section = try platform(fixture)
        section["mail"] = .object(mail)
        var object = fixture.minimal
        object["platform"] = .object(section)
        let error = #expect(throws: ConfigurationError.self) { try fixture.load(json: object) }
        #expect(error?.key == named)
        #expect(error?.problem.contains(problem) == true, "\(error?.problem ?? "")")
    }

    @Test func aPublicHostWithoutPortAndAMissingKeyFileAreNamed() throws {
        let fixture = try ConfigurationFixture()
        var object = fixture.minimal
        object["public"] = ["host": "0.0.0.0"]
        let noPort = #expect(throws: ConfigurationError.self) { try fixture.load(json: object) }
        #expect(noPort?.key == "public.port")
        object = fixture.minimal
        object["attestation"] = ["signingKey": .string(fixture.path("tls/none.pem"))]
        let noKey = #expect(throws: ConfigurationError.self) { try fixture.load(json: object) }
        #expect(noKey?.key == "attestation.signingKey")
    }
}

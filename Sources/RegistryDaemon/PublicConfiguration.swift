import Foundation
import RegistryAdmin

/// The public face's settings: attestations, the public reports listener and the online platform (issue 7).
public struct AttestationSettings: Sendable {
    /// PEM private key (Ed25519 or P-256); without one no attestation is issued and `status` says so.
    public var signingKeyPath: String?
    /// PEM public key of an earlier signing key: documents it signed still verify after a key change.
    public var previousPublicKeyPath: String?
    /// The issuer's name printed on every attestation.
    public var registryName: String

    public init(signingKeyPath: String? = nil, previousPublicKeyPath: String? = nil, registryName: String = "CDM Registry") {
        self.signingKeyPath = signingKeyPath
        self.previousPublicKeyPath = previousPublicKeyPath
        self.registryName = registryName
    }
}

/// A plain HTTP listener for the public (no client certificate): any host may be bound.
public struct PublicListen: Sendable {
    public var host: String
    public var port: Int

    public init(host: String, port: Int) {
        self.host = host
        self.port = port
    }
}

public struct PlatformSettings: Sendable {
    public var listen: PublicListen
    /// The platform's own SQLite file (offers, orders, payments); it never holds ledger data.
    public var databasePath: String
    /// Where buyers reach the platform (links, payment return and webhook URLs are built from it).
    public var baseURL: String
    public var holdMinutes: Int
    /// File with the secret shared with the payment provider (HMAC-SHA256 of webhooks), at least 16 bytes.
    public var webhookSecretPath: String
    /// Only "simulated" today: the provider is an interface, and the simulated one is what tests and demos use.
    public var paymentProvider: String
    /// `[platform.mail]`: buyers' e-mails through this SMTP relay; nil: no e-mail.
    public var mail: MailSettings?

    public init(
        listen: PublicListen, databasePath: String, baseURL: String, holdMinutes: Int, webhookSecretPath: String,
        paymentProvider: String, mail: MailSettings? = nil
    ) {
        self.listen = listen
        self.databasePath = databasePath
        self.baseURL = baseURL
        self.holdMinutes = holdMinutes
        self.webhookSecretPath = webhookSecretPath
        self.paymentProvider = paymentProvider
        self.mail = mail
    }
}

/// The SMTP relay the platform hands buyers' e-mails to (the machine's own mail server: no TLS, no login).
public struct MailSettings: Hashable, Sendable {
    public var smtpHost: String
    public var smtpPort: Int
    /// The envelope sender and From address.
    public var from: String
    /// The name given in EHLO.
    public var heloName: String

    public init(smtpHost: String, smtpPort: Int = 25, from: String, heloName: String = "localhost") {
        self.smtpHost = smtpHost
        self.smtpPort = smtpPort
        self.from = from
        self.heloName = heloName
    }
}

extension ConfigurationReader {
    func attestationSettings() throws(ConfigurationError) -> AttestationSettings {
        AttestationSettings(
            signingKeyPath: try optionalString("attestation.signingKey").map { _ throws(ConfigurationError) in
                try existingFile("attestation.signingKey")
            },
            previousPublicKeyPath: try optionalString("attestation.previousPublicKey").map {
                _ throws(ConfigurationError) in try existingFile("attestation.previousPublicKey")
            },
            registryName: try string("attestation.registryName", default: "CDM Registry"))
    }

    /// `[public] host, port`: nil when the section is absent (no public listener).
    func publicListen(_ section: String) throws(ConfigurationError) -> PublicListen? {
        guard let port = try optionalInteger("\(section).port") else {
            if try optionalString("\(section).host") != nil {
                throw ConfigurationError(key: "\(section).port", problem: "is required when \(section).host is set")
            }
            return nil
        }
        guard (0...65535).contains(port) else {
            throw ConfigurationError(key: "\(section).port", problem: "\(port) is not in 0...65535")
        }
        return PublicListen(host: try string("\(section).host", default: "0.0.0.0"), port: port)
    }

    func platformSettings() throws(ConfigurationError) -> PlatformSettings? {
        guard let listen = try publicListen("platform") else { return nil }
        let baseURL = try string("platform.baseURL")
        guard let url = URL(string: baseURL), ["http", "https"].contains(url.scheme ?? ""), url.host != nil else {
            throw ConfigurationError(key: "platform.baseURL", problem: "'\(baseURL)' is not an http(s) URL with a host")
        }
        // No default: the only provider built in takes no money, so choosing it must be deliberate.
        let provider = try string("platform.paymentProvider")
        guard provider == "simulated" else {
            throw ConfigurationError(
                key: "platform.paymentProvider", problem: "'\(provider)' is not a known provider ('simulated')")
        }
        return PlatformSettings(
            listen: listen, databasePath: try storePath("platform.database"), baseURL: baseURL,
            holdMinutes: try integer("platform.holdMinutes", default: 30, in: 1...1440),
            webhookSecretPath: try existingFile("platform.webhookSecretFile"), paymentProvider: provider,
            mail: try mailSettings())
    }

    /// `[platform.mail] smtpHost, smtpPort, from, heloName`: nil when `smtpHost` is absent.
    func mailSettings() throws(ConfigurationError) -> MailSettings? {
        guard let host = try optionalString("platform.mail.smtpHost") else {
            for key in ["smtpPort", "from", "heloName"] where value("platform.mail.\(key)") != nil {
                throw ConfigurationError(
                    key: "platform.mail.smtpHost", problem: "is required when platform.mail.\(key) is set")
            }
            return nil
        }
        guard !host.isEmpty, !host.contains(where: \.isWhitespace) else {
            throw ConfigurationError(key: "platform.mail.smtpHost", problem: "'\(host)' is not a host name or address")
        }
        let from = try string("platform.mail.from")
        let parts = from.split(separator: "@", omittingEmptySubsequences: false)
        guard parts.count == 2, !parts[0].isEmpty, parts[1].contains("."),
            !from.contains(where: { $0.isWhitespace || "<>\"".contains($0) })
        else {
            throw ConfigurationError(
                key: "platform.mail.from", problem: "'\(from)' is not an address like platform@example.org")
        }
        let helo = try string("platform.mail.heloName", default: "localhost")
        guard !helo.isEmpty, !helo.contains(where: \.isWhitespace) else {
            throw ConfigurationError(key: "platform.mail.heloName", problem: "'\(helo)' is not a host name")
        }
        return MailSettings(
            smtpHost: host, smtpPort: try integer("platform.mail.smtpPort", default: 25, in: 1...65535), from: from,
            heloName: helo)
    }
}

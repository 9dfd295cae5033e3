import Foundation
import Logging
import RegistryAttestation
import RegistryCore
import RegistryEngine
import RegistryPlatform
import RegistryPublic
import RegistryStore
import RegistryWeb

/// The registry's public face, started with the daemon: attestations always; the public reports listener and the
/// online platform when configured. Each listener is plain HTTP (a reverse proxy terminates TLS in production).
public struct PublicFace: Sendable {
    public let attestations: AttestationService
    public let reports: WebServer?
    public let platformServer: WebServer?
    public let platform: OnlinePlatform?
    let reportsHandler: PublicReports?

    /// The bound ports (the configuration may say 0).
    public var reportsPort: Int? { reports?.port }
    public var platformPort: Int? { platformServer?.port }

    static func start(
        configuration: DaemonConfiguration, engine: RegistryEngine, store: SQLiteRegistryStore, clock: RegistryClock,
        logger: Logger
    ) async throws -> PublicFace {
        let settings = configuration.attestation
        let signingKey = try settings.signingKeyPath.map { path throws in try AttestationSigningKey(pemFile: path) }
        let previous = try settings.previousPublicKeyPath.map { path throws in
            try AttestationVerificationKey(pemFile: path)
        }
        if signingKey == nil {
            logger.warning("no [attestation] signingKey: completed voluntary cancellations get no attestation yet")
        }
        let attestations = AttestationService(
            store: store, signingKey: signingKey, previousKeys: previous.map { [$0] } ?? [],
            registryName: settings.registryName, clock: clock, logger: Logger(label: "cdm-registry.attestation"))
        await attestations.catchUp()
        await engine.onFinal(of: [.cancellation]) { id, status in
            guard status == .completed else { return }
            Task { await attestations.issueAfterCompletion(of: id) }
        }

        var reportsHandler: PublicReports?
        var reports: WebServer?
        if let listen = configuration.publicReports {
            let handler = try PublicReports(
                storePath: configuration.storePath, logger: Logger(label: "cdm-registry.public"))
            reportsHandler = handler
            reports = try await WebServer.start(
                host: listen.host, port: listen.port, handler: handler, logger: Logger(label: "cdm-registry.public"))
        }
        var platform: OnlinePlatform?
        var platformServer: WebServer?
        if let settings = configuration.platform {
            do {
                (platform, platformServer) = try await startPlatform(
                    settings, engine: engine, store: store, attestations: attestations, clock: clock)
            } catch {
                await reports?.shutdown()
                throw error
            }
        }
        return PublicFace(
            attestations: attestations, reports: reports, platformServer: platformServer, platform: platform,
            reportsHandler: reportsHandler)
    }

    private static func startPlatform(
        _ settings: PlatformSettings, engine: RegistryEngine, store: SQLiteRegistryStore,
        attestations: AttestationService, clock: RegistryClock
    ) async throws -> (OnlinePlatform, WebServer) {
        let secretText = try String(contentsOfFile: settings.webhookSecretPath, encoding: .utf8)
        let secret = Array(secretText.trimmingCharacters(in: .whitespacesAndNewlines).utf8)
        let now: @Sendable () -> Date = { clock.now.date }
        let provider = SimulatedPaymentProvider(baseURL: settings.baseURL, secret: secret, clock: now)
        Logger(label: "cdm-registry.platform").warning(
            "online platform with the SIMULATED payment provider: its pay page takes no money (tests, demonstrations)")
        let platform = try OnlinePlatform(
            store: try PlatformStore(path: settings.databasePath),
            registry: EnginePlatformRegistry(engine: engine, store: store, attestations: attestations),
            payments: provider,
            configuration: PlatformConfiguration(
                baseURL: settings.baseURL, webhookSecret: secret, holdDuration: TimeInterval(settings.holdMinutes * 60),
                clock: now),
            mail: settings.mail.map { mail in
                SMTPMailTransport(host: mail.smtpHost, port: mail.smtpPort, from: mail.from, heloName: mail.heloName)
            },
            logger: Logger(label: "cdm-registry.platform"))
        await platform.resume()
        let server = try await WebServer.start(
            host: settings.listen.host, port: settings.listen.port,
            handler: PlatformWeb(
                platform: platform, simulatedPayments: provider, logger: Logger(label: "cdm-registry.platform")),
            logger: Logger(label: "cdm-registry.platform"))
        return (platform, server)
    }

    /// Stops accepting on the public listeners, then closes the read-only store connections.
    public func shutdown() async {
        await platformServer?.shutdown()
        await reports?.shutdown()
        try? reportsHandler?.close()
    }
}

import Foundation
import RegistryCore
import RegistryNet

/// The JSON configuration of `itl-sim` and `registry-sim` (given with `--config`).
///
/// One shape for both; the ITL ignores `ruleFile` and `accounts`, a registry ignores `registries`.
public struct SimulatorConfiguration: Codable, Sendable {
    public struct Listen: Codable, Sendable {
        public var host: String
        public var port: Int
        public var path: String?
    }

    /// A party this simulator talks to: its code, DES endpoint and the certificate name it is recognised by.
    public struct Peer: Codable, Sendable {
        public var code: String
        public var url: String
        /// The certificate subject CN (development certificates), or else `subjectAlternativeURI`.
        public var commonName: String?
        public var subjectAlternativeURI: String?
    }

    /// The plain-HTTP admin endpoint for test harnesses; loopback only. Port 0: the kernel picks one.
    public struct Admin: Codable, Sendable {
        public var host: String?
        public var port: Int
    }

    /// Retries of the messages a simulator sends on its own (`OrderedDelivery`); absent keys take the defaults.
    public struct Retry: Codable, Sendable {
        public var initialMilliseconds: Int?
        public var maximumMilliseconds: Int?
        public var maximumAttempts: Int?
    }

    public struct Account: Codable, Sendable {
        public var identifier: Int64
        public var type: Int
        public var open: Bool?
        public var eligibleUnitTypes: [Int]?
    }

    public var code: String
    public var listen: Listen
    public var tls: TLSIdentity
    public var peers: [Peer]
    public var databasePath: String
    /// The simulated time at start-up (ISO 8601); it then runs at the wall clock's pace. Absent: the real time.
    public var clockStart: String?
    /// ITL only: registries it knows, with `operational` or `notOperational`.
    public var registries: [String: String]?
    /// ITL only: seconds an acquiring registry may stay silent before the proposal is cancelled (default 24 h).
    public var acquiringResponseTimeoutSeconds: Double?
    /// ITL only: how often the relay looks for unanswered proposals to cancel (default 60 s).
    public var acquiringResponseSweepSeconds: Double?
    /// ITL only: start a reconciliation with every operational registry this often (absent: only on command).
    public var reconciliationIntervalSeconds: Double?
    /// ITL only: a reconciliation phase without the registry's answer this long ends it (default 60 s).
    public var reconciliationPhaseTimeoutSeconds: Double?
    /// Optional admin endpoint (absent: none is started).
    public var admin: Admin?
    /// Optional retry policy (absent: 100 ms initial, 2000 ms maximum, 20 attempts).
    public var retry: Retry?
    /// Registry only: the peer rule file its Party policy comes from (deploy/peer-rules.json format).
    public var ruleFile: String?
    /// Registry only: accounts opened at start when missing.
    public var accounts: [Account]?

    /// Reads and validates a configuration file; the error names the file and what is wrong.
    public static func load(path: String) throws(SimulatorConfigurationError) -> SimulatorConfiguration {
        let data: Data
        do { data = try Data(contentsOf: URL(fileURLWithPath: path)) } catch {
            throw SimulatorConfigurationError(path: path, problem: "cannot be read: \(error.localizedDescription)")
        }
        let configuration: SimulatorConfiguration
        do { configuration = try JSONDecoder().decode(SimulatorConfiguration.self, from: data) } catch {
            throw SimulatorConfigurationError(path: path, problem: "is not a valid configuration: \(error)")
        }
        do { _ = try configuration.registryCode() } catch {
            throw SimulatorConfigurationError(path: path, problem: "code: \(error)")
        }
        return configuration
    }

    public func registryCode() throws(RegistryCodeError) -> RegistryCode { try RegistryCode(code) }

    public func directory() throws(SimulatorConfigurationError) -> PeerDirectory {
        var entries: [PeerDirectory.Entry] = []
        for peer in peers {
            let identity: PeerDirectory.ExpectedIdentity
            if let name = peer.commonName {
                identity = .commonName(name)
            } else if let uri = peer.subjectAlternativeURI {
                identity = .subjectAlternativeName(.uri(uri))
            } else {
                throw SimulatorConfigurationError(
                    path: "peers", problem: "peer \(peer.code) has neither commonName nor subjectAlternativeURI")
            }
            entries.append(PeerDirectory.Entry(registryCode: peer.code, expectedIdentity: identity, url: peer.url))
        }
        do { return try PeerDirectory(entries: entries) } catch {
            throw SimulatorConfigurationError(path: "peers", problem: error.description)
        }
    }

    /// The simulated clock: `clockStart` plus the time elapsed since this call.
    public func clock() throws(SimulatorConfigurationError) -> @Sendable () -> Date {
        guard let clockStart else { return { Date() } }
        guard let start = ISO8601DateFormatter().date(from: clockStart) else {
            throw SimulatorConfigurationError(path: "clockStart", problem: "'\(clockStart)' is not an ISO 8601 instant")
        }
        let origin = Date()
        return { start.addingTimeInterval(Date().timeIntervalSince(origin)) }
    }

    /// The delivery retry policy; refuses non-positive values and an initial wait above the maximum.
    public func retryPolicy() throws(SimulatorConfigurationError) -> DeliveryRetryPolicy {
        let standard = DeliveryRetryPolicy.standard
        guard let retry else { return standard }
        let initial = retry.initialMilliseconds ?? 100
        let maximum = retry.maximumMilliseconds ?? 2000
        let attempts = retry.maximumAttempts ?? standard.maximumAttempts
        guard initial > 0, maximum >= initial, maximum <= 3_600_000 else {
            throw SimulatorConfigurationError(
                path: "retry",
                problem: "needs 0 < initialMilliseconds (\(initial)) <= maximumMilliseconds (\(maximum)) <= 3600000")
        }
        guard attempts >= 1 else {
            throw SimulatorConfigurationError(path: "retry.maximumAttempts", problem: "\(attempts) is not at least 1")
        }
        return DeliveryRetryPolicy(
            initial: .milliseconds(initial), maximum: .milliseconds(maximum), maximumAttempts: attempts)
    }

    /// The ITL's sweep interval for unanswered proposals.
    public func sweepInterval() throws(SimulatorConfigurationError) -> Duration {
        let seconds = acquiringResponseSweepSeconds ?? 60
        guard seconds.isFinite, seconds > 0, seconds <= 86_400 else {
            throw SimulatorConfigurationError(
                path: "acquiringResponseSweepSeconds", problem: "\(seconds) is not between 0 (excluded) and 86400")
        }
        return .milliseconds(Int64((seconds * 1000).rounded(.up)))
    }

    /// The reconciliation schedule: nil when `reconciliationIntervalSeconds` is absent (reconcile on command).
    public func reconciliationInterval() throws(SimulatorConfigurationError) -> Duration? {
        guard let seconds = reconciliationIntervalSeconds else { return nil }
        return try Self.seconds(seconds, "reconciliationIntervalSeconds", maximum: 30 * 86_400)
    }

    /// The phase time-out of reconciliations (default 60 s).
    public func reconciliationPhaseTimeout() throws(SimulatorConfigurationError) -> Duration {
        try Self.seconds(reconciliationPhaseTimeoutSeconds ?? 60, "reconciliationPhaseTimeoutSeconds", maximum: 86_400)
    }

    private static func seconds(_ seconds: Double, _ key: String, maximum: Double) throws(SimulatorConfigurationError)
        -> Duration
    {
        guard seconds.isFinite, seconds > 0, seconds <= maximum else {
            throw SimulatorConfigurationError(
                path: key, problem: "\(seconds) is not between 0 (excluded) and \(Int(maximum))")
        }
        return .milliseconds(Int64((seconds * 1000).rounded(.up)))
    }

    public func registryStates() throws(SimulatorConfigurationError) -> [RegistryCode: ITLRegistryState] {
        var states: [RegistryCode: ITLRegistryState] = [:]
        for (code, state) in registries ?? [:] {
            guard let registry = try? RegistryCode(code) else {
                throw SimulatorConfigurationError(path: "registries", problem: "'\(code)' is not a registry code")
            }
            switch state {
            case "operational": states[registry] = .operational
            case "notOperational": states[registry] = .notOperational
            default:
                throw SimulatorConfigurationError(
                    path: "registries.\(code)", problem: "'\(state)' is neither operational nor notOperational")
            }
        }
        return states
    }
}

public struct SimulatorConfigurationError: Error, Hashable, Sendable, CustomStringConvertible {
    public var path: String
    public var problem: String
    public var description: String { "configuration \(path) \(problem)" }
}

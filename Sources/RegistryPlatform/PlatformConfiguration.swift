import Foundation

/// The platform's settings, read once at start-up by the daemon and passed down.
public struct PlatformConfiguration: Sendable {
    /// Where buyers reach the platform, without a trailing slash (`https://cancel.example.org`): order pages'
    /// links, the payment return URL and the simulated provider's webhook target are built from it.
    public var baseURL: String
    /// How long an order holds its units while the buyer pays (issue 7: bounded, 30 minutes by default).
    public var holdDuration: TimeInterval
    /// The secret shared with the payment provider for webhook signatures.
    public var webhookSecret: [UInt8]
    /// How far a webhook's signed timestamp may be from now.
    public var signatureTolerance: TimeInterval
    /// The platform's clock; tests move it to expire orders and offers without sleeping.
    public var clock: @Sendable () -> Date
    /// Origins of the payment provider's pages (`https://pay.example.com`): the order form's 303 goes there, and
    /// browsers apply the form's CSP `form-action` to that redirect, so the offer page allows them.
    public var paymentOrigins: [String]

    public init(
        baseURL: String, webhookSecret: [UInt8], holdDuration: TimeInterval = 30 * 60,
        signatureTolerance: TimeInterval = WebhookSignature.defaultTolerance,
        paymentOrigins: [String] = [], clock: @escaping @Sendable () -> Date = { Date() }
    ) {
        var base = baseURL
        while base.hasSuffix("/") { base.removeLast() }
        self.baseURL = base
        self.webhookSecret = webhookSecret
        self.holdDuration = holdDuration
        self.signatureTolerance = signatureTolerance
        self.paymentOrigins = paymentOrigins
        self.clock = clock
    }

    /// Refuses settings the platform cannot run with, naming the setting.
    public func check() throws(PlatformError) {
        guard baseURL.hasPrefix("http://") || baseURL.hasPrefix("https://") else {
            throw .invalidInput(field: "base URL", "'\(baseURL)' is not an http:// or https:// URL")
        }
        guard webhookSecret.count >= 16 else {
            throw .invalidInput(field: "webhook secret", "must be at least 16 bytes (it has \(webhookSecret.count))")
        }
        guard holdDuration >= 60, holdDuration <= 24 * 3600 else {
            throw .invalidInput(field: "hold duration", "must be between 1 minute and 24 hours")
        }
        for origin in paymentOrigins {
            let allowed = origin.unicodeScalars.allSatisfy {
                $0.isASCII
                    && ($0.properties.isAlphabetic || ("0"..."9").contains($0) || ":/.-".unicodeScalars.contains($0))
            }
            guard origin.hasPrefix("https://") || origin.hasPrefix("http://"), allowed else {
                throw .invalidInput(
                    field: "payment origins", "'\(origin)' is not an origin like https://pay.example.com")
            }
        }
        guard signatureTolerance > 0, signatureTolerance <= 3600 else {
            throw .invalidInput(field: "signature tolerance", "must be between 0 and 1 hour")
        }
    }
}

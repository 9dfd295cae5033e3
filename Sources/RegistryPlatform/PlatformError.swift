import Foundation

/// Why the platform refused or failed. The description is shown to the holder or buyer as it is, so it names what
/// was wrong in plain words; whenever one of these is thrown, nothing was changed.
public enum PlatformError: Error, Hashable, Sendable, CustomStringConvertible {
    /// A form or command field was wrong; `field` names it (the pages put the message next to that field).
    case invalidInput(field: String, String)
    /// Fewer units are free on the offer than asked for; ordering `available` units would work now.
    case notEnoughUnits(available: Int64)
    case offerNotFound(Int64)
    /// The offer was withdrawn, expired or has reached its validity end.
    case offerClosed(Int64, OfferStatus)
    case orderNotFound
    /// The registry refused (holding, releasing or cancelling units).
    case registry(PlatformRegistryError)
    /// The payment provider could not start a payment.
    case payment(String)
    /// The platform's own database failed.
    case store(String)

    public var description: String {
        switch self {
        case .invalidInput(let field, let message): "\(field): \(message)"
        case .notEnoughUnits(let available):
            available == 0
                ? "no units of this offer are available now"
                : "only \(available) unit\(available == 1 ? " is" : "s are") available"
        case .offerNotFound(let id): "there is no offer \(id)"
        case .offerClosed(let id, let status): "offer \(id) is \(status) and takes no more orders"
        case .orderNotFound: "there is no such order"
        case .registry(let error): "the registry refused: \(error.description)"
        case .payment(let message): "the payment could not be started: \(message)"
        case .store(let message): "the platform's database failed: \(message)"
        }
    }

    /// The input field the error is about, if any (for `aria-describedby` on the form).
    public var field: String? {
        switch self {
        case .invalidInput(let field, _): field
        case .notEnoughUnits: "quantity"
        default: nil
        }
    }
}

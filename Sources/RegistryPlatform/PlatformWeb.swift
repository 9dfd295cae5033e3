import Foundation
import Logging
import RegistryCore
import RegistryWeb

/// The platform's pages and its webhook, plugged into a `WebServer`: server-rendered HTML, no JavaScript.
///
/// Routes: GET `/`, GET `/offers/<id>`, POST `/offers/<id>/orders`, GET `/orders/<token>`,
/// GET `/orders/<token>/attestation`, POST `/payments/webhook`, and with the simulated provider
/// GET/POST `/simulated-payments/<id>`.
public struct PlatformWeb: WebHandler {
    let platform: OnlinePlatform
    let simulatedPayments: SimulatedPaymentProvider?
    let logger: Logger

    /// `simulatedPayments` serves the simulated provider's pay pages; pass nil with a real provider.
    public init(platform: OnlinePlatform, simulatedPayments: SimulatedPaymentProvider? = nil, logger: Logger) {
        self.platform = platform
        self.simulatedPayments = simulatedPayments
        self.logger = logger
    }

    static func navigation(current: String?) -> [WebPage.Link] {
        [WebPage.Link("Offers", href: "/", current: current == "/")]
    }

    public func respond(to request: WebRequest) async -> WebResponse {
        let method = request.method == "HEAD" ? "GET" : request.method
        let path = request.path
        do {
            switch (method, path.count, path.first) {
            case ("GET", 0, _):
                return try offers(request)
            case ("GET", 2, "offers"):
                return try offer(path[1])
            case ("POST", 3, "offers") where path[2] == "orders":
                return try await order(offer: path[1], request)
            case ("GET", 2, "orders"):
                return try await orderPage(path[1])
            case ("GET", 3, "orders") where path[2] == "attestation":
                return try await attestation(path[1])
            case ("POST", 2, "payments") where path[1] == "webhook":
                let receipt = await platform.receiveWebhook(
                    body: request.body, signatureHeader: request.header(WebhookSignature.headerName))
                return .text(receipt.message + "\n", status: receipt.status)
            case ("GET", 2, "simulated-payments"):
                return await simulatedPayment(path[1])
            case ("POST", 2, "simulated-payments"):
                return await settleSimulatedPayment(path[1], request)
            case ("GET", 1, "holder"):
                return try await holder(request)
            case ("POST", 2, "holder") where ["sign-in", "sign-out", "offers"].contains(path[1]),
                ("POST", 4, "holder") where path[1] == "offers" && path[3] == "withdraw":
                return try await holderAction(path, request)
            case (_, 1, "holder"):
                return .methodNotAllowed(allowed: ["GET", "HEAD"])
            case (_, 2, "holder") where ["sign-in", "sign-out", "offers"].contains(path[1]),
                (_, 4, "holder") where path[1] == "offers" && path[3] == "withdraw":
                return .methodNotAllowed(allowed: ["POST"])
            case (_, 0, _), (_, 2, "offers"), (_, 2, "orders"), (_, 3, "orders"), (_, 2, "simulated-payments"):
                return .methodNotAllowed(allowed: ["GET", "HEAD"])
            case (_, 3, "offers"), (_, 2, "payments"):
                return .methodNotAllowed(allowed: ["POST"])
            default:
                return .notFound
            }
        } catch {
            logger.error("platform page \(request.method) /\(path.joined(separator: "/")) failed: \(error)")
            return .error(status: 500, message: "The platform could not answer: \(error.description)")
        }
    }

    private func offers(_ request: WebRequest) throws(PlatformError) -> WebResponse {
        let query = OfferQuery(request.query)
        let facets = try platform.facets()
        guard query.error == nil else {
            return .html(
                OfferListPage.render(query: query, listing: nil, facets: facets, now: platform.now), status: 400)
        }
        let listing = try platform.offers(query.filter)
        return .html(OfferListPage.render(query: query, listing: listing, facets: facets, now: platform.now))
    }

    private func offer(_ text: String) throws(PlatformError) -> WebResponse {
        guard let id = Int64(text), let offer = try platform.offer(id) else { return .notFound }
        return withFormAction(.html(OfferPage.render(offer: offer, now: platform.now)))
    }

    /// The listener's CSP with `form-action` widened to the payment provider's origins: the order form's 303 leads
    /// there, and browsers check that redirect against the form page's `form-action`.
    private func withFormAction(_ response: WebResponse) -> WebResponse {
        let origins = platform.configuration.paymentOrigins
        guard !origins.isEmpty else { return response }
        var response = response
        let policy =
            "default-src 'none'; style-src 'self' 'unsafe-inline'; img-src 'self'; form-action 'self' "
            + origins.joined(separator: " ") + "; frame-ancestors 'none'"
        response.headers.append(("Content-Security-Policy", policy))
        return response
    }

    private func order(offer text: String, _ request: WebRequest) async throws(PlatformError) -> WebResponse {
        guard let id = Int64(text), let offer = try platform.offer(id) else { return .notFound }
        let form: FormData
        do { form = try FormData(request: request) } catch {
            return .html(
                OfferPage.render(
                    offer: offer, now: platform.now, error: .invalidInput(field: "form", error.description)),
                status: 400)
        }
        var values: [String: String] = [:]
        for name in ["quantity", "beneficiary", "purpose", "email"] {
            values[name] = form.values(name).last ?? ""
        }
        do throws(PlatformError) {
            let quantityText = values["quantity", default: ""].trimmingCharacters(in: .whitespaces)
            guard let quantity = Int64(quantityText) else {
                throw PlatformError.invalidInput(
                    field: "quantity", quantityText.isEmpty ? "is required" : "'\(quantityText)' is not a whole number")
            }
            let order = try await platform.purchase(
                PurchaseRequest(
                    offerID: id, quantity: quantity, beneficiary: values["beneficiary", default: ""],
                    purpose: values["purpose", default: ""], email: values["email", default: ""]))
            return .redirect(to: order.paymentURL ?? platform.orderURL(order))
        } catch {
            let status: Int
            switch error {
            case .invalidInput: status = 422
            case .notEnoughUnits, .offerClosed: status = 409
            case .payment: status = 503
            case .store, .registry: throw error
            default: status = 400
            }
            let current = try platform.offer(id) ?? offer
            return .html(
                OfferPage.render(offer: current, now: platform.now, form: values, error: error), status: status)
        }
    }

    private func orderPage(_ token: String) async throws(PlatformError) -> WebResponse {
        guard let order = try await platform.order(token: token) else { return .notFound }
        var response = WebResponse.html(OrderPage.render(order: order, offer: try platform.offer(order.offerID)))
        // The token is the only key to the order: never cached by shared caches, never sent on as a referrer.
        response.headers.append(("Cache-Control", "no-store"))
        return response
    }

    private func attestation(_ token: String) async throws(PlatformError) -> WebResponse {
        guard let found = try await platform.attestation(token: token) else {
            return .error(status: 404, message: "There is no attestation for this order (yet).")
        }
        return WebResponse(
            status: 200,
            headers: [
                ("Content-Type", "text/html; charset=utf-8"),
                ("Content-Disposition", "attachment; filename=\"attestation-\(found.order.number).html\""),
                ("Cache-Control", "no-store"),
            ], body: Array(found.document.utf8))
    }

    private func simulatedPayment(_ id: String) async -> WebResponse {
        guard let simulatedPayments, let payment = await simulatedPayments.payment(id) else { return .notFound }
        return .html(SimulatedPaymentPage.render(payment))
    }

    private func settleSimulatedPayment(_ id: String, _ request: WebRequest) async -> WebResponse {
        guard let simulatedPayments, let payment = await simulatedPayments.payment(id) else { return .notFound }
        let decision: String?
        do { decision = try FormData(request: request).value("decision") } catch {
            return .html(SimulatedPaymentPage.render(payment, error: error.description), status: 400)
        }
        // A second press (double click, reload) changes nothing and leads to the order, like a real provider.
        guard payment.state == .open else { return .redirect(to: payment.request.returnURL) }
        guard decision == "pay" || decision == "decline" else {
            return .html(SimulatedPaymentPage.render(payment, error: "Choose Pay or Decline."), status: 400)
        }
        do {
            let settlement = try await simulatedPayments.settle(id, succeeded: decision == "pay")
            return .redirect(to: settlement.returnURL)
        } catch {
            let current = await simulatedPayments.payment(id) ?? payment
            return .html(SimulatedPaymentPage.render(current, error: error.description), status: 502)
        }
    }
}

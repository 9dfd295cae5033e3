import Foundation
import RegistryCore
import RegistryWeb

/// GET `/offers/<id>`: the project's details, what is available now, and the order form. A refused order re-renders
/// this page with the buyer's input kept and the message next to the field at fault.
enum OfferPage {
    static func render(offer: Offer, now: Date, form: [String: String] = [:], error: PlatformError? = nil) -> String {
        let units = offer.units
        let available = offer.available(at: now)
        var main = "<dl>"
        func row(_ term: String, _ value: String) {
            main += "<dt>\(HTML.escape(term))</dt><dd>\(HTML.escape(value))</dd>"
        }
        row("Project", "\(units.projectTitle) (project \(units.project))")
        row("Project type", units.projectType)
        row("Host country", units.hostParty)
        row("Units", "\(units.unitType), commitment period \(units.commitmentPeriod.rawValue)")
        row("Vintage", String(units.vintage))
        row("Offered by", offer.seller)
        row("Price per unit", offer.pricePerUnit.description)
        row("Available now", "\(available) of \(offer.quantity) units")
        row("Offer valid until", OnlinePlatform.timestamp(offer.validUntil))
        main += "</dl>"
        guard available > 0 else {
            let reason =
                offer.status == .open && now < offer.validUntil
                ? "No units are available now." : "This offer has ended."
            main += "<p role=\"status\">\(reason) <a href=\"/\">See the other offers</a>.</p>"
            return page(offer, main)
        }
        main += orderForm(offer: offer, available: available, form: form, error: error)
        return page(offer, main)
    }

    private static func page(_ offer: Offer, _ main: String) -> String {
        WebPage.layout(
            title: "Offer \(offer.id): \(offer.units.projectTitle)", main: main,
            navigation: PlatformWeb.navigation(current: nil))
    }

    private static func orderForm(offer: Offer, available: Int64, form: [String: String], error: PlatformError?)
        -> String
    {
        func message(_ field: String) -> String? { error?.field == field ? error?.description : nil }
        var html = "<h2 id=\"order-heading\">Order the cancellation of units</h2>"
        html += FormField.summary(error)
        html += "<form method=\"post\" action=\"/offers/\(offer.id)/orders\" aria-labelledby=\"order-heading\">"
        html += FormField(
            "quantity", label: "Number of units", value: form["quantity"], error: message("quantity"),
            hint: "1 to \(available); each unit is one tonne of CO2 equivalent; \(offer.pricePerUnit) per unit"
        ).input("type=\"number\" inputmode=\"numeric\" min=\"1\" max=\"\(available)\" required")
        html += FormField(
            "beneficiary", label: "Cancelled on behalf of", value: form["beneficiary"], error: message("beneficiary"),
            hint: "The person or organisation named on the attestation"
        ).input("type=\"text\" maxlength=\"200\" autocomplete=\"name\" required")
        html += FormField(
            "purpose", label: "Purpose", value: form["purpose"], error: message("purpose"),
            hint: "For example: offsetting our 2025 business travel"
        ).input("type=\"text\" maxlength=\"500\" required")
        html += FormField(
            "email", label: "Your e-mail address", value: form["email"], error: message("email"),
            hint: "Where the link to your order and attestation is sent"
        ).input("type=\"email\" autocomplete=\"email\" maxlength=\"254\" required")
        html += "<p><button type=\"submit\">Continue to payment</button></p></form>"
        return html
    }
}

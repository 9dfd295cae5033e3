import Foundation
import RegistryWeb

/// `/holder`: a representative's sign-in form, and once signed in their account's offers with a form to make one.
/// Every form carries the session's CSRF token; the pages are never cached.
enum HolderPage {
    static func signIn(error: String? = nil) -> String {
        var main = "<p>Representatives of holding accounts sign in with the key the registry gave them, to offer "
        main += "their account's units for voluntary cancellation.</p>"
        if let error { main += "<p class=\"error\" role=\"alert\">\(HTML.escape(error))</p>" }
        main += "<form method=\"post\" action=\"/holder/sign-in\" aria-label=\"Sign in\">"
        main += FormField("key", label: "Your key", value: nil, error: error, hint: "It starts with hk_")
            .input("type=\"password\" autocomplete=\"current-password\" maxlength=\"100\" required")
        main += "<p><button type=\"submit\">Sign in</button></p></form>"
        return WebPage.layout(
            title: "Holders: sign in", main: main, navigation: PlatformWeb.navigation(current: nil))
    }

    static func dashboard(
        session: HolderSession, offers: [Offer], now: Date, form: [String: String] = [:],
        error: PlatformError? = nil, notice: String? = nil
    ) -> String {
        let representative = session.representative
        let csrf = "<input type=\"hidden\" name=\"csrf\" value=\"\(HTML.escape(session.csrf))\">"
        var main = "<p>Signed in as <strong>\(HTML.escape(representative.name))</strong> for account "
        main += "<strong>\(HTML.escape(representative.account.description))</strong>.</p>"
        main += "<form method=\"post\" action=\"/holder/sign-out\">\(csrf)"
        main += "<button type=\"submit\">Sign out</button></form>"
        if let notice { main += "<p role=\"status\">\(HTML.escape(notice))</p>" }
        main += "<h2>Your offers</h2>"
        if offers.isEmpty {
            main += "<p>None yet.</p>"
        } else {
            main += "<table><thead><tr><th scope=\"col\">Offer</th><th scope=\"col\">Status</th>"
            main += "<th scope=\"col\">Units</th><th scope=\"col\">Available</th><th scope=\"col\">Sold</th>"
            main += "<th scope=\"col\">Price</th><th scope=\"col\">Valid until</th>"
            main += "<th scope=\"col\">Action</th></tr></thead><tbody>"
            for offer in offers {
                let open = offer.status == .open && now < offer.validUntil
                main += "<tr><td><a href=\"/offers/\(offer.id)\">\(offer.id)</a></td>"
                let status = open ? "open" : offer.status == .open ? "expired" : offer.status.rawValue
                main += "<td>\(HTML.escape(status))</td>"
                main += "<td>\(offer.quantity) \(HTML.escape(offer.units.unitType.description)), project "
                main += "\(offer.units.project)</td><td>\(offer.available(at: now))</td><td>\(offer.sold)</td>"
                main += "<td>\(HTML.escape(offer.pricePerUnit.description))</td>"
                main += "<td>\(HTML.escape(OnlinePlatform.timestamp(offer.validUntil)))</td><td>"
                if open {
                    main += "<form method=\"post\" action=\"/holder/offers/\(offer.id)/withdraw\">\(csrf)"
                    main += "<button type=\"submit\">Withdraw</button></form>"
                }
                main += "</td></tr>"
            }
            main += "</tbody></table>"
        }
        func message(_ field: String) -> String? { error?.field == field ? error?.description : nil }
        main += "<h2 id=\"offer-heading\">Make an offer</h2>"
        main += FormField.summary(error)
        main += "<form method=\"post\" action=\"/holder/offers\" aria-labelledby=\"offer-heading\">\(csrf)"
        main += FormField(
            "quantity", label: "Number of units", value: form["quantity"], error: message("quantity"),
            hint: "Held in the registry at once: they can no longer be transferred until sold or withdrawn"
        ).input("type=\"number\" inputmode=\"numeric\" min=\"1\" required")
        main += FormField(
            "price", label: "Price per unit", value: form["price"], error: message("price"), hint: "For example 4.50"
        ).input("type=\"text\" inputmode=\"decimal\" maxlength=\"20\" required")
        main += FormField(
            "currency", label: "Currency", value: form["currency"] ?? "EUR", error: message("currency"),
            hint: "ISO 4217 code, for example EUR or USD"
        ).input("type=\"text\" maxlength=\"3\" required")
        main += FormField(
            "validUntil", label: "Valid until", value: form["validUntil"], error: message("validUntil"),
            hint: "The last day buyers can order, YYYY-MM-DD"
        ).input("type=\"date\" required")
        main += "<p><button type=\"submit\">Offer the units</button></p></form>"
        return WebPage.layout(
            title: "Holders: your offers", main: main, navigation: PlatformWeb.navigation(current: nil))
    }
}

import RegistryWeb

/// GET `/simulated-payments/<id>`: the simulated provider's pay page, clearly marked as a simulation.
enum SimulatedPaymentPage {
    static func render(_ payment: SimulatedPaymentProvider.Payment, error: String? = nil) -> String {
        var main = "<p><strong>Simulated payment: no money moves.</strong> This page stands in for a payment "
        main += "provider in tests and demonstrations.</p>"
        if let error { main += "<p class=\"error\" role=\"alert\">\(HTML.escape(error))</p>" }
        main += "<dl><dt>Amount</dt><dd>\(HTML.escape(payment.request.amount.description))</dd>"
        main += "<dt>For</dt><dd>\(HTML.escape(payment.request.description))</dd></dl>"
        switch payment.state {
        case .open:
            main += "<form method=\"post\" action=\"/simulated-payments/\(HTML.escape(payment.id))\">"
            main += "<p><button type=\"submit\" name=\"decision\" value=\"pay\">Pay</button> "
            main += "<button type=\"submit\" name=\"decision\" value=\"decline\">Decline</button></p></form>"
        case .paid, .declined, .refunded:
            main += "<p role=\"status\">This payment is \(payment.state.rawValue). "
            main += "<a href=\"\(HTML.escape(payment.request.returnURL))\">Back to the order</a></p>"
        }
        return WebPage.layout(title: "Simulated payment", main: main, siteName: "Simulated payment provider")
    }
}

import Foundation
import RegistryAdmin
import RegistrySandbox
import RegistryTestSupport
import Testing

/// Issue 7 end to end: the online platform sells held units, the daemon cancels them through the ITL, the buyer
/// downloads a signed attestation that `registryctl attestation verify` accepts, and the public reports show it.
@Suite("End to end: attestations, public reports and the online platform", .timeLimit(.minutes(3)))
struct PublicFaceTests {
    static let holder = "CDM-100-5001-0"

    /// docs/screenshots when CDM_UPDATE_SCREENSHOTS=1 (to refresh the ones kept in the repository), else the
    /// network's own folder.
    static func screenshotFolder(_ network: RegistryNetwork) -> String {
        guard ProcessInfo.processInfo.environment["CDM_UPDATE_SCREENSHOTS"] == "1" else { return network.path("") }
        let folder = network.packageRoot.appendingPathComponent("docs/screenshots")
        try? FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        return folder.path
    }

    @Test("a purchase on the platform is cancelled through the ITL; its attestation verifies, a changed byte fails")
    func purchaseToAttestation() async throws {
        let network = try RegistryNetwork(clockStart: "2024-03-01T10:00:00Z", nationalRegistries: ["JP"])
        let web = PublicWeb()
        defer { Task { await web.shutdown() } }
        let mailServer = try await FakeSMTPServer.start()
        defer { Task { await mailServer.stop() } }
        network.platformMailPort = mailServer.port
        try await stopping(network) {
            try await network.start()
            try await network.registerProjectAndIssue(last: 10_000, toHolder: 2_000)

            // A holder's own voluntary cancellation (registryctl) gets an attestation too.
            let direct = try await network.ctl(
                "cancel",
                ["from": .string(Self.holder), "quantity": 100, "beneficiary": "Town of Example", "purpose": "2023"])
            let directID = direct["transaction"]?.stringValue ?? ""
            #expect(try await network.awaitFinal(directID) == 4)
            try await eventually("the registryctl cancellation's attestation is issued") {
                (try? await network.ctl("attestation.show", ["transaction": .string(directID)]))?["number"] != nil
            }

            // The holder's offer: 1,000 units held in the registry, not transferable meanwhile.
            let offer = try await network.registryctl([
                "offer", "create", "--account", Self.holder, "--seller", "Andes Wind Ltd", "--quantity", "1000",
                "--price", "4.50", "--currency", "EUR", "--valid-until", "2024-12-31",
            ])
            let offerID = offer["offer"]?.integerValue ?? 0
            #expect(offer["available"] == 1000)
            #expect(try await network.balance(Self.holder) == 900)
            await #expect(throws: AdminError.self, "held units cannot be transferred") {
                try await network.ctl("transfer", ["from": .string(Self.holder), "to": "JP-100-77-0", "quantity": 901])
            }

            // The buyer: browse with a filter, order, pay with the simulated provider.
            let base = network.platformURL
            let listing = try await web.get("\(base)/?unit=CER&host=CL")
            #expect(listing.status == 200)
            #expect(listing.body.contains("Andes Wind"))
            let ordered = try await web.postForm(
                "\(base)/offers/\(offerID)/orders",
                [
                    ("quantity", "30"), ("beneficiary", "Jane Doe"), ("purpose", "Flights of 2023"),
                    ("email", "jane@example.org"),
                ])
            #expect(ordered.status == 303, "\(ordered.body)")
            let payURL = web.absolute(try #require(ordered.location), base: base)
            #expect(try await web.get(payURL).status == 200)
            let paid = try await web.postForm(payURL, [("decision", "pay")])
            #expect(paid.status == 303, "\(paid.body)")
            let orderURL = web.absolute(try #require(paid.location), base: base)

            var orderPage = try await web.get(orderURL)
            try await eventually("the order completes with its attestation", timeout: .seconds(60)) {
                orderPage = try await web.get(orderURL)
                return orderPage.body.contains("/attestation")
            }
            let document = try await web.get(orderURL + "/attestation")
            #expect(document.status == 200)
            #expect(document.body.contains("Jane Doe") && document.body.contains("Andes Wind"))

            // The buyer's e-mails went to the SMTP relay of [platform.mail]: the order's link, then the attestation's.
            try await eventually("the daemon sends the buyer's two e-mails") {
                mailServer.sessions.filter { $0.data != nil }.count == 2
            }
            let mails = mailServer.sessions.compactMap(\.decodedBody)
            #expect(mailServer.sessions.allSatisfy { $0.commands.contains("RCPT TO:<jane@example.org>") })
            #expect(mailServer.sessions.allSatisfy {
                $0.commands.contains("MAIL FROM:<\(RegistryNetwork.platformMailFrom)>")
            })
            #expect(mails.count == 2 && mails[0].contains(orderURL) && mails[1].contains("\(orderURL)/attestation"))
            // What operators see: the order with its transaction, the two e-mails sent.
            let orders = try await network.registryctl(["orders", "--status", "completed"]).arrayValue ?? []
            #expect(orders.count == 1 && orders.first?["transaction"]?.stringValue?.hasPrefix("CDM") == true)
            #expect(orders.first?["amount"] == "EUR 135.00")
            let sentMail = try await network.registryctl(["mail"]).arrayValue ?? []
            #expect(sentMail.count == 2 && sentMail.allSatisfy { $0["sentAt"]?.stringValue != nil })
            await #expect(throws: AdminError.self, "an unknown status is named") {
                try await network.ctl("orders.list", ["status": "lost"])
            }
            let shown = try await network.registryctl(["order", "show", orders.first?["order"]?.stringValue ?? "-"])
            #expect(shown["email"] == "jane@example.org" && shown["mail"]?.arrayValue?.count == 2)
            await #expect(throws: AdminError.self, "a completed order is owed nothing") {
                try await network.ctl("order.refunded", ["order": shown["order"] ?? "-", "note": "bank transfer"])
            }

            // In a real browser: the offers filtered, the completed order, the attestation as printed.
            let browser = try HeadlessChromium()
            let shots = Self.screenshotFolder(network)
            let filtered = try await browser.capture("\(base)/?unit=CER&host=CL&sort=price", to: "\(shots)/offers-filtered.png")
            #expect(filtered.contains("Andes Wind") && filtered.contains("4.50"), "\(filtered.prefix(400))")
            let phone = try await browser.capture(
                "\(base)/offers/\(offerID)", to: "\(shots)/offer-phone.png", width: 390, height: 1100)
            #expect(phone.contains("<label") && phone.contains("Cancelled on behalf of") && phone.contains("Andes Wind Ltd"))
            let orderDOM = try await browser.capture(orderURL, to: "\(shots)/order-completed.png")
            #expect(orderDOM.contains("Download the attestation"), "\(orderDOM.prefix(400))")
            let holderDOM = try await browser.capture(
                "\(base)/holder", to: "\(shots)/holder-sign-in.png", width: 390, height: 700)
            #expect(holderDOM.contains("<label for=\"key\">") && holderDOM.contains("Sign in"))
            let printed = network.path("attestation-for-browser.html")
            try Data(document.body.utf8).write(to: URL(fileURLWithPath: printed))
            let attestationDOM = try await browser.capture("file://\(printed)", to: "\(shots)/attestation.png")
            #expect(attestationDOM.contains("Jane Doe") && attestationDOM.contains("Flights of 2023"))
            _ = try await browser.capture(
                "\(network.publicReportsURL)/voluntary-cancellations", to: "\(shots)/report-cancellations.png")

            // registryctl attestation verify: genuine -> 0; one changed byte -> 1, and it says why.
            let file = network.path("attestation.html")
            try Data(document.body.utf8).write(to: URL(fileURLWithPath: file))
            let verified = try await network.registryctl(["attestation", "verify", file])
            #expect(verified["verified"] == true)
            #expect(verified["quantity"] == 30)
            var bytes = Array(document.body.utf8)
            let index = try #require(document.body.utf8.firstIndex(of: UInt8(ascii: "3")).map {
                document.body.utf8.distance(from: document.body.utf8.startIndex, to: $0)
            })
            bytes[index] = UInt8(ascii: "4")
            let tampered = network.path("tampered.html")
            try Data(bytes).write(to: URL(fileURLWithPath: tampered))
            let refused = try await network.registryctlStatus(["attestation", "verify", tampered])
            #expect(refused.status == 1, "\(refused.output) \(refused.errors)")
            #expect(refused.errors.contains("signature"))

            // The sold units left the hold and went into 230; the public reports say the same as the ledger.
            #expect(try await network.balance("CDM-230-2230-2") == 130)
            let report = try await web.get("\(network.publicReportsURL)/voluntary-cancellations?format=json")
            #expect(report.status == 200)
            let json = try JSONDecoder().decode(JSONValue.self, from: Data(report.body.utf8))
            #expect(json["total"] == 2, "\(report.body)")
            let quantities = (json["items"]?.arrayValue ?? []).compactMap { $0["quantity"]?.integerValue }
            #expect(quantities.reduce(0, +) == 130)
            #expect(report.body.contains("Jane Doe"))
            let post = try await web.postForm("\(network.publicReportsURL)/voluntary-cancellations", [])
            #expect(post.status == 405, "the public listener never changes anything")

            // Withdrawn: the unsold units go back to the holder, and the three parties agree.
            let withdrawn = try await network.registryctl(["offer", "withdraw", "\(offerID)"])
            #expect(withdrawn["status"]?.stringValue == "withdrawn", "\(withdrawn)")
            try await eventually("the unsold units are back in the holder's account") {
                try await network.balance(Self.holder) == 2_000 - 100 - 30
            }

            // The holder's representative offers units themselves: a key from registryctl, a session at /holder.
            let added = try await network.registryctl([
                "representative", "add", "--account", Self.holder, "--name", "Andes Wind Ltd",
            ])
            let key = try #require(added["key"]?.stringValue)
            let signedIn = try await web.postForm("\(base)/holder/sign-in", [("key", key)])
            #expect(signedIn.status == 303, "\(signedIn.body)")
            let cookie = try #require(signedIn.headers.first(name: "Set-Cookie")?.split(separator: ";").first)
            let dashboard = try await web.get("\(base)/holder", headers: [("Cookie", String(cookie))])
            let csrfStart = try #require(dashboard.body.range(of: "name=\"csrf\" value=\""))
            let csrf = String(dashboard.body[csrfStart.upperBound...].prefix(32))
            let offered = try await web.postForm(
                "\(base)/holder/offers",
                [("quantity", "70"), ("price", "5.00"), ("currency", "EUR"), ("validUntil", "2024-06-30"),
                    ("csrf", csrf)],
                headers: [("Cookie", String(cookie))])
            #expect(offered.status == 303, "\(offered.body)")
            #expect(try await network.balance(Self.holder) == 2_000 - 100 - 30 - 70, "held in the ledger at once")
            let offers = try await network.registryctl(["offer", "list"]).arrayValue ?? []
            let own = try #require(offers.first { $0["seller"] == "Andes Wind Ltd" && $0["quantity"] == 70 })
            let ownID = own["offer"]?.integerValue ?? 0
            let withdrawnOwn = try await web.postForm(
                "\(base)/holder/offers/\(ownID)/withdraw", [("csrf", csrf)], headers: [("Cookie", String(cookie))])
            #expect(withdrawnOwn.status == 303, "\(withdrawnOwn.body)")
            try await eventually("the representative's withdrawn units are back") {
                try await network.balance(Self.holder) == 2_000 - 100 - 30
            }
            let platformStatus = try await network.registryctl(["status"])["platform"]
            #expect(platformStatus?["representatives"] == 1 && platformStatus?["ordersOwedRefund"] == 0)
            #expect(platformStatus?["mailWaiting"] == 0 && platformStatus?["ordersInProgress"] == 0)
            try await network.expectThreeWayAgreement()
        }
    }
}

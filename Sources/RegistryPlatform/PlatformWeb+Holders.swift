import Foundation
import RegistryCore
import RegistryWeb

/// `/holder`: representatives sign in with their key (a session cookie, HttpOnly, SameSite=Strict, an hour), see
/// their account's offers, make and withdraw offers. Every POST but the sign-in carries the session's CSRF token.
extension PlatformWeb {
    static let sessionCookie = "cdm_holder"

    func holder(_ request: WebRequest) async throws(PlatformError) -> WebResponse {
        guard let (session, _) = try currentSession(request) else { return Self.private(.html(HolderPage.signIn())) }
        let notice = request.query["done"].flatMap { done in
            switch done {
            case "offered": "The offer is open; its units are held in the registry."
            case "withdrawn": "The offer is withdrawn; what was not sold is back in the account."
            default: nil
            }
        }
        return Self.private(
            .html(
                HolderPage.dashboard(
                    session: session, offers: try platform.holderOffers(session), now: platform.now, notice: notice)))
    }

    func holderAction(_ path: [String], _ request: WebRequest) async throws(PlatformError) -> WebResponse {
        let form: FormData
        do { form = try FormData(request: request) } catch {
            return Self.private(.html(HolderPage.signIn(error: error.description), status: 400))
        }
        if path[1] == "sign-in" {
            guard let (token, _) = try platform.signIn(key: (try? form.value("key")) ?? "") else {
                return Self.private(.html(HolderPage.signIn(error: "That key is not valid."), status: 401))
            }
            var response = WebResponse.redirect(to: "/holder")
            response.headers.append(("Set-Cookie", cookie(token, maxAge: Int(OnlinePlatform.holderSessionLifetime))))
            return Self.private(response)
        }
        guard let (session, token) = try currentSession(request) else {
            return Self.private(.html(HolderPage.signIn(error: "Please sign in again."), status: 401))
        }
        guard let csrf = try? form.value("csrf"), Self.same(csrf, session.csrf) else {
            return Self.private(.error(status: 403, message: "The form is not from this session; reload the page."))
        }
        switch path[1] {
        case "sign-out":
            try platform.signOut(token: token)
            var response = WebResponse.redirect(to: "/holder")
            response.headers.append(("Set-Cookie", cookie("", maxAge: 0)))
            return Self.private(response)
        case "offers" where path.count == 4:
            guard let id = Int64(path[2]) else { return .notFound }
            do {
                _ = try await platform.withdrawHolderOffer(session, offer: id)
            } catch .offerNotFound {
                return Self.private(.notFound)
            } catch {
                // Withdrawn or ended meanwhile (a second press, a stale page): said on the page, nothing changes.
                if case .store = error { throw error }
                return Self.private(
                    .html(
                        HolderPage.dashboard(
                            session: session, offers: try platform.holderOffers(session), now: platform.now,
                            error: error), status: 409))
            }
            return Self.private(.redirect(to: "/holder?done=withdrawn"))
        default:
            var values: [String: String] = [:]
            for name in ["quantity", "price", "currency", "validUntil"] {
                values[name] = (form.values(name).last ?? "").trimmingCharacters(in: .whitespaces)
            }
            do throws(PlatformError) {
                guard let quantity = Int64(values["quantity", default: ""]) else {
                    throw .invalidInput(field: "quantity", "'\(values["quantity", default: ""])' is not a whole number")
                }
                let currency: CurrencyCode
                do { currency = try CurrencyCode(values["currency", default: ""].uppercased()) } catch {
                    throw .invalidInput(field: "currency", "\(error)")
                }
                let price = try Money(parsing: values["price", default: ""], currency: currency, field: "price")
                guard let day = try? CalendarDate(parsing: values["validUntil", default: ""]) else {
                    throw .invalidInput(
                        field: "validUntil", "'\(values["validUntil", default: ""])' is not a date YYYY-MM-DD")
                }
                _ = try await platform.createHolderOffer(
                    session, quantity: quantity, pricePerUnit: price, validUntil: OfferRequest.lastSecond(of: day))
                return Self.private(.redirect(to: "/holder?done=offered"))
            } catch {
                switch error {
                case .store: throw error
                default:
                    let status = error.field == nil ? 409 : 422
                    return Self.private(
                        .html(
                            HolderPage.dashboard(
                                session: session, offers: try platform.holderOffers(session), now: platform.now,
                                form: values, error: error), status: status))
                }
            }
        }
    }

    /// The live session named by the request's cookie, and its token.
    private func currentSession(_ request: WebRequest) throws(PlatformError) -> (HolderSession, String)? {
        guard let header = request.header("cookie") else { return nil }
        for part in header.split(separator: ";") {
            let pair = part.trimmingCharacters(in: .whitespaces)
            guard pair.hasPrefix(Self.sessionCookie + "=") else { continue }
            let token = String(pair.dropFirst(Self.sessionCookie.count + 1))
            if let session = try platform.holderSession(token: token) { return (session, token) }
        }
        return nil
    }

    private func cookie(_ token: String, maxAge: Int) -> String {
        let secure = platform.configuration.baseURL.hasPrefix("https://") ? "; Secure" : ""
        return "\(Self.sessionCookie)=\(token); Path=/holder; Max-Age=\(max(0, maxAge)); HttpOnly; SameSite=Strict"
            + secure
    }

    /// Holder pages are one person's: never stored by a cache (every page already goes out with
    /// `Referrer-Policy: no-referrer`).
    private static func `private`(_ response: WebResponse) -> WebResponse {
        var response = response
        response.headers.append(("Cache-Control", "no-store"))
        return response
    }

    /// Compares without stopping at the first difference.
    private static func same(_ a: String, _ b: String) -> Bool {
        let x = Array(a.utf8)
        let y = Array(b.utf8)
        guard x.count == y.count else { return false }
        var difference: UInt8 = 0
        for index in x.indices { difference |= x[index] ^ y[index] }
        return difference == 0
    }
}

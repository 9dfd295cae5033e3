import Foundation

extension WebResponse {
    /// An HTML document in UTF-8.
    public static func html(_ document: String, status: Int = 200) -> WebResponse {
        WebResponse(
            status: status, headers: [("Content-Type", "text/html; charset=utf-8")], body: Array(document.utf8))
    }

    /// A JSON document: sorted keys so equal data gives equal bytes (and equal ETags); dates in ISO 8601.
    public static func json(_ value: some Encodable, status: Int = 200) -> WebResponse {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        encoder.dateEncodingStrategy = .iso8601
        do {
            return WebResponse(
                status: status, headers: [("Content-Type", "application/json")], body: Array(try encoder.encode(value)))
        } catch {
            return .text("the answer could not be encoded as JSON: \(error)", status: 500)
        }
    }

    /// A CSV download; `filename` is reduced to safe characters so it cannot break the header.
    public static func csv(_ csv: CSVWriter, filename: String, status: Int = 200) -> WebResponse {
        let safe = String(filename.unicodeScalars.filter { $0.isASCII && ($0.properties.isAlphabetic
            || ("0"..."9").contains($0) || "-_.".unicodeScalars.contains($0)) }.map(Character.init))
        return WebResponse(
            status: status,
            headers: [
                ("Content-Type", "text/csv; charset=utf-8; header=present"),
                ("Content-Disposition", "attachment; filename=\"\(safe.isEmpty ? "report.csv" : safe)\""),
            ], body: csv.bytes)
    }

    /// Plain UTF-8 text.
    public static func text(_ text: String, status: Int = 200) -> WebResponse {
        WebResponse(status: status, headers: [("Content-Type", "text/plain; charset=utf-8")], body: Array(text.utf8))
    }

    /// 303 See Other: after a POST the browser fetches `location` with GET (post/redirect/get).
    public static func redirect(to location: String) -> WebResponse {
        var response = html(
            WebPage.layout(
                title: "See other", main: "<p><a href=\"\(HTML.escape(location))\">Continue</a></p>"), status: 303)
        response.headers.append(("Location", location))
        return response
    }

    /// 404 with a page saying so.
    public static var notFound: WebResponse {
        error(status: 404, message: "There is no page at this address.")
    }

    /// 405 with the Allow header RFC 9110 15.5.6 requires.
    public static func methodNotAllowed(allowed: [String]) -> WebResponse {
        var response = error(
            status: 405, message: "This address answers only \(allowed.joined(separator: ", ")).")
        response.headers.append(("Allow", allowed.joined(separator: ", ")))
        return response
    }

    /// An HTML error page whose text (escaped) names what was wrong.
    public static func error(status: Int, message: String) -> WebResponse {
        let title = "\(status) \(reasonPhrase(status))"
        return html(
            WebPage.layout(title: title, main: "<p class=\"error\" role=\"alert\">\(HTML.escape(message))</p>"),
            status: status)
    }

    /// The standard reason phrase, for error page titles.
    static func reasonPhrase(_ status: Int) -> String {
        switch status {
        case 400: "Bad Request"
        case 403: "Forbidden"
        case 404: "Not Found"
        case 405: "Method Not Allowed"
        case 406: "Not Acceptable"
        case 409: "Conflict"
        case 413: "Content Too Large"
        case 415: "Unsupported Media Type"
        case 422: "Unprocessable Content"
        case 429: "Too Many Requests"
        case 431: "Request Header Fields Too Large"
        case 500: "Internal Server Error"
        case 503: "Service Unavailable"
        default: "Error"
        }
    }
}

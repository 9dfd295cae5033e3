import Foundation
import Testing

@testable import RegistryWeb

@Suite("HTML escaping")
struct HTMLEscapeTests {
    @Test("markup characters become entities, safe in text and in quoted attributes")
    func escapes() {
        #expect(HTML.escape("<script>alert('x') & \"y\"</script>")
            == "&lt;script&gt;alert(&#39;x&#39;) &amp; &quot;y&quot;&lt;/script&gt;")
        #expect(HTML.escape("Café – 100 %") == "Café – 100 %")
    }

    @Test("an HTML table escapes text cells and link addresses")
    func tableEscapes() {
        var table = HTMLTable(caption: "<c>", columns: [.init("A"), .init("N", numeric: true)])
        table.append([.text("<b>"), .link("x\"y", href: "/p?a=1&b=\"2\"")])
        let html = table.html
        #expect(html.contains("<caption>&lt;c&gt;</caption>"))
        #expect(html.contains("<td>&lt;b&gt;</td>"))
        #expect(html.contains("href=\"/p?a=1&amp;b=&quot;2&quot;\""))
        #expect(!html.contains("<b>"))
    }
}

@Suite("CSV writing")
struct CSVWriterTests {
    @Test("fields with commas, quotes or line breaks are quoted and quotes doubled; lines end in CRLF")
    func quoting() {
        var writer = CSVWriter(header: ["a", "b", "c"])
        writer.append([.text("x,y"), .text("say \"hi\""), .text("two\nlines")])
        writer.append([.text("plain"), .integer(-5), .empty])
        #expect(writer.text == "a,b,c\r\n\"x,y\",\"say \"\"hi\"\"\",\"two\nlines\"\r\nplain,-5,\r\n")
    }

    @Test("text starting with = + - @ gets a leading quote so spreadsheets do not run it; numbers stay numbers")
    func formulaInjection() {
        #expect(CSVWriter.field(.text("=HYPERLINK(\"http://evil\")")) == "\"'=HYPERLINK(\"\"http://evil\"\")\"")
        #expect(CSVWriter.field(.text("+1")) == "'+1")
        #expect(CSVWriter.field(.text("-2")) == "'-2")
        #expect(CSVWriter.field(.text("@SUM(A1)")) == "'@SUM(A1)")
        #expect(CSVWriter.field(.integer(-2)) == "-2")
        #expect(CSVWriter.field(.text("Town of Example")) == "Town of Example")
    }
}

@Suite("Form decoding")
struct FormDataTests {
    @Test("fields decode with + as space and percent escapes, in order, repeated names kept")
    func decodes() throws {
        let form = try FormData(body: Array("a=1+2&b=%C3%A9&c&a=3&&d=".utf8))
        #expect(form.fields.map(\.name) == ["a", "b", "c", "a", "d"])
        #expect(form.values("a") == ["1 2", "3"])
        #expect(try form.value("b") == "é")
        #expect(try form.value("c") == "")
        #expect(try form.value("missing") == nil)
    }

    @Test("each kind of bad form is refused with an error that names the field")
    func errors() throws {
        let badEscape = "'%4' is not a valid percent-escape (% and two hex digits)"
        #expect(throws: FormDataError.malformedValue(field: "q", badEscape)) {
            try FormData(body: Array("q=%4".utf8))
        }
        #expect(throws: FormDataError.malformedValue(field: "q", "the decoded bytes are not UTF-8")) {
            try FormData(body: Array("q=%FF".utf8))
        }
        #expect(throws: FormDataError.self) { try FormData(body: Array("%zz=1".utf8)) }
        let form = try FormData(body: Array("a=1&a=2&blank=+".utf8))
        #expect(throws: FormDataError.repeatedField("a")) { try form.value("a") }
        #expect(throws: FormDataError.emptyField("blank")) { try form.required("blank") }
        #expect(throws: FormDataError.missingField("name")) { try form.required("name") }
        let json = WebRequest(method: "POST", path: ["x"], headers: ["content-type": "application/json"])
        #expect(throws: FormDataError.notFormEncoded(contentType: "application/json")) { try FormData(request: json) }
        let form2 = WebRequest(
            method: "POST", path: ["x"], headers: ["content-type": "application/x-www-form-urlencoded; charset=UTF-8"],
            body: Array("n=1".utf8))
        #expect(try FormData(request: form2).required("n") == "1")
    }
}

@Suite("ETags and conditional answers")
struct ETagTests {
    @Test("the tag is the quoted SHA-256 of the body; equal bodies get equal tags")
    func strongTag() {
        let tag = ETag.strong(for: Array("abc".utf8))
        #expect(tag == "\"ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad\"")
        #expect(ETag.strong(for: Array("abd".utf8)) != tag)
    }

    @Test("If-None-Match matches a list, the weak form and *, and nothing else")
    func matching() {
        #expect(ETag.ifNoneMatch("\"a\"", matches: "\"a\""))
        #expect(ETag.ifNoneMatch("\"x\" , W/\"a\"", matches: "\"a\""))
        #expect(ETag.ifNoneMatch("*", matches: "\"a\""))
        #expect(!ETag.ifNoneMatch("\"ab\"", matches: "\"a\""))
        #expect(!ETag.ifNoneMatch("a", matches: "\"a\""))
    }

    @Test("only a 200 to a GET becomes 304, keeping the tag and caching headers")
    func conditional() {
        var ok = WebResponse.text("hello")
        ok.headers.append(("Cache-Control", "no-cache"))
        let tag = ETag.strong(for: ok.body)
        let get = WebRequest(method: "GET", path: [], headers: ["if-none-match": tag])
        let answer = ok.conditional(on: get)
        #expect(answer.status == 304 && answer.body.isEmpty)
        #expect(answer.header("etag") == tag && answer.header("cache-control") == "no-cache")
        #expect(answer.header("content-type") == nil)
        let post = WebRequest(method: "POST", path: [], headers: ["if-none-match": tag])
        #expect(ok.conditional(on: post).status == 200)
        #expect(WebResponse.text("no", status: 404).conditional(on: get).status == 404)
    }
}

@Suite("Pagination")
struct PaginationTests {
    @Test("page and perPage come from the query, with defaults and bounds")
    func bounds() throws {
        let defaults = try Pagination(query: [:])
        #expect(defaults.page == 1 && defaults.perPage == Pagination.defaultPerPage)
        let page = try Pagination(query: ["page": "3", "perPage": "20"])
        #expect(page.offset == 40)
        #expect(throws: PaginationError.notAPositiveInteger(parameter: "page", value: "0")) {
            try Pagination(query: ["page": "0"])
        }
        #expect(throws: PaginationError.notAPositiveInteger(parameter: "perPage", value: "x")) {
            try Pagination(query: ["perPage": "x"])
        }
        #expect(throws: PaginationError.perPageTooLarge(5000, maximum: Pagination.maximumPerPage)) {
            try Pagination(query: ["perPage": "5000"])
        }
        let huge = try Pagination(query: ["page": String(Int.max)])
        #expect(huge.offset == Int.max, "an absurd page saturates instead of trapping")
    }

    @Test("the Link header names prev and next, keeping the other parameters")
    func links() throws {
        let page = try Pagination(query: ["page": "2", "perPage": "10"])
        let link = try #require(page.linkHeader(path: "/r", query: ["q": "a b", "page": "2"], total: 35))
        #expect(link == "</r?page=1&perPage=10&q=a%20b>; rel=\"prev\", </r?page=3&perPage=10&q=a%20b>; rel=\"next\"")
        #expect(page.pageCount(total: 35) == 4)
        #expect(try Pagination(query: [:]).linkHeader(path: "/r", query: [:], total: 5) == nil)
    }
}

@Suite("Page frame and dates")
struct WebPageTests {
    @Test("the layout is one accessible HTML5 page: lang, viewport, skip link, one h1, focus style, no script")
    func layout() {
        let page = WebPage.layout(
            title: "A <title>", main: "<p>body</p>", navigation: [.init("Home", href: "/", current: true)])
        #expect(page.hasPrefix("<!DOCTYPE html>\n<html lang=\"en\">"))
        #expect(page.contains("<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">"))
        #expect(page.contains("<a class=\"skip\" href=\"#main\">"))
        #expect(page.components(separatedBy: "<h1>").count == 2)
        #expect(page.contains("<h1>A &lt;title&gt;</h1>"))
        #expect(page.contains("aria-current=\"page\""))
        #expect(page.contains(":focus"))
        #expect(!page.lowercased().contains("<script"))
    }

    @Test("the Date header is the IMF-fixdate of RFC 9110")
    func httpDate() {
        #expect(HTTPDate.format(Date(timeIntervalSince1970: 784_111_777)) == "Sun, 06 Nov 1994 08:49:37 GMT")
        #expect(HTTPDate.format(Date(timeIntervalSince1970: 951_782_400)) == "Tue, 29 Feb 2000 00:00:00 GMT")
        #expect(HTTPDate.format(Date(timeIntervalSince1970: 0)) == "Thu, 01 Jan 1970 00:00:00 GMT")
        #expect(MailDate.format(Date(timeIntervalSince1970: 784_111_777)) == "Sun, 06 Nov 1994 08:49:37 +0000")
    }

    /// From 1583: before the Gregorian reform ICU's formatter writes Julian dates, ISO 8601 (and this) proleptic
    /// Gregorian ones; the registry's dates are all after 2000.
    @Test("UTC timestamps are what ISO8601DateFormatter writes, over 50,000 instants from 1583 to 9999")
    func utcTimestamps() async {
        let formatter = ISO8601DateFormatter()
        formatter.timeZone = TimeZone(identifier: "UTC")
        var generator = SystemRandomNumberGenerator()
        let fixed: [Double] = [
            0, -1, 0.999, 0.9996, 951_782_400, 4_107_542_399, -12_212_553_600, 253_402_300_799, 1_709_287_200.5,
        ]
        for (index, seconds) in (fixed + (0..<50_000).map { _ in
            Double(Int64.random(in: -12_212_553_600...253_402_300_799, using: &generator))
                + Double.random(in: 0..<1, using: &generator)
        }).enumerated() {
            let date = Date(timeIntervalSince1970: seconds)
            #expect(UTCTimestamp.iso8601(date) == formatter.string(from: date), "\(seconds)")
            if index % 5_000 == 0 { await Task.yield() }
        }
    }

    @Test("request targets: absolute form, fragments and * are accepted; a bare word is not")
    func targets() throws {
        let absolute = try WebRequest.parse(method: "GET", target: "http://host:8/a/b?x=1#frag", headers: [], body: [])
        #expect(absolute.path == ["a", "b"] && absolute.query == ["x": "1"])
        let head = try WebRequest.parse(method: "HEAD", target: "/", headers: [("X-A", "1"), ("x-a", "2")], body: [])
        #expect(head.method == "GET" && head.isHead && head.headers == ["x-a": "1, 2"])
        #expect(throws: WebRequestError.unsupportedTarget("word")) {
            try WebRequest.parse(method: "GET", target: "word", headers: [], body: [])
        }
    }
}

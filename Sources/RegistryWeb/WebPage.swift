/// The one page frame of every public listener (reports and the online platform): plain, accessible HTML5.
///
/// No JavaScript (the Content-Security-Policy forbids it anyway), one `h1` from `title`, a skip link to the main
/// content, a viewport for phones, visible focus outlines, and colours with a contrast of at least 4.5:1
/// (WCAG 2.1 AA): text #1b1b1b and links #0b4a85 on white, white on #0b4a85 for the header.
public enum WebPage {
    /// An entry of the site navigation; `current` marks the page being shown (aria-current).
    public struct Link: Sendable, Hashable {
        public var label: String
        public var href: String
        public var current: Bool

        public init(_ label: String, href: String, current: Bool = false) {
            self.label = label
            self.href = href
            self.current = current
        }
    }

    /// A whole document. `title` is text (escaped here); `main` is markup the caller built with `HTML.escape`.
    public static func layout(
        title: String, main: String, navigation: [Link] = [], siteName: String = "CDM Registry"
    ) -> String {
        var nav = ""
        if !navigation.isEmpty {
            nav = "<nav aria-label=\"Site\"><ul>"
            for link in navigation {
                let current = link.current ? " aria-current=\"page\"" : ""
                nav += "<li><a href=\"\(HTML.escape(link.href))\"\(current)>\(HTML.escape(link.label))</a></li>"
            }
            nav += "</ul></nav>"
        }
        return """
            <!DOCTYPE html>
            <html lang="en">
            <head>
            <meta charset="utf-8">
            <meta name="viewport" content="width=device-width, initial-scale=1">
            <title>\(HTML.escape(title)) - \(HTML.escape(siteName))</title>
            <style>\(stylesheet)</style>
            </head>
            <body>
            <a class="skip" href="#main">Skip to main content</a>
            <header><p class="site">\(HTML.escape(siteName))</p>\(nav)</header>
            <main id="main" tabindex="-1">
            <h1>\(HTML.escape(title))</h1>
            \(main)
            </main>
            </body>
            </html>

            """
    }

    /// Small and inline, so a page is one request; `style-src 'self' 'unsafe-inline'` in the CSP allows it.
    static let stylesheet = """
        body{margin:0;font:1rem/1.5 system-ui,-apple-system,"Segoe UI",Roboto,sans-serif;color:#1b1b1b;\
        background:#fff}\
        header{background:#0b4a85;color:#fff;padding:.5rem 1rem}\
        header .site{margin:0;font-weight:700}\
        header ul{list-style:none;margin:.25rem 0 0;padding:0;display:flex;flex-wrap:wrap;gap:1rem}\
        header a{color:#fff}\
        header a[aria-current=page]{font-weight:700;text-decoration-thickness:3px}\
        main{padding:1rem;max-width:75rem}\
        a{color:#0b4a85}\
        a:focus,button:focus,input:focus,select:focus,main:focus-visible{outline:3px solid #b34700;outline-offset:2px}\
        .skip{position:absolute;left:-10000px;top:0;background:#fff;color:#0b4a85;padding:.5rem}\
        .skip:focus{left:.5rem}\
        .table-wrap{overflow-x:auto}\
        table{border-collapse:collapse;margin:1rem 0}\
        caption{text-align:left;font-weight:700;padding:.25rem 0}\
        th,td{border:1px solid #767676;padding:.25rem .5rem;text-align:left;vertical-align:top}\
        td.num,th.num{text-align:right;font-variant-numeric:tabular-nums}\
        thead th{background:#e8eef5}\
        form{margin:1rem 0}\
        label{display:inline-block;margin:0 .5rem .25rem 0}\
        input,select,button{font:inherit;padding:.25rem .5rem;border:1px solid #555;border-radius:3px}\
        button{background:#0b4a85;color:#fff;border-color:#0b4a85;cursor:pointer}\
        .error{border-left:4px solid #b00020;padding:.5rem 1rem;background:#fdecee;color:#1b1b1b}\
        .pager a{margin-right:1rem}
        """
}

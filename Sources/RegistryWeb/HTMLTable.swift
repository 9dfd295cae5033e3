/// A data table as the public pages show them: a caption, column headers with `scope`, numbers right-aligned,
/// wrapped so a wide table scrolls on a phone instead of the page.
public struct HTMLTable: Sendable {
    /// One column: its heading and whether its cells are numbers (right-aligned, tabular figures).
    public struct Column: Sendable, Hashable {
        public var heading: String
        public var numeric: Bool

        public init(_ heading: String, numeric: Bool = false) {
            self.heading = heading
            self.numeric = numeric
        }
    }

    /// A cell: text (escaped when rendered) or markup the caller built safely (a link).
    public enum Cell: Sendable, Hashable, ExpressibleByStringLiteral {
        case text(String)
        case markup(String)

        public init(stringLiteral value: String) { self = .text(value) }

        /// A link whose text and address are escaped.
        public static func link(_ text: String, href: String) -> Cell {
            .markup("<a href=\"\(HTML.escape(href))\">\(HTML.escape(text))</a>")
        }
    }

    public var caption: String
    public var columns: [Column]
    public private(set) var rows: [[Cell]] = []

    public init(caption: String, columns: [Column]) {
        self.caption = caption
        self.columns = columns
    }

    public mutating func append(_ row: [Cell]) { rows.append(row) }

    /// The markup; an empty table says so in a row rather than showing bare headings.
    public var html: String {
        var out = "<div class=\"table-wrap\"><table><caption>\(HTML.escape(caption))</caption><thead><tr>"
        for column in columns {
            out += "<th scope=\"col\"\(column.numeric ? " class=\"num\"" : "")>\(HTML.escape(column.heading))</th>"
        }
        out += "</tr></thead><tbody>"
        if rows.isEmpty {
            out += "<tr><td colspan=\"\(max(1, columns.count))\">None.</td></tr>"
        }
        for row in rows {
            out += "<tr>"
            for (index, cell) in row.enumerated() {
                let numeric = index < columns.count && columns[index].numeric
                out += numeric ? "<td class=\"num\">" : "<td>"
                switch cell {
                case .text(let text): out += HTML.escape(text)
                case .markup(let markup): out += markup
                }
                out += "</td>"
            }
            out += "</tr>"
        }
        return out + "</tbody></table></div>"
    }
}

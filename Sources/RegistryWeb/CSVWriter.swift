/// One CSV cell: text is guarded against formula injection, numbers are written as they are.
public enum CSVCell: Sendable, Hashable, ExpressibleByStringLiteral, ExpressibleByIntegerLiteral {
    case text(String)
    case integer(Int64)
    case empty

    public init(stringLiteral value: String) { self = .text(value) }
    public init(integerLiteral value: Int64) { self = .integer(value) }
}

/// Builds RFC 4180 CSV: CRLF line ends, fields quoted when they hold `,` `"` CR or LF, quotes doubled.
///
/// Text cells starting with `=`, `+`, `-`, `@`, tab or CR get a leading `'` (OWASP CSV injection advice): a
/// beneficiary or purpose typed by the public must not run as a formula in the spreadsheet that opens the report.
/// Integer cells are never prefixed, so negative quantities stay numbers.
public struct CSVWriter: Sendable {
    public private(set) var text: String = ""
    public let columns: Int

    /// Starts the document with its header row.
    public init(header: [String]) {
        columns = header.count
        append(header.map { CSVCell.text($0) })
    }

    /// Adds one row; it should have as many cells as the header (RFC 4180 2.4).
    public mutating func append(_ row: [CSVCell]) {
        var first = true
        for cell in row {
            if !first { text += "," }
            first = false
            text += Self.field(cell)
        }
        text += "\r\n"
    }

    public var bytes: [UInt8] { Array(text.utf8) }

    /// One field, guarded and quoted as needed.
    public static func field(_ cell: CSVCell) -> String {
        switch cell {
        case .empty: return ""
        case .integer(let value): return String(value)
        case .text(let raw):
            var value = raw
            if let first = value.unicodeScalars.first, "=+-@\t\r".unicodeScalars.contains(first) {
                value = "'" + value
            }
            let needsQuotes = value.contains { $0 == "," || $0 == "\"" || $0 == "\n" || $0 == "\r" || $0 == "\r\n" }
            guard needsQuotes else { return value }
            return "\"" + value.replacingAll("\"", with: "\"\"") + "\""
        }
    }
}

extension String {
    /// Every occurrence of `target` replaced (kept local so RegistryWeb needs no Foundation for it).
    func replacingAll(_ target: Character, with replacement: String) -> String {
        var out = ""
        for character in self { if character == target { out += replacement } else { out.append(character) } }
        return out
    }
}

/// Escaping for text placed in HTML: every page builds markup from strings, and data from the ledger or from
/// a request must never become markup.
public enum HTML {
    /// Escapes `& < > " '` so the result is safe both as element text and inside a quoted attribute value.
    public static func escape(_ text: some StringProtocol) -> String {
        var out = ""
        out.reserveCapacity(text.utf8.count)
        for character in text.unicodeScalars {
            switch character {
            case "&": out += "&amp;"
            case "<": out += "&lt;"
            case ">": out += "&gt;"
            case "\"": out += "&quot;"
            case "'": out += "&#39;"
            case "\u{0}": out += "\u{FFFD}"
            default: out.unicodeScalars.append(character)
            }
        }
        return out
    }
}

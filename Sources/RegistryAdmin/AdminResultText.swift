/// The readable rendering of a result for operators; `--json` prints the raw JSON instead.
///
/// Objects become aligned "key: value" lines, arrays of objects become tables with a column per key, and values
/// nested deeper are shown as compact JSON so that nothing is hidden.
public enum AdminResultText {
    public static func render(_ value: JSONValue) -> String {
        switch value {
        case .null: return ""
        case .object(let fields): return renderObject(fields)
        case .array(let items):
            guard !items.isEmpty else { return "(none)" }
            if let rows = objects(items) { return renderTable(rows) }
            return items.map(cell).joined(separator: "\n")
        default: return cell(value)
        }
    }

    /// Scalar fields first as aligned lines; fields holding arrays of objects follow, each as an indented table.
    static func renderObject(_ fields: [String: JSONValue]) -> String {
        guard !fields.isEmpty else { return "(empty)" }
        var lines: [(String, String)] = []
        var tables: [(String, [[String: JSONValue]])] = []
        for key in fields.keys.sorted() {
            guard let value = fields[key] else { continue }
            if case .array(let items) = value, !items.isEmpty, let rows = objects(items) {
                tables.append((key, rows))
            } else if case .array(let items) = value, items.isEmpty {
                lines.append((key, "(none)"))
            } else {
                lines.append((key, cell(value)))
            }
        }
        let width = lines.map { $0.0.count }.max() ?? 0
        var output = lines.map { key, text in key + ":" + String(repeating: " ", count: width - key.count + 1) + text }
        for (key, rows) in tables {
            output.append("\(key):")
            output.append(contentsOf: renderTable(rows).split(separator: "\n").map { "  " + $0 })
        }
        return output.joined(separator: "\n")
    }

    /// Columns are the union of the rows' keys, identifier-like keys first, the rest in alphabetical order.
    static func renderTable(_ rows: [[String: JSONValue]]) -> String {
        var keys = Set<String>()
        for row in rows { keys.formUnion(row.keys) }
        let leading = ["id", "identifier", "account", "transaction"].filter(keys.contains)
        let columns = leading + keys.subtracting(leading).sorted()
        let cells = rows.map { row in columns.map { row[$0].map(cell) ?? "-" } }
        let widths = columns.indices.map { index in
            max(columns[index].count, cells.map { $0[index].count }.max() ?? 0)
        }
        func line(_ values: [String]) -> String {
            let padded = values.indices.map { index in
                index == values.count - 1
                    ? values[index] : values[index] + String(repeating: " ", count: widths[index] - values[index].count)
            }
            return padded.joined(separator: "  ")
        }
        return ([line(columns.map { $0.uppercased() })] + cells.map(line)).joined(separator: "\n")
    }

    static func objects(_ items: [JSONValue]) -> [[String: JSONValue]]? {
        var rows: [[String: JSONValue]] = []
        for item in items {
            guard let row = item.objectValue else { return nil }
            rows.append(row)
        }
        return rows
    }

    /// One value in a line or a cell: strings without quotes, nested values as compact JSON.
    static func cell(_ value: JSONValue) -> String {
        switch value {
        case .string(let text): text
        case .null: "-"
        case .bool(let flag): flag ? "yes" : "no"
        default: value.description
        }
    }
}

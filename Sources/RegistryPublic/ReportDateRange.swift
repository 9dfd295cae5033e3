import Foundation
import RegistryCore

/// The `from` / `to` filter of the cancellation report: ISO dates (YYYY-MM-DD), both inclusive, whole UTC days.
struct ReportDateRange: Sendable, Hashable {
    var from: CalendarDate?
    var to: CalendarDate?

    /// Why the range was refused; names the parameter and the value.
    enum Problem: Error, CustomStringConvertible {
        case notADate(parameter: String, value: String, String)
        case reversed(from: CalendarDate, to: CalendarDate)

        var description: String {
            switch self {
            case .notADate(let parameter, let value, let reason):
                "query parameter '\(parameter)' must be a date as YYYY-MM-DD, not '\(value)' (\(reason))"
            case .reversed(let from, let to): "the range starts (from=\(from)) after it ends (to=\(to))"
            }
        }
    }

    init(query: [String: String]) throws(Problem) {
        from = try Self.date("from", query["from"])
        to = try Self.date("to", query["to"])
        if let from, let to, to < from { throw .reversed(from: from, to: to) }
    }

    /// Seconds since 1970 of the first instant of `from` and the first instant after `to` (half-open).
    var bounds: (lower: Double, upper: Double) {
        (from.map { Self.startOfDay($0) } ?? -Double.greatestFiniteMagnitude,
         to.map { Self.startOfDay($0) + 86_400 } ?? Double.greatestFiniteMagnitude)
    }

    /// The query this range came from, for links (empty parts left out).
    var query: [String: String] {
        var result: [String: String] = [:]
        if let from { result["from"] = from.description }
        if let to { result["to"] = to.description }
        return result
    }

    static func startOfDay(_ date: CalendarDate) -> Double {
        // Days from civil (Howard Hinnant), so no calendar or time zone state is involved.
        let year = Int64(date.month <= 2 ? date.year - 1 : date.year)
        let era = (year >= 0 ? year : year - 399) / 400
        let yearOfEra = year - era * 400
        let month = Int64(date.month)
        let dayOfYear = (153 * (month > 2 ? month - 3 : month + 9) + 2) / 5 + Int64(date.day) - 1
        let dayOfEra = yearOfEra * 365 + yearOfEra / 4 - yearOfEra / 100 + dayOfYear
        return Double(era * 146_097 + dayOfEra - 719_468) * 86_400
    }

    private static func date(_ name: String, _ raw: String?) throws(Problem) -> CalendarDate? {
        guard let raw, !raw.isEmpty else { return nil }
        guard raw.utf8.count == 10 else { throw .notADate(parameter: name, value: raw, "no time or zone allowed") }
        do {
            return try CalendarDate(parsing: raw)
        } catch {
            throw .notADate(parameter: name, value: raw, "\(error)")
        }
    }
}

import Foundation

/// A rule boundary as written in the rule file: a date-time with an explicit time zone, parsed strictly.
///
/// Rule dates come from decisions stated in local time (the Union registry migration in CEST), so a boundary
/// without a zone would be ambiguous by hours; we refuse it rather than guess, and refuse impossible dates
/// (2021-02-30) that lenient parsers roll over.
public struct RuleInstant: Hashable, Sendable, Comparable, CustomStringConvertible {
    /// The instant itself.
    public let date: Date
    /// The text from the file, kept for messages so operators see the zone the decision was stated in.
    public let text: String

    /// Parses `YYYY-MM-DDTHH:MM:SS` followed by `Z` or `+hh:mm` / `-hh:mm`; nil when the text is not exactly that.
    public init?(parsing text: String) {
        let bytes = Array(text.utf8)
        guard bytes.count == 20 || bytes.count == 25 else { return nil }
        func digits(_ range: Range<Int>) -> Int? {
            var value = 0
            for byte in bytes[range] {
                guard byte >= 48 && byte <= 57 else { return nil }
                value = value * 10 + Int(byte - 48)
            }
            return value
        }
        func at(_ index: Int, _ character: Character) -> Bool { bytes[index] == character.asciiValue }
        guard at(4, "-"), at(7, "-"), at(10, "T"), at(13, ":"), at(16, ":"),
            let year = digits(0..<4), let month = digits(5..<7), let day = digits(8..<10),
            let hour = digits(11..<13), let minute = digits(14..<16), let second = digits(17..<19),
            hour < 24, minute < 60, second < 60,
            (try? CalendarDate(year: year, month: month, day: day)) != nil
        else { return nil }
        let offsetSeconds: Int
        if bytes.count == 20 {
            guard at(19, "Z") else { return nil }
            offsetSeconds = 0
        } else {
            guard at(19, "+") || at(19, "-"), at(22, ":"), let offsetHours = digits(20..<22),
                let offsetMinutes = digits(23..<25), offsetHours <= 14, offsetMinutes < 60
            else { return nil }
            offsetSeconds = (at(19, "-") ? -1 : 1) * (offsetHours * 3_600 + offsetMinutes * 60)
        }
        let days = Self.daysSinceEpoch(year: year, month: month, day: day)
        let local = days * 86_400 + hour * 3_600 + minute * 60 + second
        self.date = Date(timeIntervalSince1970: TimeInterval(local - offsetSeconds))
        self.text = text
    }

    /// Days from 1970-01-01 in the proleptic Gregorian calendar (H. Hinnant's days_from_civil).
    static func daysSinceEpoch(year: Int, month: Int, day: Int) -> Int {
        let shiftedYear = month <= 2 ? year - 1 : year
        let era = (shiftedYear >= 0 ? shiftedYear : shiftedYear - 399) / 400
        let yearOfEra = shiftedYear - era * 400
        let dayOfYear = (153 * (month > 2 ? month - 3 : month + 9) + 2) / 5 + day - 1
        let dayOfEra = yearOfEra * 365 + yearOfEra / 4 - yearOfEra / 100 + dayOfYear
        return era * 146_097 + dayOfEra - 719_468
    }

    public var description: String { text }
    public static func < (lhs: RuleInstant, rhs: RuleInstant) -> Bool { lhs.date < rhs.date }
}

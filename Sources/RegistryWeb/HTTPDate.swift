import Foundation

/// The calendar fields of an instant in UTC, computed from the epoch with Howard Hinnant's civil-from-days: no
/// locale, no formatter object, nothing shared between threads. (An `ISO8601DateFormatter` made per call cost the
/// public reports a fifth of their time: each one builds an ICU formatter.)
struct UTCFields {
    var year: Int64
    var month: Int64
    var day: Int64
    var hour: Int64
    var minute: Int64
    var second: Int64
    /// 0 is Sunday.
    var weekday: Int

    init(_ date: Date) {
        // To the millisecond first, as Foundation's formatters do (so 10:00:00.9996 is 10:00:01), then whole seconds.
        let milliseconds = (date.timeIntervalSince1970 * 1000).rounded()
        let seconds = Int64((milliseconds / 1000).rounded(.down))
        let days = seconds >= 0 ? seconds / 86_400 : (seconds - 86_399) / 86_400
        let secondOfDay = seconds - days * 86_400
        weekday = Int((days % 7 + 11) % 7)  // 1970-01-01 was a Thursday (index 4 from Sunday)
        let z = days + 719_468
        let era = (z >= 0 ? z : z - 146_096) / 146_097
        let dayOfEra = z - era * 146_097
        let yearOfEra = (dayOfEra - dayOfEra / 1460 + dayOfEra / 36_524 - dayOfEra / 146_096) / 365
        let dayOfYear = dayOfEra - (365 * yearOfEra + yearOfEra / 4 - yearOfEra / 100)
        let mp = (5 * dayOfYear + 2) / 153
        day = dayOfYear - (153 * mp + 2) / 5 + 1
        month = mp < 10 ? mp + 3 : mp - 9
        year = yearOfEra + era * 400 + (month <= 2 ? 1 : 0)
        hour = secondOfDay / 3600
        minute = secondOfDay / 60 % 60
        second = secondOfDay % 60
    }

    static func two(_ value: Int64) -> String { value < 10 ? "0\(value)" : "\(value)" }
}

/// The IMF-fixdate of RFC 9110 5.6.7 (`Sun, 06 Nov 1994 08:49:37 GMT`) for the Date header.
enum HTTPDate {
    static func format(_ date: Date) -> String {
        let fields = UTCFields(date)
        let names = ["Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat"]
        let months = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"]
        return "\(names[fields.weekday]), \(UTCFields.two(fields.day)) \(months[Int(fields.month) - 1]) \(fields.year) "
            + "\(UTCFields.two(fields.hour)):\(UTCFields.two(fields.minute)):\(UTCFields.two(fields.second)) GMT"
    }
}

/// The RFC 5322 date of a mail header (`Sun, 06 Nov 1994 08:49:37 +0000`).
public enum MailDate {
    public static func format(_ date: Date) -> String {
        String(HTTPDate.format(date).dropLast(3)) + "+0000"
    }
}

/// `2022-03-01T10:00:00Z`: an instant in UTC to the whole second, as `ISO8601DateFormatter` writes it with its
/// default options (from 1583 on: before, that formatter writes Julian dates), for the public pages and CSV.
public enum UTCTimestamp {
    public static func iso8601(_ date: Date) -> String {
        let fields = UTCFields(date)
        let year = fields.year < 1000 ? String(repeating: "0", count: 4 - String(fields.year).count) + "\(fields.year)"
            : "\(fields.year)"
        return "\(year)-\(UTCFields.two(fields.month))-\(UTCFields.two(fields.day))T\(UTCFields.two(fields.hour)):"
            + "\(UTCFields.two(fields.minute)):\(UTCFields.two(fields.second))Z"
    }
}

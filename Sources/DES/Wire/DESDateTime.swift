import Foundation

/// xsd:dateTime as DES carries it: written as UTC `YYYY-MM-DDThh:mm:ss(.sss)Z`, millisecond precision.
///
/// Read: any time-zone offset is applied; a value without a zone is taken as UTC (DES exchanges UTC times).
enum DESDateTime {
    static func parse(_ text: ArraySlice<UInt8>) throws(DESError) -> Date {
        let bytes = Array(DESLexical.trimmed(text))
        func invalid() -> DESError {
            DESError(.invalidValue, "\(DESLexical.quoted(text)) is not a dateTime (YYYY-MM-DDThh:mm:ss[.sss][Z])")
        }
        func number(_ start: Int, _ count: Int) throws(DESError) -> Int {
            guard start + count <= bytes.count else { throw invalid() }
            var value = 0
            for byte in bytes[start..<start + count] {
                guard byte >= 48 && byte <= 57 else { throw invalid() }
                value = value * 10 + Int(byte - 48)
            }
            return value
        }
        func expect(_ position: Int, _ character: Character) throws(DESError) {
            guard position < bytes.count, bytes[position] == character.asciiValue else { throw invalid() }
        }
        let year = try number(0, 4)
        try expect(4, "-")
        let month = try number(5, 2)
        try expect(7, "-")
        let day = try number(8, 2)
        try expect(10, "T")
        let hour = try number(11, 2)
        try expect(13, ":")
        let minute = try number(14, 2)
        try expect(16, ":")
        let second = try number(17, 2)
        var position = 19
        var nanoseconds = 0
        if position < bytes.count, bytes[position] == UInt8(ascii: ".") {
            position += 1
            var digits = 0
            while position < bytes.count, bytes[position] >= 48, bytes[position] <= 57 {
                if digits < 9 { nanoseconds = nanoseconds * 10 + Int(bytes[position] - 48) }
                digits += 1
                position += 1
            }
            guard digits > 0 else { throw invalid() }
            for _ in digits..<max(digits, 9) { nanoseconds *= 10 }
        }
        var offsetSeconds = 0
        if position < bytes.count {
            if bytes[position] == UInt8(ascii: "Z"), position + 1 == bytes.count {
                position += 1
            } else if bytes[position] == UInt8(ascii: "+") || bytes[position] == UInt8(ascii: "-"),
                position + 6 == bytes.count
            {
                let sign = bytes[position] == UInt8(ascii: "-") ? -1 : 1
                let zoneHours = try number(position + 1, 2)
                try expect(position + 3, ":")
                let zoneMinutes = try number(position + 4, 2)
                guard zoneHours <= 14, zoneMinutes < 60 else { throw invalid() }
                offsetSeconds = sign * (zoneHours * 3600 + zoneMinutes * 60)
            } else {
                throw invalid()
            }
        }
        guard year >= 1, (1...12).contains(month), day >= 1, day <= daysIn(month: month, year: year),
            hour < 24, minute < 60, second < 60
        else { throw invalid() }
        let days = daysFromCivil(year: year, month: month, day: day)
        let seconds = days * 86_400 + hour * 3600 + minute * 60 + second - offsetSeconds
        return Date(timeIntervalSince1970: Double(seconds) + Double(nanoseconds) / 1e9)
    }

    static func write(_ date: Date, into output: inout [UInt8]) {
        let totalMilliseconds = Int64((date.timeIntervalSince1970 * 1000).rounded())
        var seconds = totalMilliseconds / 1000
        var milliseconds = totalMilliseconds % 1000
        if milliseconds < 0 {
            milliseconds += 1000
            seconds -= 1
        }
        var days = seconds / 86_400
        var secondOfDay = seconds % 86_400
        if secondOfDay < 0 {
            secondOfDay += 86_400
            days -= 1
        }
        let (year, month, day) = civilFromDays(Int(days))
        func pad(_ value: Int, _ width: Int) {
            var digits = Array(String(value).utf8)
            while digits.count < width { digits.insert(UInt8(ascii: "0"), at: 0) }
            output.append(contentsOf: digits)
        }
        pad(year, 4)
        output.append(UInt8(ascii: "-"))
        pad(month, 2)
        output.append(UInt8(ascii: "-"))
        pad(day, 2)
        output.append(UInt8(ascii: "T"))
        pad(Int(secondOfDay / 3600), 2)
        output.append(UInt8(ascii: ":"))
        pad(Int(secondOfDay % 3600 / 60), 2)
        output.append(UInt8(ascii: ":"))
        pad(Int(secondOfDay % 60), 2)
        if milliseconds != 0 {
            output.append(UInt8(ascii: "."))
            pad(Int(milliseconds), 3)
        }
        output.append(UInt8(ascii: "Z"))
    }

    static func daysIn(month: Int, year: Int) -> Int {
        switch month {
        case 2: (year % 4 == 0 && year % 100 != 0) || year % 400 == 0 ? 29 : 28
        case 4, 6, 9, 11: 30
        default: 31
        }
    }

    /// Days since 1970-01-01 of a proleptic Gregorian date (H. Hinnant's algorithm).
    static func daysFromCivil(year: Int, month: Int, day: Int) -> Int {
        let shiftedYear = month <= 2 ? year - 1 : year
        let era = (shiftedYear >= 0 ? shiftedYear : shiftedYear - 399) / 400
        let yearOfEra = shiftedYear - era * 400
        let dayOfYear = (153 * (month + (month > 2 ? -3 : 9)) + 2) / 5 + day - 1
        let dayOfEra = yearOfEra * 365 + yearOfEra / 4 - yearOfEra / 100 + dayOfYear
        return era * 146_097 + dayOfEra - 719_468
    }

    static func civilFromDays(_ days: Int) -> (Int, Int, Int) {
        let shifted = days + 719_468
        let era = (shifted >= 0 ? shifted : shifted - 146_096) / 146_097
        let dayOfEra = shifted - era * 146_097
        let yearOfEra = (dayOfEra - dayOfEra / 1460 + dayOfEra / 36_524 - dayOfEra / 146_096) / 365
        let dayOfYear = dayOfEra - (365 * yearOfEra + yearOfEra / 4 - yearOfEra / 100)
        let monthIndex = (5 * dayOfYear + 2) / 153
        let day = dayOfYear - (153 * monthIndex + 2) / 5 + 1
        let month = monthIndex < 10 ? monthIndex + 3 : monthIndex - 9
        return (yearOfEra + era * 400 + (month <= 2 ? 1 : 0), month, day)
    }
}

public import CAPIModel

/// Formats timestamps in UTC without Foundation's formatters (and so identically everywhere).
public enum UTCTime {
    /// `2026-01-01T09:30:05Z`, or `2026-01-01T09:30:05.120Z` with `milliseconds`.
    public static func iso8601(_ timestamp: Timestamp, milliseconds: Bool = false) -> String {
        let (date, time, millis) = parts(timestamp)
        return date + "T" + time + (milliseconds ? "." + pad(millis, 3) : "") + "Z"
    }

    /// `2026-01-01 09:30:05`, for tables (the column header says UTC).
    public static func dateTime(_ timestamp: Timestamp) -> String {
        let (date, time, _) = parts(timestamp)
        return date + " " + time
    }

    /// `09:30:05.120`, for step-by-step logs within one run.
    public static func timeOfDay(_ timestamp: Timestamp) -> String {
        let (_, time, millis) = parts(timestamp)
        return time + "." + pad(millis, 3)
    }

    private static func parts(_ timestamp: Timestamp) -> (date: String, time: String, millis: Int64) {
        let ms = timestamp.milliseconds
        var seconds = ms / 1_000
        var millis = ms % 1_000
        if millis < 0 {
            millis += 1_000
            seconds -= 1
        }
        var days = seconds / 86_400
        var secondOfDay = seconds % 86_400
        if secondOfDay < 0 {
            secondOfDay += 86_400
            days -= 1
        }
        let (year, month, day) = civilDate(daysSinceEpoch: days)
        let date = pad(year, 4) + "-" + pad(month, 2) + "-" + pad(day, 2)
        let time = pad(secondOfDay / 3_600, 2) + ":" + pad(secondOfDay / 60 % 60, 2) + ":" + pad(secondOfDay % 60, 2)
        return (date, time, millis)
    }

    /// The proleptic Gregorian date of a day count since 1970-01-01 (Howard Hinnant's
    /// `civil_from_days`).
    static func civilDate(daysSinceEpoch: Int64) -> (year: Int64, month: Int64, day: Int64) {
        let z = daysSinceEpoch + 719_468
        let era = (z >= 0 ? z : z - 146_096) / 146_097
        let dayOfEra = z - era * 146_097
        let yearOfEra = (dayOfEra - dayOfEra / 1_460 + dayOfEra / 36_524 - dayOfEra / 146_096) / 365
        let dayOfYear = dayOfEra - (365 * yearOfEra + yearOfEra / 4 - yearOfEra / 100)
        let mp = (5 * dayOfYear + 2) / 153
        let day = dayOfYear - (153 * mp + 2) / 5 + 1
        let month = mp < 10 ? mp + 3 : mp - 9
        return (yearOfEra + era * 400 + (month <= 2 ? 1 : 0), month, day)
    }

    private static func pad(_ value: Int64, _ width: Int) -> String {
        let text = String(value)
        return text.count >= width ? text : String(repeating: "0", count: width - text.count) + text
    }
}

import CAPIModel

/// A proleptic Gregorian calendar date, for validating dates of birth without Foundation.
struct CivilDate: Hashable {
    var year: Int
    var month: Int
    var day: Int

    /// The date `days` days after 1970-01-01 (Howard Hinnant's civil-from-days algorithm).
    init(daysSinceEpoch days: Int) {
        let z = days + 719_468
        let era = (z >= 0 ? z : z - 146_096) / 146_097
        let doe = z - era * 146_097
        let yoe = (doe - doe / 1_460 + doe / 36_524 - doe / 146_096) / 365
        let doy = doe - (365 * yoe + yoe / 4 - yoe / 100)
        let mp = (5 * doy + 2) / 153
        day = doy - (153 * mp + 2) / 5 + 1
        month = mp < 10 ? mp + 3 : mp - 9
        year = yoe + era * 400 + (month <= 2 ? 1 : 0)
    }

    init(year: Int, month: Int, day: Int) {
        self.year = year
        self.month = month
        self.day = day
    }

    static func daysInMonth(_ month: Int, year: Int) -> Int {
        switch month {
        case 2: return (year % 4 == 0 && year % 100 != 0) || year % 400 == 0 ? 29 : 28
        case 4, 6, 9, 11: return 30
        default: return 31
        }
    }

    /// True when the date exists in the calendar.
    var exists: Bool { month >= 1 && month <= 12 && day >= 1 && day <= Self.daysInMonth(month, year: year) }
}

enum DateOfBirthNormalizer {
    /// Reads a date of birth in the common written orders and writes `YYYYMMDD`.
    ///
    /// capi-param-builder's inference: with three numbers, the one above 31 is the year
    /// and one above 12 is the day; otherwise month comes before day (`01-02-1990` →
    /// `19900102`); 8 digits in a row are `YYYYMMDD`. Beyond it: 8 digits that are no valid
    /// `YYYYMMDD` are read as `DDMMYYYY` or `MMDDYYYY` by the same rule, English month names
    /// are understood (`December 31, 1990`), and the date must exist (no 30 February) with a
    /// year from 1900 to `latestYear`.
    static func normalize(
        _ input: UnsafeRawBufferPointer, latestYear: Int, into sink: inout ByteSink
    )
        throws(NormalizationFailure)
    {
        // The numbers and the month word are kept on the stack: dates of birth are hashed
        // for most customers, and two arrays per value were two allocations.
        var numbers = DateNumbers()
        var month: Int? = nil
        var word = ShortKey()
        var wordTooLong = false
        var current = 0
        var digits = 0

        func endNumber() {
            if digits > 0 { numbers.append((current, digits)) }
            current = 0
            digits = 0
        }
        func endWord() {
            if word.count > 0, !wordTooLong, month == nil, let named = monthNumber(word) { month = named }
            word = ShortKey()
            wordTooLong = false
        }

        for byte in input {
            if (byte &- UInt8(ascii: "0")) < 10 {
                endWord()
                // Cap the digit count so absurd input cannot overflow.
                if digits < 9 { current = current * 10 + Int(byte &- UInt8(ascii: "0")) }
                digits += 1
            } else {
                endNumber()
                let lower = asciiLowercase(byte)
                if (lower &- UInt8(ascii: "a")) < 26 {
                    // Longer than any month name: it names none.
                    if !word.append(lower) { wordTooLong = true }
                } else {
                    endWord()
                }
            }
        }
        endNumber()
        endWord()

        guard let date = interpret(numbers: numbers, month: month) else {
            throw NormalizationFailure(.dateOfBirth, .invalidDate)
        }
        guard date.exists, date.year >= 1900, date.year <= latestYear else {
            throw NormalizationFailure(.dateOfBirth, .impossibleDate(latestYear: latestYear))
        }
        write(date.year, width: 4, into: &sink)
        write(date.month, width: 2, into: &sink)
        write(date.day, width: 2, into: &sink)
    }

    static func interpret(numbers: DateNumbers, month: Int?) -> CivilDate? {
        if let month {
            // "December 31, 1990" or "31 Dec 1990": the remaining numbers are day and year.
            guard numbers.count == 2 else { return nil }
            let (a, b) = (numbers[0], numbers[1])
            if a.digits == 4 || a.value > 31 { return CivilDate(year: a.value, month: month, day: b.value) }
            return CivilDate(year: b.value, month: month, day: a.value)
        }
        if numbers.count >= 3 {
            return infer(numbers[0], numbers[1], numbers[2])
        }
        if numbers.count == 1, numbers[0].digits == 8 {
            let n = numbers[0].value
            let yyyymmdd = CivilDate(year: n / 10_000, month: n / 100 % 100, day: n % 100)
            if yyyymmdd.exists, yyyymmdd.year >= 1900 { return yyyymmdd }
            return infer((n / 1_000_000, 2), (n / 10_000 % 100, 2), (n % 10_000, 4))
        }
        return nil
    }

    /// capi-param-builder's order inference for three numbers.
    static func infer(
        _ n1: (value: Int, digits: Int), _ n2: (value: Int, digits: Int), _ n3: (value: Int, digits: Int)
    )
        -> CivilDate
    {
        if n1.value > 31 {
            return n2.value > 12
                ? CivilDate(year: n1.value, month: n3.value, day: n2.value)
                : CivilDate(year: n1.value, month: n2.value, day: n3.value)
        } else if n2.value > 31 {
            return n3.value > 12
                ? CivilDate(year: n2.value, month: n1.value, day: n3.value)
                : CivilDate(year: n2.value, month: n3.value, day: n1.value)
        } else {
            return n1.value > 12
                ? CivilDate(year: n3.value, month: n2.value, day: n1.value)
                : CivilDate(year: n3.value, month: n1.value, day: n2.value)
        }
    }

    static func monthNumber(_ word: ShortKey) -> Int? {
        guard word.count >= 3 else { return nil }
        return word.withBytes { text in
            for (index, name) in monthNames.enumerated() {
                if text.elementsEqual(name.utf8) || (text.count == 3 && name.utf8.starts(with: text))
                    || (index == 8 && text.elementsEqual("sept".utf8))
                {
                    return index + 1
                }
            }
            return nil
        }
    }

    static let monthNames = [
        "january", "february", "march", "april", "may", "june", "july", "august", "september", "october",
        "november", "december",
    ]

    private static func write(_ value: Int, width: Int, into sink: inout ByteSink) {
        // The last `width` digits, from the last one back: dividing by the constant 10 compiles
        // to a multiplication, where dividing by a power of ten computed at run time did not.
        let out = sink.appendUninitialized(count: width)
        var remaining = value
        var index = width
        while index > 0 {
            index &-= 1
            out[index] = UInt8(ascii: "0") + UInt8(remaining % 10)
            remaining /= 10
        }
    }
}

/// The numbers of a date as written: how many there were and the first three (all that
/// ``DateOfBirthNormalizer/interpret(numbers:month:)`` reads), without an array.
struct DateNumbers {
    private(set) var count = 0
    private var first: (value: Int, digits: Int) = (0, 0)
    private var second: (value: Int, digits: Int) = (0, 0)
    private var third: (value: Int, digits: Int) = (0, 0)

    mutating func append(_ number: (value: Int, digits: Int)) {
        switch count {
        case 0: first = number
        case 1: second = number
        case 2: third = number
        default: break
        }
        count &+= 1
    }

    /// The number at `index`, one of the first three.
    subscript(index: Int) -> (value: Int, digits: Int) {
        precondition(index >= 0 && index < 3, "only the first three numbers of a date are kept")
        return index == 0 ? first : index == 1 ? second : third
    }
}

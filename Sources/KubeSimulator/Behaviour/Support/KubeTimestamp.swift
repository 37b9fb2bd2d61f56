import Foundation

/// Formats and parses the two time shapes the API server writes.
///
/// `metav1.Time` is RFC 3339 in UTC with whole seconds (`2026-11-25T15:20:03Z`); `metav1.MicroTime`
/// (an Event's `eventTime`) carries six fraction digits. Both are written by hand: the simulator
/// formats thousands of timestamps per second under benchmarks, and Foundation's formatters are
/// neither cheap nor `Sendable` on every platform.
enum KubeTimestamp {
    /// `2026-11-25T15:20:03Z`: the instant truncated to whole seconds, as `metav1.Time` serializes.
    static func seconds(_ date: Date) -> String {
        let whole = Int64(date.timeIntervalSince1970.rounded(.down))
        return civil(whole) + "Z"
    }

    /// `2026-11-25T15:20:03.123456Z`, as `metav1.MicroTime` serializes.
    static func micro(_ date: Date) -> String {
        let interval = date.timeIntervalSince1970
        let whole = Int64(interval.rounded(.down))
        let micros = min(999_999, max(0, Int64(((interval - Double(whole)) * 1_000_000).rounded(.down))))
        let fraction = String(micros)
        return civil(whole) + "." + String(repeating: "0", count: 6 - fraction.count) + fraction + "Z"
    }

    /// `2026-11-25T15:20:03.123456Z` for nanoseconds since the epoch, truncated to microseconds.
    static func micro(nanoseconds: Int64) -> String {
        let whole = nanoseconds >= 0 ? nanoseconds / 1_000_000_000 : (nanoseconds - 999_999_999) / 1_000_000_000
        let fraction = String((nanoseconds - whole * 1_000_000_000) / 1_000)
        return civil(whole) + "." + String(repeating: "0", count: 6 - fraction.count) + fraction + "Z"
    }

    /// The instant `text` names, for the RFC 3339 shapes above (any number of fraction digits).
    static func parse(_ text: String) -> Date? {
        let bytes = Array(text.utf8)
        guard bytes.count >= 20, bytes[4] == UInt8(ascii: "-"), bytes[7] == UInt8(ascii: "-"),
            bytes[10] == UInt8(ascii: "T"), bytes[13] == UInt8(ascii: ":"), bytes[16] == UInt8(ascii: ":")
        else { return nil }
        func number(_ range: Range<Int>) -> Int64? {
            var value: Int64 = 0
            for index in range {
                let digit = Int64(bytes[index]) - 48
                guard (0...9).contains(digit) else { return nil }
                value = value * 10 + digit
            }
            return value
        }
        guard let year = number(0..<4), let month = number(5..<7), let day = number(8..<10),
            let hour = number(11..<13), let minute = number(14..<16), let second = number(17..<19)
        else { return nil }
        var fraction = 0.0
        var index = 19
        if bytes[index] == UInt8(ascii: ".") {
            index += 1
            var scale = 0.1
            while index < bytes.count, (48...57).contains(bytes[index]) {
                fraction += Double(bytes[index] - 48) * scale
                scale /= 10
                index += 1
            }
        }
        guard index == bytes.count - 1, bytes[index] == UInt8(ascii: "Z") else { return nil }
        let days = daysFromCivil(year: year, month: month, day: day)
        let seconds = days * 86_400 + hour * 3_600 + minute * 60 + second
        return Date(timeIntervalSince1970: Double(seconds) + fraction)
    }

    /// `YYYY-MM-DDTHH:MM:SS` for seconds since the epoch (proleptic Gregorian, UTC).
    private static func civil(_ epochSeconds: Int64) -> String {
        let days = epochSeconds >= 0 ? epochSeconds / 86_400 : (epochSeconds - 86_399) / 86_400
        let secondOfDay = epochSeconds - days * 86_400
        let (year, month, day) = civilFromDays(days)
        return pad(year, 4) + "-" + pad(month, 2) + "-" + pad(day, 2) + "T" + pad(secondOfDay / 3_600, 2) + ":"
            + pad(secondOfDay % 3_600 / 60, 2) + ":" + pad(secondOfDay % 60, 2)
    }

    private static func pad(_ value: Int64, _ width: Int) -> String {
        let text = String(value)
        return text.count >= width ? text : String(repeating: "0", count: width - text.count) + text
    }

    // Howard Hinnant's days-from-civil algorithms: exact for every Gregorian date, no calendar object.
    private static func civilFromDays(_ daysSinceEpoch: Int64) -> (Int64, Int64, Int64) {
        let shifted = daysSinceEpoch + 719_468
        let era = (shifted >= 0 ? shifted : shifted - 146_096) / 146_097
        let dayOfEra = shifted - era * 146_097
        let yearOfEra = (dayOfEra - dayOfEra / 1_460 + dayOfEra / 36_524 - dayOfEra / 146_096) / 365
        let dayOfYear = dayOfEra - (365 * yearOfEra + yearOfEra / 4 - yearOfEra / 100)
        let monthIndex = (5 * dayOfYear + 2) / 153
        let day = dayOfYear - (153 * monthIndex + 2) / 5 + 1
        let month = monthIndex < 10 ? monthIndex + 3 : monthIndex - 9
        return (yearOfEra + era * 400 + (month <= 2 ? 1 : 0), month, day)
    }

    private static func daysFromCivil(year: Int64, month: Int64, day: Int64) -> Int64 {
        let adjustedYear = month <= 2 ? year - 1 : year
        let era = (adjustedYear >= 0 ? adjustedYear : adjustedYear - 399) / 400
        let yearOfEra = adjustedYear - era * 400
        let dayOfYear = (153 * (month > 2 ? month - 3 : month + 9) + 2) / 5 + day - 1
        let dayOfEra = yearOfEra * 365 + yearOfEra / 4 - yearOfEra / 100 + dayOfYear
        return era * 146_097 + dayOfEra - 719_468
    }
}

/// Go's `time.Duration.String()` for the durations the kubelet prints (`10s`, `1m20s`, `5m0s`, `500ms`).
///
/// The kubelet's CrashLoopBackOff message embeds the back-off as Go formats it; a simulator that printed
/// `10.0 seconds` would teach the gate's parsers nothing.
enum GoDuration {
    static func format(_ seconds: Double) -> String {
        if seconds <= 0 { return "0s" }
        let millis = Int64((seconds * 1_000).rounded())
        if millis < 1_000 { return "\(millis)ms" }
        let hours = millis / 3_600_000
        let minutes = millis % 3_600_000 / 60_000
        let remainder = millis % 60_000
        let secondsText =
            remainder % 1_000 == 0
            ? "\(remainder / 1_000)s"
            : String(format: "%.3f", Double(remainder) / 1_000).replacingOccurrences(
                of: "0+$",
                with: "",
                options: .regularExpression
            ) + "s"
        if hours > 0 { return "\(hours)h\(minutes)m" + secondsText }
        if minutes > 0 { return "\(minutes)m" + secondsText }
        return secondsText
    }
}

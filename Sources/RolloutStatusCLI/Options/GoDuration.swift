/// Parses durations the way Go's `time.ParseDuration` does (`90s`, `5m`, `1h30m`, `500ms`, `1.5h`), and
/// plain numbers as seconds (`180`), as the original tool's integer flags took them.
///
/// Go's notation is what the original tool, kubectl and Helm users type; accepting bare seconds too
/// keeps `-pending-deadline 180` working unchanged.
public enum GoDuration {
    /// Parses `text`, or throws an error that quotes it and shows the expected shape.
    public static func parse(_ text: String) throws(GoDurationError) -> Duration {
        let trimmed = text.trimmingSpaces()
        guard !trimmed.isEmpty else { throw GoDurationError(text: text, problem: "it is empty") }
        var scalars = Substring(trimmed).unicodeScalars[...]
        var negative = false
        if let sign = scalars.first, sign == "-" || sign == "+" {
            negative = sign == "-"
            scalars = scalars.dropFirst()
        }
        if scalars.allSatisfy({ ("0"..."9").contains($0) || $0 == "." }), !scalars.isEmpty {
            // A bare number: seconds.
            guard let seconds = Double(String(String.UnicodeScalarView(scalars))), seconds.isFinite else {
                throw GoDurationError(text: text, problem: "it is not a number")
            }
            return try checked(negative ? -seconds : seconds, text: text)
        }
        var totalSeconds = 0.0
        while !scalars.isEmpty {
            let number = scalars.prefix { ("0"..."9").contains($0) || $0 == "." }
            guard !number.isEmpty, number.contains(where: { $0 != "." }),
                let value = Double(String(String.UnicodeScalarView(number)))
            else {
                throw GoDurationError(text: text, problem: "expected a number where \"\(String(scalars))\" begins")
            }
            scalars = scalars.dropFirst(number.count)
            let unit = scalars.prefix { !(("0"..."9").contains($0) || $0 == ".") }
            guard !unit.isEmpty else {
                throw GoDurationError(text: text, problem: "\(String(String.UnicodeScalarView(number))) has no unit")
            }
            scalars = scalars.dropFirst(unit.count)
            guard let scale = unitSeconds[String(String.UnicodeScalarView(unit))] else {
                throw GoDurationError(text: text, problem: "unknown unit \"\(String(String.UnicodeScalarView(unit)))\"")
            }
            totalSeconds += value * scale
        }
        return try checked(negative ? -totalSeconds : totalSeconds, text: text)
    }

    /// Seconds per unit; `us`, `µs` (micro sign) and `μs` (Greek mu) are all microseconds, as in Go.
    private static let unitSeconds: [String: Double] = [
        "ns": 1e-9, "us": 1e-6, "µs": 1e-6, "μs": 1e-6, "ms": 1e-3, "s": 1, "m": 60, "h": 3600,
    ]

    private static func checked(_ seconds: Double, text: String) throws(GoDurationError) -> Duration {
        // Go's limit: about 290 years in nanoseconds.
        guard seconds.isFinite, abs(seconds) < 9.2e9 else {
            throw GoDurationError(text: text, problem: "it is out of range")
        }
        let nanoseconds = (seconds * 1e9).rounded()
        return .nanoseconds(Int64(nanoseconds))
    }
}

/// A duration flag's value could not be read.
public struct GoDurationError: Error, Sendable, Hashable, CustomStringConvertible {
    /// The text as given.
    public var text: String
    /// What is wrong with it.
    public var problem: String

    /// Creates the error.
    public init(text: String, problem: String) {
        self.text = text
        self.problem = problem
    }

    /// One sentence that quotes the value and shows the expected shape.
    public var description: String {
        "invalid duration \"\(text)\": \(problem) (expected such as 90s, 5m, 1h30m, 500ms, or seconds)"
    }
}

extension StringProtocol {
    func trimmingSpaces() -> String {
        var view = Substring(self)
        while let first = view.first, first.isWhitespace { view = view.dropFirst() }
        while let last = view.last, last.isWhitespace { view = view.dropLast() }
        return String(view)
    }
}

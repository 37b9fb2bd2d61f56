import Foundation

/// A horizontal grouped bar chart rendered as standalone SVG, with no plotting dependency.
///
/// One group of bars per category (a row label on the left), one bar per series, an optional whisker
/// (such as the p95 beside a median bar) and an optional vertical goal line. A logarithmic axis keeps
/// milliseconds and minutes readable on one chart, which the gate-versus-kubectl comparisons need.
public struct BarChart: Sendable {
    /// One series of bars.
    public struct Series: Sendable {
        /// The legend's name.
        public var name: String
        /// A CSS colour.
        public var color: String
        /// One value per category; `nil` draws no bar and writes the reason in `missing`.
        public var values: [Double?]
        /// An optional upper whisker per category (such as the p95).
        public var whiskers: [Double?]

        /// Creates a series.
        public init(name: String, color: String, values: [Double?], whiskers: [Double?] = []) {
            self.name = name
            self.color = color
            self.values = values
            self.whiskers = whiskers
        }
    }

    /// The title.
    public var title: String
    /// The axis unit, such as `ms`.
    public var unit: String
    /// The row labels.
    public var categories: [String]
    /// The series.
    public var series: [Series]
    /// A logarithmic axis.
    public var logarithmic: Bool
    /// A goal to draw as a vertical line, with its label.
    public var goal: (value: Double, label: String)?
    /// Text where a value is missing.
    public var missing: String

    /// Creates a chart.
    public init(
        title: String,
        unit: String,
        categories: [String],
        series: [Series],
        logarithmic: Bool,
        goal: (value: Double, label: String)? = nil,
        missing: String = "not measured"
    ) {
        self.title = title
        self.unit = unit
        self.categories = categories
        self.series = series
        self.logarithmic = logarithmic
        self.goal = goal
        self.missing = missing
    }

    static let labelWidth = 250.0
    static let plotWidth = 520.0
    static let barHeight = 14.0
    static let barGap = 3.0
    static let groupGap = 12.0

    /// The SVG document.
    public var svg: String {
        let values =
            series.flatMap { $0.values.compactMap { $0 } + $0.whiskers.compactMap { $0 } }
            + (goal.map { [$0.value] } ?? [])
        let positive = values.filter { $0 > 0 }
        let axis = Axis(values: logarithmic ? positive : values, logarithmic: logarithmic)
        let groupHeight = Double(series.count) * (Self.barHeight + Self.barGap) + Self.groupGap
        let top = 48.0
        let plotHeight = Double(categories.count) * groupHeight
        let legendY = top + plotHeight + 52
        let height = legendY + 24
        let width = Self.labelWidth + Self.plotWidth + 90
        var out = """
            <svg xmlns="http://www.w3.org/2000/svg" width="\(Int(width))" height="\(Int(height))" \
            viewBox="0 0 \(Int(width)) \(Int(height))" font-family="Helvetica, Arial, sans-serif" font-size="12">
            <rect width="100%" height="100%" fill="white"/>
            <text x="10" y="22" font-size="15" font-weight="bold">\(Self.escape(title))</text>

            """
        // Grid and ticks.
        for tick in axis.ticks {
            let x = Self.labelWidth + axis.position(tick) * Self.plotWidth
            out += """
                <line x1="\(Self.format(x))" y1="\(Self.format(top - 6))" x2="\(Self.format(x))" \
                y2="\(Self.format(top + plotHeight))" stroke="#ddd"/>
                <text x="\(Self.format(x))" y="\(Self.format(top + plotHeight + 16))" text-anchor="middle" \
                fill="#555">\(Self.escape(Self.tickLabel(tick)))</text>

                """
        }
        out += """
            <text x="\(Self.format(Self.labelWidth + Self.plotWidth / 2))" y="\(Self.format(top + plotHeight + 30))" \
            text-anchor="middle" fill="#555">\(Self.escape(unit))\(logarithmic ? " (log scale)" : "")</text>

            """
        for (row, category) in categories.enumerated() {
            let groupTop = top + Double(row) * groupHeight
            let middle = groupTop + (groupHeight - Self.groupGap) / 2
            out += """
                <text x="\(Self.format(Self.labelWidth - 8))" y="\(Self.format(middle + 4))" \
                text-anchor="end">\(Self.escape(category))</text>

                """
            for (index, series) in series.enumerated() {
                let y = groupTop + Double(index) * (Self.barHeight + Self.barGap)
                let value = row < series.values.count ? series.values[row] : nil
                guard let value else {
                    out += """
                        <text x="\(Self.format(Self.labelWidth + 4))" y="\(Self.format(y + Self.barHeight - 3))" \
                        fill="#999" font-style="italic">\(Self.escape(series.name)): \(Self.escape(missing))</text>

                        """
                    continue
                }
                let length = max(1, axis.position(value) * Self.plotWidth)
                out += """
                    <rect x="\(Self.format(Self.labelWidth))" y="\(Self.format(y))" width="\(Self.format(length))" \
                    height="\(Self.format(Self.barHeight))" fill="\(series.color)"><title>\(Self.escape(series.name)): \
                    \(Self.escape(Self.valueLabel(value)))</title></rect>

                    """
                var labelX = Self.labelWidth + length + 4
                if row < series.whiskers.count, let whisker = series.whiskers[row], whisker > value {
                    let end = Self.labelWidth + axis.position(whisker) * Self.plotWidth
                    let centre = y + Self.barHeight / 2
                    out += """
                        <line x1="\(Self.format(Self.labelWidth + length))" y1="\(Self.format(centre))" \
                        x2="\(Self.format(end))" y2="\(Self.format(centre))" stroke="#333"/>
                        <line x1="\(Self.format(end))" y1="\(Self.format(y + 2))" x2="\(Self.format(end))" \
                        y2="\(Self.format(y + Self.barHeight - 2))" stroke="#333"/>

                        """
                    labelX = end + 4
                }
                out += """
                    <text x="\(Self.format(labelX))" y="\(Self.format(y + Self.barHeight - 3))" \
                    fill="#333">\(Self.escape(Self.valueLabel(value)))</text>

                    """
            }
        }
        if let goal {
            let x = Self.labelWidth + axis.position(goal.value) * Self.plotWidth
            out += """
                <line x1="\(Self.format(x))" y1="\(Self.format(top - 10))" x2="\(Self.format(x))" \
                y2="\(Self.format(top + plotHeight))" stroke="#c0392b" stroke-dasharray="5,3" stroke-width="1.5"/>
                <text x="\(Self.format(x + 4))" y="\(Self.format(top - 12))" fill="#c0392b">\(Self.escape(goal.label))</text>

                """
        }
        var legendX = Self.labelWidth
        for series in series {
            out += """
                <rect x="\(Self.format(legendX))" y="\(Self.format(legendY - 10))" width="12" height="12" \
                fill="\(series.color)"/>
                <text x="\(Self.format(legendX + 16))" y="\(Self.format(legendY))">\(Self.escape(series.name))</text>

                """
            legendX += 30 + Double(series.name.count) * 7
        }
        if series.contains(where: { !$0.whiskers.isEmpty }) {
            out += """
                <text x="\(Self.format(legendX))" y="\(Self.format(legendY))" fill="#555">bar: median, whisker: p95</text>

                """
        }
        return out + "</svg>\n"
    }

    /// The axis: a value's position between 0 and 1, and round ticks.
    struct Axis {
        let lower: Double
        let upper: Double
        let logarithmic: Bool
        let ticks: [Double]

        init(values: [Double], logarithmic: Bool) {
            self.logarithmic = logarithmic
            if logarithmic {
                let smallest = values.min() ?? 1
                let largest = values.max() ?? 10
                let low = pow(10, floor(log10(max(smallest, 1e-9))))
                var high = pow(10, ceil(log10(max(largest, low * 10))))
                if high <= low { high = low * 10 }
                lower = low
                upper = high
                var ticks: [Double] = []
                var tick = low
                while tick <= high * 1.0001 {
                    ticks.append(tick)
                    tick *= 10
                }
                self.ticks = ticks
            } else {
                lower = 0
                let largest = max(values.max() ?? 1, 1e-9)
                let step = Self.niceStep(largest / 5)
                upper = (largest / step).rounded(.up) * step
                ticks = stride(from: 0.0, through: upper * 1.0001, by: step).map { $0 }
            }
        }

        static func niceStep(_ raw: Double) -> Double {
            let magnitude = pow(10, floor(log10(raw)))
            for multiple in [1.0, 2.0, 2.5, 5.0, 10.0] where raw <= multiple * magnitude {
                return multiple * magnitude
            }
            return 10 * magnitude
        }

        func position(_ value: Double) -> Double {
            if logarithmic {
                let clamped = min(max(value, lower), upper)
                return (log10(clamped) - log10(lower)) / (log10(upper) - log10(lower))
            }
            return min(max(value / upper, 0), 1)
        }
    }

    static func tickLabel(_ value: Double) -> String {
        if value >= 1_000_000 { return "\(trim(value / 1_000_000))M" }
        if value >= 1000 { return "\(trim(value / 1000))k" }
        return trim(value)
    }

    static func valueLabel(_ value: Double) -> String {
        if value >= 100_000 { return "\(trim((value / 1000).rounded()))k" }
        if value >= 100 { return String(format: "%.0f", value) }
        if value >= 10 { return String(format: "%.1f", value) }
        return String(format: "%.2f", value)
    }

    static func trim(_ value: Double) -> String {
        value == value.rounded() ? String(Int(value)) : String(format: "%g", value)
    }

    static func format(_ value: Double) -> String { String(format: "%.1f", value) }

    static func escape(_ text: String) -> String {
        text.replacingOccurrences(of: "&", with: "&amp;").replacingOccurrences(of: "<", with: "&lt;")
            .replacingOccurrences(of: ">", with: "&gt;").replacingOccurrences(of: "\"", with: "&quot;")
    }
}

import Foundation
import RolloutCoordinator
import RolloutReport

/// The progress display for a terminal: a compact table redrawn in place, one line per target.
///
/// A pure value: progress events go in, frames come out as text with the escape sequences that move the
/// cursor back over the previous frame. Every line is cut to the terminal's width (a wrapped line would
/// break the redraw), and when the targets do not fit its height the table shows failures and waiting
/// targets first and counts the rest.
struct LiveStatusTable: Sendable {
    /// When the gate started, for the elapsed time in the header.
    let startedAt: Date
    private var targets: [String: TargetLine] = [:]
    private var order: [String] = []
    /// How many lines the frame on screen has, to move back over it.
    private var drawnLines = 0

    /// Creates an empty table for a gate that started at `startedAt`.
    init(startedAt: Date) {
        self.startedAt = startedAt
    }

    /// Takes in a change; returns whether the table's content changed.
    mutating func show(_ event: ProgressEvent) -> Bool {
        let line = TargetLine(event)
        if targets[line.name] == nil { order.append(line.name) }
        defer { targets[line.name] = line }
        return targets[line.name] != line
    }

    /// The table's lines for a terminal of `width` columns and `height` rows, without escapes or colour.
    func lines(now: Date, width: Int, height: Int) -> [(text: String, status: Range<Int>?, colour: String?)] {
        let all = order.compactMap { targets[$0] }
        let done = all.count(where: \.state.isFinal)
        let failed = all.count(where: { if case .failed = $0.state { true } else { false } })
        var header =
            "rollout-status \(PlainProgress.elapsed(from: startedAt, to: now, precise: false)): "
            + "\(done) of \(all.count) done"
        if failed > 0 { header += ", \(failed) failed" }
        var rows: [(text: String, status: Range<Int>?, colour: String?)] = [(header, nil, nil)]
        guard !all.isEmpty else { return rows.map { (Self.cut($0.text, to: width), nil, nil) } }
        let room = max(1, height - 2)
        var shown = all
        var hidden: [TargetLine] = []
        if all.count > room {
            let ranked = all.sorted { ($0.priority, $0.name) < ($1.priority, $1.name) }
            shown = Array(ranked.prefix(room - 1))
            hidden = Array(ranked.dropFirst(room - 1))
        }
        let nameWidth = min(max(6, shown.map(\.name.count).max() ?? 0), max(12, width / 3))
        let heading = ["TARGET".padded(nameWidth), "READY", "UPDATED", "STATUS    ", "BLOCKING"]
        rows.append((heading.joined(separator: "  "), nil, nil))
        for target in shown {
            let ready = target.counts.map { "\($0.ready)/\($0.desired)" } ?? "-"
            let updated = target.counts.map { "\($0.updated)/\($0.desired)" } ?? "-"
            let prefix =
                [Self.cut(target.name, to: nameWidth).padded(nameWidth), ready.padded(5), updated.padded(7)]
                .joined(separator: "  ") + "  "
            let status = target.state.word
            var detail = ""
            switch target.state {
            case .failed(let code, let message): detail = "\(code): \(message)"
            case .waiting, .stopped: detail = target.blockersText(limit: 1) ?? ""
            case .succeeded, .cancelled: detail = ""
            }
            let text = prefix + status.padded(10) + "  " + UntrustedText.singleLine(detail)
            let start = prefix.count
            rows.append((text, start..<(start + status.count), target.state.colour))
        }
        if !hidden.isEmpty {
            var counts: [String: Int] = [:]
            for target in hidden { counts[target.state.word, default: 0] += 1 }
            let parts = counts.sorted { $0.key < $1.key }.map { "\($0.value) \($0.key)" }
            rows.append(("… and \(hidden.count) more: \(parts.joined(separator: ", "))", nil, nil))
        }
        return rows.map { row in
            let text = Self.cut(row.text.trimmingTrailingSpaces(), to: width)
            let status = row.status.flatMap { $0.upperBound <= text.count ? $0 : nil }
            return (text, status, row.colour)
        }
    }

    /// The text that replaces the frame on screen with the current one.
    ///
    /// Back to the first line of the previous frame, each line rewritten and cleared to its end, anything
    /// left below cleared. It ends without a newline: the display writes it as one line, whose newline
    /// leaves the cursor below.
    mutating func redraw(now: Date, width: Int, height: Int) -> String {
        let rows = lines(now: now, width: width, height: height)
        let back = drawnLines > 0 ? "\r\u{1B}[\(drawnLines)A" : "\r"
        drawnLines = rows.count
        return back + rows.map { Self.coloured($0) + "\u{1B}[K" }.joined(separator: "\n") + "\u{1B}[J"
    }

    /// Clears the frame (to print another message above where it was); the next redraw starts afresh.
    mutating func clear() -> String {
        guard drawnLines > 0 else { return "" }
        defer { drawnLines = 0 }
        return "\r\u{1B}[\(drawnLines)A\u{1B}[J"
    }

    /// A row with its status word coloured.
    static func coloured(_ row: (text: String, status: Range<Int>?, colour: String?)) -> String {
        guard let range = row.status, let colour = row.colour else { return row.text }
        let characters = Array(row.text)
        return String(characters[..<range.lowerBound]) + "\u{1B}[\(colour)m"
            + String(characters[range]) + "\u{1B}[0m" + String(characters[range.upperBound...])
    }

    /// At most `width` characters, the last one an ellipsis when cut.
    static func cut(_ text: String, to width: Int) -> String {
        guard text.count > width else { return text }
        guard width > 1 else { return String(text.prefix(max(0, width))) }
        return String(text.prefix(width - 1)) + "…"
    }
}

extension TargetLine {
    /// Which targets a full table keeps: failures, then the waiting, then the rest.
    fileprivate var priority: Int {
        switch state {
        case .failed: 0
        case .waiting: 1
        case .stopped: 2
        case .cancelled: 3
        case .succeeded: 4
        }
    }
}

extension TargetLine.State {
    /// The SGR colour of the status word: green, red, yellow, dim.
    fileprivate var colour: String {
        switch self {
        case .succeeded: "32"
        case .failed: "31"
        case .waiting: "33"
        case .cancelled, .stopped: "2"
        }
    }
}

extension String {
    /// Padded with spaces to `width` characters.
    fileprivate func padded(_ width: Int) -> String {
        count >= width ? self : self + String(repeating: " ", count: width - count)
    }

    /// Without trailing spaces.
    func trimmingTrailingSpaces() -> String {
        var copy = self
        while copy.last == " " { copy.removeLast() }
        return copy
    }
}

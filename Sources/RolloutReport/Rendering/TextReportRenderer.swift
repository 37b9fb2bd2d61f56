import RolloutRules

/// Renders a report as the final summary table of `--output text`, for people reading a CI log.
///
/// Every string that came from the cluster is neutralised: a crash log full of ANSI escapes prints as
/// visible `^[` characters and cannot rewrite the console.
public struct TextReportRenderer: Sendable {
    /// How many log lines to show under a failed target; the JSON report keeps the whole capped tail.
    public var logLinesShown: Int

    /// Creates a renderer.
    public init(logLinesShown: Int = 20) {
        self.logLinesShown = logLinesShown
    }

    /// The table, the summary line, the decisive error and the failing logs, ending in a newline.
    public func render(_ report: GateReport) -> String {
        var lines: [String] = []
        if !report.results.isEmpty {
            lines += table(report.results)
            lines.append("")
        }
        let unmatched = report.selections.filter { $0.status != .matched }
        for selection in unmatched {
            lines.append("selection \(selection.description): \(Self.state(of: selection))")
        }
        if !unmatched.isEmpty { lines.append("") }
        lines.append(summaryLine(report))
        if let error = report.error {
            lines.append(
                "error: \(error.code.rawValue) (\(error.type.rawValue)): \(UntrustedText.singleLine(error.message))"
            )
        }
        for result in report.results {
            guard let failure = result.failure else { continue }
            lines += failureDetails(result: result, failure: failure)
        }
        if !report.skipped.isEmpty {
            lines.append("")
            lines.append("skipped:")
            for object in report.skipped {
                let namespace = object.namespace.map { "\($0)/" } ?? ""
                lines.append(
                    "  \(object.kind) \(namespace)\(object.name) (\(object.source)): \(object.reason)"
                )
            }
        }
        return lines.map(UntrustedText.neutralised).joined(separator: "\n") + "\n"
    }

    private func table(_ results: [TargetResult]) -> [String] {
        let header = ["TARGET", "KIND", "VERDICT", "READY", "DETAIL"]
        let rows = results.map { result -> [String] in
            [result.path, result.kind.rawValue, result.verdict.rawValue, readiness(result), detail(result)]
        }
        var widths = header.map(\.count)
        for row in rows {
            for (index, cell) in row.enumerated() where index < header.count - 1 {
                widths[index] = max(widths[index], cell.count)
            }
        }
        return ([header] + rows).map { row in
            row.enumerated().map { index, cell in
                index == row.count - 1 ? cell : cell + String(repeating: " ", count: widths[index] - cell.count)
            }.joined(separator: "  ").trimmingTrailingSpaces()
        }
    }

    /// `matched nothing (not-found)`, or `unresolved: what it waited for`.
    static func state(of selection: SelectionResult) -> String {
        switch selection.status {
        case .matched:
            return "matched \(selection.matched)"
        case .matchedNothing:
            return "matched nothing (\(selection.failure?.code.rawValue ?? "not-found"))"
        case .unresolved:
            return "unresolved" + (selection.waitingFor.map { ": " + UntrustedText.singleLine($0) } ?? "")
        }
    }

    private func readiness(_ result: TargetResult) -> String {
        if let replicas = result.replicas { return "\(replicas.available)/\(replicas.desired)" }
        if let job = result.job { return "\(job.succeeded)/\(job.completions.map(String.init) ?? "1")" }
        return "-"
    }

    private func detail(_ result: TargetResult) -> String {
        if let failure = result.failure {
            let reason = failure.reason.map { "\($0): " } ?? ""
            return UntrustedText.singleLine("\(failure.code.rawValue): \(reason)\(failure.message)")
        }
        if let waiting = result.waitingFor { return UntrustedText.singleLine(waiting) }
        return ""
    }

    private func summaryLine(_ report: GateReport) -> String {
        let summary = report.summary
        var parts = ["\(summary.succeeded) succeeded", "\(summary.failed) failed"]
        if summary.progressing > 0 { parts.append("\(summary.progressing) progressing") }
        if summary.cancelled > 0 { parts.append("\(summary.cancelled) cancelled") }
        var line = "\(summary.total) target\(summary.total == 1 ? "" : "s"): " + parts.joined(separator: ", ")
        if summary.skipped > 0 { line += "; \(summary.skipped) object\(summary.skipped == 1 ? "" : "s") skipped" }
        let verdict = report.success ? "success" : "FAILED"
        return line + " — \(verdict) in \(DurationText.format(.milliseconds(Int64(report.durationSeconds * 1000))))"
    }

    private func failureDetails(result: TargetResult, failure: TargetFailure) -> [String] {
        var lines = ["", "\(result.displayName) failed: \(failure.code.rawValue) (rule \(failure.rule))"]
        if let pod = failure.pod {
            var where_ = "  pod \(pod)"
            if let container = failure.container { where_ += ", container \(container)" }
            if let restarts = failure.restartCount { where_ += ", \(restarts) restarts" }
            if let last = failure.lastTermination {
                where_ += ", last exit \(last.exitCode)"
                if let reason = last.reason { where_ += " (\(reason))" }
                if let signal = last.signal { where_ += " signal \(signal)" }
            }
            lines.append(where_)
        }
        for event in result.events {
            lines.append(
                "  event \(event.reason) ×\(event.count) on \(event.object): \(UntrustedText.singleLine(event.message))"
            )
        }
        if let log = failure.log {
            let instance = log.previous ? "previous instance" : "current instance"
            switch log.content {
            case .text(let text, let truncated):
                var logLines = text.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
                if logLines.last == "" { logLines.removeLast() }
                let shown = logLines.suffix(logLinesShown)
                let cut = truncated || shown.count < logLines.count ? ", last \(shown.count) lines" : ""
                lines.append("  log of \(log.container) (\(instance)\(cut)):")
                lines += shown.map { "  | " + $0 }
            case .unavailable(let reason):
                lines.append("  log of \(log.container) (\(instance)) unavailable: \(UntrustedText.singleLine(reason))")
            }
        }
        return lines
    }
}

extension String {
    fileprivate func trimmingTrailingSpaces() -> String {
        var copy = self
        while copy.last == " " { copy.removeLast() }
        return copy
    }
}

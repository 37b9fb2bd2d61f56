import RolloutRules

/// Renders a report for GitHub Actions: `::error` workflow commands and a Markdown job summary.
///
/// Used when `GITHUB_ACTIONS=true`. Annotations go to stderr (stdout carries only the report); the
/// summary is appended to the file named by `GITHUB_STEP_SUMMARY`. Cluster text is escaped so a log
/// line can neither start a workflow command of its own nor break out of its Markdown code block.
public struct GitHubActionsRenderer: Sendable {
    /// How many log lines the summary shows per failed target.
    public var logLinesShown: Int

    /// Creates a renderer.
    public init(logLinesShown: Int = 30) {
        self.logLinesShown = logLinesShown
    }

    /// One `::error` line per failed or unfinished target, or one for a program error.
    public func annotations(_ report: GateReport) -> String {
        var lines: [String] = []
        for result in report.results {
            switch result.verdict {
            case .failed:
                let failure = result.failure
                let code = failure?.code.rawValue ?? "failed"
                let reason = failure?.reason.map { "\($0): " } ?? ""
                lines.append(
                    command(
                        title: "rollout-status: \(result.displayName) failed (\(code))",
                        message: reason + (failure?.message ?? "failed")
                    )
                )
            case .progressing:
                lines.append(
                    command(
                        title: "rollout-status: \(result.displayName) did not finish",
                        message: result.waitingFor ?? "still progressing when the gate stopped"
                    )
                )
            case .succeeded, .cancelled:
                continue
            }
        }
        for selection in report.selections {
            switch selection.status {
            case .matchedNothing:
                lines.append(
                    command(
                        title: "rollout-status: \(selection.description) matched nothing (not-found)",
                        message: selection.failure?.message ?? "the selector matched no workload"
                    )
                )
            case .unresolved where !report.stoppedByAFailure:
                lines.append(
                    command(
                        title: "rollout-status: \(selection.description) was never listed",
                        message: selection.waitingFor ?? "the gate stopped before the selection was listed"
                    )
                )
            case .matched, .unresolved:
                continue
            }
        }
        if lines.isEmpty, let error = report.error {
            lines.append(command(title: "rollout-status: \(error.code.rawValue)", message: error.message))
        }
        return lines.map { $0 + "\n" }.joined()
    }

    /// The Markdown job summary: a verdict line, a table of targets, and each failure with its log.
    public func summary(_ report: GateReport) -> String {
        var lines: [String] = []
        let icon = report.success ? "✅" : "❌"
        lines.append("### \(icon) rollout-status: \(report.success ? "all rollouts succeeded" : "rollout gate failed")")
        lines.append("")
        if let error = report.error {
            lines.append("**\(error.code.rawValue)** (\(error.type.rawValue)): \(inline(error.message))")
            lines.append("")
        }
        if !report.results.isEmpty {
            lines.append("| target | kind | verdict | ready | detail |")
            lines.append("| --- | --- | --- | --- | --- |")
            for result in report.results {
                let ready = result.replicas.map { "\($0.available)/\($0.desired)" } ?? "-"
                let detail =
                    result.failure.map { "\($0.code.rawValue): " + ($0.reason.map { "\($0): " } ?? "") + $0.message }
                    ?? result.waitingFor ?? ""
                lines.append(
                    "| \(inline(result.path)) | \(result.kind.rawValue) | \(result.verdict.rawValue) | \(ready) | \(inline(detail)) |"
                )
            }
            lines.append("")
        }
        for selection in report.selections where selection.status != .matched {
            lines.append(
                "- selection \(inline(selection.description)): \(inline(TextReportRenderer.state(of: selection)))"
            )
        }
        if report.selections.contains(where: { $0.status != .matched }) { lines.append("") }
        for result in report.results {
            guard let failure = result.failure, let log = failure.log, let text = log.text else { continue }
            var logLines = text.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
            if logLines.last == "" { logLines.removeLast() }
            let shown = logLines.suffix(logLinesShown).map(UntrustedText.neutralised).joined(separator: "\n")
            let fence = String(repeating: "`", count: max(3, longestBacktickRun(in: shown) + 1))
            lines.append("<details><summary>\(inline(result.path)): log of \(inline(log.container))</summary>")
            lines.append("")
            lines.append(fence + "text")
            lines.append(shown)
            lines.append(fence)
            lines.append("")
            lines.append("</details>")
            lines.append("")
        }
        let summary = report.summary
        lines.append(
            "\(summary.total) targets: \(summary.succeeded) succeeded, \(summary.failed) failed, \(summary.progressing) progressing, \(summary.cancelled) cancelled, \(summary.skipped) skipped."
        )
        return lines.joined(separator: "\n") + "\n"
    }

    /// A workflow command; the message escaping keeps it on one line (GitHub's `%`, CR, LF rules).
    private func command(title: String, message: String) -> String {
        "::error title=\(escapeProperty(UntrustedText.neutralised(title)))::\(escapeData(UntrustedText.neutralised(message)))"
    }

    private func escapeData(_ value: String) -> String {
        value.replacing("%", with: "%25").replacing("\r", with: "%0D").replacing("\n", with: "%0A")
    }

    private func escapeProperty(_ value: String) -> String {
        escapeData(value).replacing(":", with: "%3A").replacing(",", with: "%2C")
    }

    /// Text for a table cell or a line of prose: one line, pipes and HTML escaped.
    private func inline(_ value: String) -> String {
        UntrustedText.singleLine(value)
            .replacing("&", with: "&amp;")
            .replacing("<", with: "&lt;")
            .replacing(">", with: "&gt;")
            .replacing("|", with: "\\|")
    }

    private func longestBacktickRun(in text: String) -> Int {
        var longest = 0
        var current = 0
        for character in text {
            current = character == "`" ? current + 1 : 0
            longest = max(longest, current)
        }
        return longest
    }
}

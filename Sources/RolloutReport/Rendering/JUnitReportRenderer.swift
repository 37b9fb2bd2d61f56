import KubeModel
import RolloutRules

/// Renders a report as JUnit XML (`--junit PATH`): one test case per target, for GitLab and Jenkins.
///
/// A failed target is a `<failure>` whose type is the failure code and whose body carries the log tail;
/// a target still progressing at the deadline fails with type `timeout`; a cancelled one is `<skipped>`.
/// A program error with no targets becomes one `<error>` case, so the test view still shows why.
public struct JUnitReportRenderer: Sendable {
    /// The suite name the CI test view groups cases under.
    public var suiteName: String

    /// Creates a renderer.
    public init(suiteName: String = "rollout-status") {
        self.suiteName = suiteName
    }

    /// The XML document, ending in a newline.
    public func render(_ report: GateReport) -> String {
        let time = String(report.durationSeconds)
        var cases: [String] = []
        var failures = 0
        var errors = 0
        var skipped = 0
        for result in report.results {
            let open =
                "    <testcase classname=\"\(attribute(result.namespace))\" name=\"\(attribute(result.kind.rawValue + "/" + result.name))\" time=\"\(time)\""
            switch result.verdict {
            case .succeeded:
                cases.append(open + "/>")
            case .failed:
                failures += 1
                let failure = result.failure
                let type = failure?.code.rawValue ?? "failed"
                let message = failure.map { ($0.reason.map { "\($0): " } ?? "") + $0.message } ?? "failed"
                cases.append(open + ">")
                cases.append(
                    "      <failure type=\"\(attribute(type))\" message=\"\(attribute(message))\">\(text(body(result)))</failure>"
                )
                cases.append("    </testcase>")
            case .progressing:
                failures += 1
                let message = "still progressing when the gate stopped" + (result.waitingFor.map { ": \($0)" } ?? "")
                cases.append(open + ">")
                cases.append(
                    "      <failure type=\"\(report.interruptedBy == nil ? "timeout" : "interrupted")\" message=\"\(attribute(message))\"/>"
                )
                cases.append("    </testcase>")
            case .cancelled:
                skipped += 1
                let message = "cancelled after another target failed" + (result.waitingFor.map { ": \($0)" } ?? "")
                cases.append(open + ">")
                cases.append("      <skipped message=\"\(attribute(message))\"/>")
                cases.append("    </testcase>")
            }
        }
        for selection in report.selections where selection.status != .matched {
            let open =
                "    <testcase classname=\"selection\" name=\"\(attribute(selection.description))\" time=\"\(time)\""
            cases.append(open + ">")
            if selection.status == .matchedNothing {
                failures += 1
                let message = selection.failure?.message ?? "the selector matched no workload"
                cases.append("      <failure type=\"not-found\" message=\"\(attribute(message))\"/>")
            } else if report.stoppedByAFailure {
                skipped += 1
                cases.append("      <skipped message=\"cancelled before the selection was listed\"/>")
            } else {
                failures += 1
                let message = "never listed before the gate stopped" + (selection.waitingFor.map { ": \($0)" } ?? "")
                cases.append(
                    "      <failure type=\"\(report.interruptedBy == nil ? "timeout" : "interrupted")\" message=\"\(attribute(message))\"/>"
                )
            }
            cases.append("    </testcase>")
        }
        if report.results.isEmpty, !report.selections.contains(where: { $0.status != .matched }),
            let error = report.error
        {
            errors += 1
            cases.append("    <testcase classname=\"\(attribute(suiteName))\" name=\"gate\" time=\"\(time)\">")
            cases.append(
                "      <error type=\"\(attribute(error.code.rawValue))\" message=\"\(attribute(error.message))\"/>"
            )
            cases.append("    </testcase>")
        }
        let tests = cases.count(where: { $0.hasPrefix("    <testcase") })
        let counts =
            "tests=\"\(tests)\" failures=\"\(failures)\" errors=\"\(errors)\" skipped=\"\(skipped)\" time=\"\(time)\""
        var lines = [
            "<?xml version=\"1.0\" encoding=\"UTF-8\"?>",
            "<testsuites name=\"\(attribute(suiteName))\" \(counts)>",
            "  <testsuite name=\"\(attribute(suiteName))\" \(counts) timestamp=\"\(report.startedAt.rfc3339)\">",
        ]
        lines += cases
        lines.append("  </testsuite>")
        lines.append("</testsuites>")
        return lines.joined(separator: "\n") + "\n"
    }

    private func body(_ result: TargetResult) -> String {
        guard let failure = result.failure else { return "" }
        var lines = ["rule: \(failure.rule)"]
        if let pod = failure.pod { lines.append("pod: \(pod)") }
        if let container = failure.container { lines.append("container: \(container)") }
        if let restarts = failure.restartCount { lines.append("restarts: \(restarts)") }
        for event in result.events {
            lines.append("event: \(event.reason) x\(event.count) on \(event.object): \(event.message)")
        }
        if let log = failure.log {
            switch log.content {
            case .text(let text, _):
                lines.append("log (\(log.container)\(log.previous ? ", previous instance" : "")):")
                lines.append(text)
            case .unavailable(let reason):
                lines.append("log (\(log.container)) unavailable: \(reason)")
            }
        }
        return lines.joined(separator: "\n")
    }

    /// Escapes an attribute value; newlines become character references so they survive.
    private func attribute(_ value: String) -> String {
        escape(value, attribute: true)
    }

    private func text(_ value: String) -> String {
        escape(value, attribute: false)
    }

    /// XML-escapes and drops what XML 1.0 cannot carry; terminal controls are neutralised first.
    private func escape(_ value: String, attribute: Bool) -> String {
        var result = ""
        for scalar in UntrustedText.neutralised(value).unicodeScalars {
            switch scalar {
            case "&": result += "&amp;"
            case "<": result += "&lt;"
            case ">": result += "&gt;"
            case "\"" where attribute: result += "&quot;"
            case "\n" where attribute: result += "&#10;"
            case "\t" where attribute: result += "&#9;"
            case "\u{FFFE}", "\u{FFFF}": result += "\u{FFFD}"
            default: result.unicodeScalars.append(scalar)
            }
        }
        return result
    }
}

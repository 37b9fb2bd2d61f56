import KubeModel
import RolloutRules

/// The report the gate prints on stdout: the original tool's `success` and `error`, plus one result
/// per target.
///
/// `schema.json` at the repository root describes the encoding exactly; `docs/report.md` explains each
/// field. Build a report with `init(timing:results:skipped:conclusion:)`, which decides `success` and the
/// decisive `error` in one place, and encode it with `ReportEncoder`.
public struct GateReport: Sendable, Hashable, Codable {
    /// The version of this report's shape; raised on any breaking change.
    public static let currentSchemaVersion = 1

    /// The version of this report's shape.
    public var schemaVersion: Int
    /// Whether every target succeeded.
    public var success: Bool
    /// The decisive error, absent on success.
    public var error: ReportError?
    /// Set when a signal stopped the gate.
    public var interruptedBy: InterruptSignal?
    /// Wall-clock start, RFC 3339 in UTC.
    public var startedAt: KubeTime
    /// Wall-clock end, RFC 3339 in UTC.
    public var finishedAt: KubeTime
    /// Elapsed seconds (monotonic), to the millisecond.
    public var durationSeconds: Double
    /// Counts over results and skipped objects.
    public var summary: ReportSummary
    /// One entry per target, in namespace, kind, name order.
    public var results: [TargetResult]
    /// One entry per label selection (`-l`): what it matched, or that it matched nothing.
    public var selections: [SelectionResult]
    /// Manifest objects that are not selected workloads.
    public var skipped: [SkippedObject]

    /// Builds a report from what the gate saw; `success` and `error` follow from the conclusion.
    ///
    /// - A failed target's failure wins over a deadline: it is the more certain outcome (exit 1, not 2).
    /// - `completed` with targets left unfinished and no failure is a bug in the caller: `internal`.
    /// - A selection that matched nothing is a `not-found` failure like a failed target's, decisive when
    ///   no target failed.
    public init(
        timing: GateTiming,
        results: [TargetResult],
        selections: [SelectionResult] = [],
        skipped: [SkippedObject] = [],
        conclusion: GateConclusion
    ) {
        let results = results.sorted(by: TargetResult.reportOrder)
        let selections = selections.sorted(by: SelectionResult.reportOrder)
        let skipped = skipped.sorted(by: SkippedObject.reportOrder)
        schemaVersion = GateReport.currentSchemaVersion
        self.results = results
        self.selections = selections
        self.skipped = skipped
        summary = ReportSummary(results: results, skipped: skipped)
        startedAt = timing.startedAt
        finishedAt = timing.finishedAt
        durationSeconds = timing.durationSeconds
        interruptedBy = nil
        let firstFailure =
            GateReport.failureError(in: results, decisive: nil) ?? GateReport.failureError(in: selections)

        switch conclusion {
        case .completed(let decisive):
            if let failure = GateReport.failureError(in: results, decisive: decisive) {
                error = failure
            } else if let failure = GateReport.failureError(in: selections) {
                error = failure
            } else if let unfinished = results.first(where: { $0.verdict != .succeeded }) {
                error = ReportError(
                    program: .internal,
                    message:
                        "The gate finished while \(unfinished.displayName) was still \(unfinished.verdict.rawValue)."
                )
            } else {
                error = nil
            }
        case .deadlineExceeded(let timeout):
            error =
                firstFailure ?? GateReport.timeoutError(timeout: timeout, results: results, selections: selections)
        case .interrupted(let signal):
            interruptedBy = signal
            let unfinished = results.count(where: { $0.verdict != .succeeded && $0.verdict != .failed })
            error = ReportError(
                program: .interrupted,
                message: "Interrupted by \(signal.rawValue) with \(unfinished) of \(results.count) targets unfinished."
            )
        case .error(let reportError):
            error = reportError
        }
        success = error == nil
    }

    /// The top-level error for a failed target: its message prefixed with the target, its log text.
    static func failureError(in results: [TargetResult], decisive: TargetReference?) -> ReportError? {
        let failed = results.filter { $0.verdict == .failed }
        let chosen = failed.first { $0.reference == decisive } ?? failed.first
        guard let chosen else { return nil }
        guard let failure = chosen.failure else {
            return ReportError(code: .rollout(.notProgressing), message: "\(chosen.displayName) failed.")
        }
        return ReportError(
            code: .rollout(failure.code),
            message: "\(chosen.displayName): \(failure.message)",
            log: failure.log?.text
        )
    }

    /// The `not-found` error of the first selection that matched nothing.
    static func failureError(in selections: [SelectionResult]) -> ReportError? {
        guard let failure = selections.lazy.compactMap(\.failure).first else { return nil }
        return ReportError(code: .rollout(failure.code), message: failure.message)
    }

    /// The `timeout` error, naming what each unfinished target (and unresolved selection) still waited for.
    static func timeoutError(
        timeout: Duration,
        results: [TargetResult],
        selections: [SelectionResult] = []
    ) -> ReportError {
        let waiting = results.filter { $0.verdict == .progressing || $0.verdict == .cancelled }
        var details = waiting.map { result in
            result.waitingFor.map { "\(result.path) (\($0))" } ?? result.path
        }
        for selection in selections where selection.status == .unresolved {
            details.append(selection.waitingFor.map { "\(selection.description) (\($0))" } ?? selection.description)
        }
        var message = "Timed out after \(DurationText.format(timeout))"
        if details.isEmpty {
            message += "."
        } else {
            message += " waiting for \(details.joined(separator: ", "))."
        }
        return ReportError(code: .rollout(.timeout), message: message)
    }
}

extension GateReport {
    /// Whether a rollout failure (of a target, or a selection that matched nothing) ended the gate, so that
    /// whatever was left unresolved was cancelled rather than timed out or interrupted.
    public var stoppedByAFailure: Bool {
        error?.type == .rollout && error?.code != .rollout(.timeout)
    }
}

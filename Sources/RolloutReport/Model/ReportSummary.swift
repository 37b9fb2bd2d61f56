/// Counts over `results` and `skipped`, for people and dashboards that do not want to count.
///
/// Always derived from the results, never set by hand, so it cannot disagree with them.
public struct ReportSummary: Sendable, Hashable, Codable {
    /// Number of targets.
    public var total: Int
    /// Targets that succeeded.
    public var succeeded: Int
    /// Targets that failed.
    public var failed: Int
    /// Targets still progressing when the gate stopped.
    public var progressing: Int
    /// Targets cancelled by fail-fast.
    public var cancelled: Int
    /// Manifest objects skipped.
    public var skipped: Int

    /// Counts the verdicts of `results` and the length of `skipped`.
    public init(results: [TargetResult], skipped: [SkippedObject]) {
        func count(_ verdict: TargetVerdict) -> Int { results.count(where: { $0.verdict == verdict }) }
        total = results.count
        succeeded = count(.succeeded)
        failed = count(.failed)
        progressing = count(.progressing)
        cancelled = count(.cancelled)
        self.skipped = skipped.count
    }
}

import Foundation

/// Everything the gate found: one result per target, how the gate ended, and when.
///
/// The command line turns this into the JSON report and the exit code: `decisiveFailure` becomes the
/// report's top-level `error` (as the original tool reports its one error), `ending` picks the exit code.
public struct GateOutcome: Sendable {
    /// One result per workload (and per selection that matched nothing), sorted by namespace and name.
    public var results: [TargetResult]
    /// How the gate ended.
    public var ending: GateEnding
    /// When the gate started.
    public var startedAt: Date
    /// When the gate stopped.
    public var finishedAt: Date
    /// The watches the gate opened (each one LIST, then a WATCH stream), for `--verbose` and for tests
    /// of how widely watches are shared.
    public var watches: [WatchQuery.Described]
    /// What each label selection resolved to, in the order the targets were given.
    public var selections: [SelectionOutcome] = []

    /// Describes an outcome.
    public init(
        results: [TargetResult],
        ending: GateEnding,
        startedAt: Date,
        finishedAt: Date,
        watches: [WatchQuery.Described] = []
    ) {
        self.results = results
        self.ending = ending
        self.startedAt = startedAt
        self.finishedAt = finishedAt
        self.watches = watches
    }

    /// Whether every target succeeded.
    public var succeeded: Bool {
        if case .completed = ending { return results.allSatisfy { $0.verdict == .succeeded } }
        return false
    }

    /// The first failure the gate saw: the one that stopped it under fail-fast.
    public var decisiveFailure: TargetResult? {
        results.filter { $0.failure != nil }.min { ($0.failure?.sequence ?? 0) < ($1.failure?.sequence ?? 0) }
    }

    /// The results still progressing when the gate stopped, with what each waited for.
    public var unfinished: [TargetResult] { results.filter { $0.verdict == .progressing } }
}

/// How the gate ended.
public enum GateEnding: Sendable {
    /// Every target reached a verdict, succeeded or failed.
    case completed
    /// A target failed and fail-fast cancelled the others.
    case failedFast
    /// The global deadline (`--timeout`) passed while targets were still progressing.
    case deadlinePassed
    /// A signal or the caller stopped the gate.
    case interrupted(GateInterruption)
    /// The cluster could not be watched (credentials refused, forbidden, unreachable).
    case sourceFailed(GateSourceError)

    /// `completed`, `failed-fast`, `deadline-passed`, `interrupted` or `source-failed`.
    public var name: String {
        switch self {
        case .completed: "completed"
        case .failedFast: "failed-fast"
        case .deadlinePassed: "deadline-passed"
        case .interrupted: "interrupted"
        case .sourceFailed: "source-failed"
        }
    }
}

/// A watch the gate needed failed for good: which one, and the source's error.
public struct GateSourceError: Error, CustomStringConvertible {
    /// The watch, such as `pods in namespace prod`.
    public var watch: String
    /// The source's error, such as a `KubeClientError` the command line maps to an exit code.
    public var underlying: any Error

    /// Describes the failure.
    public init(watch: String, underlying: any Error) {
        self.watch = watch
        self.underlying = underlying
    }

    /// `cannot watch pods in namespace prod: …`.
    public var description: String { "cannot watch \(watch): \(underlying)" }
}

/// What one label selection resolved to, so the report can show a selection that matched nothing, or
/// that was never listed, even when another target's failure is the decisive one.
public struct SelectionOutcome: Sendable, Hashable {
    /// The selection.
    public var selection: WorkloadSelection
    /// What it resolved to.
    public var resolution: Resolution

    /// The three ends of a selection: exclusive, hence an enum.
    public enum Resolution: Sendable, Hashable {
        /// It matched these workloads (at its initial list, or later while the gate waited).
        case matched([WorkloadReference])
        /// Its initial lists held no matching workload.
        case matchedNothing(TargetFailure)
        /// The gate stopped before its initial lists arrived.
        case unresolved(waitingFor: String)
    }

    /// Describes a selection's resolution.
    public init(selection: WorkloadSelection, resolution: Resolution) {
        self.selection = selection
        self.resolution = resolution
    }
}

/// How a gate run ended, as the coordinator knows it; the report derives `success` and `error` from it.
///
/// The coordinator says *why* it stopped; which target's failure is decisive, what the timeout message
/// says and which fields are set are decided in one place, `GateReport.init(timing:results:skipped:conclusion:)`.
public enum GateConclusion: Sendable, Hashable {
    /// Every target reached a verdict (or fail-fast stopped the rest). The decisive failure, if any, is
    /// the named target's; `nil` picks the first failed target in report order.
    case completed(decisive: TargetReference?)
    /// The global `--timeout` passed.
    case deadlineExceeded(timeout: Duration)
    /// SIGINT or SIGTERM arrived.
    case interrupted(InterruptSignal)
    /// The gate could not go on: an API, configuration or input error, or a rollout error that belongs to
    /// no single result (such as a selector that matched nothing, `not-found`).
    case error(ReportError)
}

/// Names one target: kind, namespace and name.
public struct TargetReference: Sendable, Hashable, Comparable, CustomStringConvertible {
    /// The workload kind.
    public var kind: WorkloadKind
    /// The namespace.
    public var namespace: String
    /// The name.
    public var name: String

    /// Creates a reference.
    public init(kind: WorkloadKind, namespace: String, name: String) {
        self.kind = kind
        self.namespace = namespace
        self.name = name
    }

    /// `Kind namespace/name`.
    public var description: String { "\(kind.rawValue) \(namespace)/\(name)" }

    /// Namespace, kind, name: the report's order.
    public static func < (lhs: TargetReference, rhs: TargetReference) -> Bool {
        (lhs.namespace, lhs.kind, lhs.name) < (rhs.namespace, rhs.kind, rhs.name)
    }
}

extension TargetResult {
    /// The reference of this result's target.
    public var reference: TargetReference { TargetReference(kind: kind, namespace: namespace, name: name) }
}

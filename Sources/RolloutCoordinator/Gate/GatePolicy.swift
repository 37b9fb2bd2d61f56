/// How the gate waits: fail-fast or not, the global deadline, and how much detail a failure collects.
///
/// Every property documents its default, which is what the command line uses when its flag is absent.
public struct GatePolicy: Sendable {
    /// Whether the first certain failure stops the gate and cancels every other watcher (default `true`;
    /// `--no-fail-fast` turns it off so that every failure is reported).
    public var failFast: Bool
    /// The one deadline for the whole gate, measured from its start (`--timeout`); `nil` waits forever
    /// (default `nil`).
    public var timeout: Duration?
    /// Lines of log to keep from a failing container (`--log-lines`, default 50).
    public var logTailLines: Int
    /// The most bytes of log to keep from a failing container (`--log-bytes`, default 65 536).
    public var logLimitBytes: Int
    /// How long fetching a failure's log may take before the gate reports without it (default 5 s): the
    /// verdict is known already, and a slow log endpoint must not hold the pipeline.
    public var detailsTimeout: Duration
    /// How many recent Warning events to keep for each object of a failure (default 10).
    public var eventsPerObject: Int
    /// How widely the ReplicaSet, pod and event watches are shared (default `.adaptive`: narrowed to the
    /// workload in a namespace with one target, namespace-wide otherwise; see `docs/architecture.md` for
    /// the measurements behind the choice).
    public var watchScope: DependentWatchScope

    /// Creates a policy; every argument has the documented default.
    public init(
        failFast: Bool = true,
        timeout: Duration? = nil,
        logTailLines: Int = 50,
        logLimitBytes: Int = 65_536,
        detailsTimeout: Duration = .seconds(5),
        eventsPerObject: Int = 10,
        watchScope: DependentWatchScope = .adaptive
    ) {
        self.failFast = failFast
        self.timeout = timeout
        self.logTailLines = logTailLines
        self.logLimitBytes = logLimitBytes
        self.detailsTimeout = detailsTimeout
        self.eventsPerObject = eventsPerObject
        self.watchScope = watchScope
    }
}

/// How widely the watches that feed the rules (ReplicaSets, pods, Warning events) are shared.
public enum DependentWatchScope: Sendable, Hashable, CaseIterable {
    /// Per namespace, decided when its first targets are resolved: `.workload` for a namespace with one
    /// target (as many watches, far fewer bytes), `.namespace` for several (the default).
    case adaptive
    /// One watch of each kind per namespace that holds targets, shared by all of them.
    case namespace
    /// One watch of each kind across all namespaces, shared by every target (needs cluster-wide RBAC).
    case cluster
    /// ReplicaSets and pods watched per target with its pod selector; events per namespace.
    case workload
}

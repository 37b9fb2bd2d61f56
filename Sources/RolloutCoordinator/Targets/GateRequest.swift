import RolloutReport

/// Everything a gate run needs, resolved from the command line once, at the edge.
///
/// The CLI builds it (flags validated, manifests read) and hands it to a `GateRunner`; nothing below
/// the CLI reads flags, the environment or files again. Every property documents its default.
public struct GateRequest: Sendable, Hashable {
    /// Which namespaces a label selector looks in (default: the context's namespace).
    public var namespaces: NamespaceScope
    /// The label selector (`-l`), already validated; `nil` when only manifests name the targets.
    public var selector: String?
    /// The kinds a selector lists, in `WorkloadKind` order (default: Deployments only).
    public var kinds: [WorkloadKind]
    /// Workloads named by manifests (`-f`), in file order (default: none).
    public var manifestTargets: [ManifestWorkload]
    /// Manifest objects that are not selected workloads, for the report's `skipped` list.
    public var skipped: [SkippedObject]
    /// Which kubeconfig and context to use.
    public var cluster: ClusterSelection
    /// One deadline for the whole gate (`--timeout`); `nil` waits until every target has a verdict.
    public var timeout: Duration?
    /// Whether the first failure cancels the other targets (default `true`; `--no-fail-fast` clears it).
    public var failFast: Bool
    /// The thresholds of the failure rules.
    public var thresholds: GateThresholds
    /// How much of a failing container's log to fetch.
    public var logLimits: LogLimits
    /// How much progress to print on stderr.
    public var verbosity: Verbosity

    /// Creates a request; the defaults are the command line's.
    public init(
        namespaces: NamespaceScope = .contextDefault,
        selector: String? = nil,
        kinds: [WorkloadKind] = [.deployment],
        manifestTargets: [ManifestWorkload] = [],
        skipped: [SkippedObject] = [],
        cluster: ClusterSelection = ClusterSelection(),
        timeout: Duration? = nil,
        failFast: Bool = true,
        thresholds: GateThresholds = GateThresholds(),
        logLimits: LogLimits = LogLimits(),
        verbosity: Verbosity = .normal
    ) {
        self.namespaces = namespaces
        self.selector = selector
        self.kinds = kinds
        self.manifestTargets = manifestTargets
        self.skipped = skipped
        self.cluster = cluster
        self.timeout = timeout
        self.failFast = failFast
        self.thresholds = thresholds
        self.logLimits = logLimits
        self.verbosity = verbosity
    }
}

/// Which namespaces a selector looks in.
public enum NamespaceScope: Sendable, Hashable {
    /// The kubeconfig context's namespace (`default` when the context names none).
    case contextDefault
    /// These namespaces (`-n a,b -n c`), deduplicated, in the order given.
    case named([String])
    /// Every namespace (`-A`).
    case all
}

/// Which kubeconfig and context to connect with.
public struct ClusterSelection: Sendable, Hashable {
    /// `--kubeconfig`; `nil` means `KUBECONFIG` (a colon-separated list), then `~/.kube/config`, then
    /// the in-cluster service account.
    public var kubeconfig: String?
    /// `--context`; `nil` means the kubeconfig's `current-context`.
    public var context: String?

    /// Creates a selection.
    public init(kubeconfig: String? = nil, context: String? = nil) {
        self.kubeconfig = kubeconfig
        self.context = context
    }
}

/// The thresholds of the failure rules, as the command line sets them.
///
/// `nil` means "the rules' documented default" (see `docs/failure-codes.md`), so the default lives in
/// one place, the rules.
public struct GateThresholds: Sendable, Hashable {
    /// Restarts tolerated before a crash loop fails (`--max-restarts`, default 2); `nil` disables the limit
    /// (the original's `-retry-limit -1`).
    public var maxRestarts: Int?
    /// How long a new pod may stay unschedulable (`--pending-deadline`, default 180 s); `nil` disables it.
    public var pendingDeadline: Duration?
    /// How long an image pull error may last before it fails (`--image-pull-grace`); `nil`: the rules' default.
    public var imagePullGrace: Duration?
    /// How long a volume may fail to mount before it fails (`--mount-grace`); `nil`: the rules' default.
    public var mountGrace: Duration?
    /// Whether a missing Secret in `CreateContainerConfigError` is waited on (`--ignore-secret-not-found`).
    public var ignoreSecretNotFound: Bool
    /// Whether a paused Deployment is accepted (`--allow-paused`).
    public var allowPaused: Bool
    /// Whether success also waits for old ReplicaSets' pods to be gone (`--require-old-pods-gone`).
    public var requireOldPodsGone: Bool

    /// The default restart limit.
    public static let defaultMaxRestarts = 2
    /// The default pending deadline.
    public static let defaultPendingDeadline = Duration.seconds(180)

    /// Creates thresholds; the defaults are the command line's.
    public init(
        maxRestarts: Int? = GateThresholds.defaultMaxRestarts,
        pendingDeadline: Duration? = GateThresholds.defaultPendingDeadline,
        imagePullGrace: Duration? = nil,
        mountGrace: Duration? = nil,
        ignoreSecretNotFound: Bool = false,
        allowPaused: Bool = false,
        requireOldPodsGone: Bool = false
    ) {
        self.maxRestarts = maxRestarts
        self.pendingDeadline = pendingDeadline
        self.imagePullGrace = imagePullGrace
        self.mountGrace = mountGrace
        self.ignoreSecretNotFound = ignoreSecretNotFound
        self.allowPaused = allowPaused
        self.requireOldPodsGone = requireOldPodsGone
    }
}

/// How much of a failing container's log the report carries.
public struct LogLimits: Sendable, Hashable {
    /// Lines from the end (`--log-lines`, default 50; the API's `tailLines`).
    public var lines: Int
    /// Bytes from the end (`--log-bytes`, default 16 KiB; the API's `limitBytes`).
    public var bytes: Int

    /// The default number of lines.
    public static let defaultLines = 50
    /// The default number of bytes.
    public static let defaultBytes = 16_384

    /// Creates limits.
    public init(lines: Int = LogLimits.defaultLines, bytes: Int = LogLimits.defaultBytes) {
        self.lines = lines
        self.bytes = bytes
    }
}

/// How much the gate prints on stderr while it waits.
public enum Verbosity: Sendable, Hashable, Comparable {
    /// Nothing but the one line of a program error (`--quiet`).
    case quiet
    /// Progress lines, prefixed `namespace/name`.
    case normal
    /// Also every observation that changed a verdict's inputs (`--verbose`).
    case verbose
}

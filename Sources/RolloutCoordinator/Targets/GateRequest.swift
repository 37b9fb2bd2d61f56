import RolloutReport
import RolloutRules

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
    /// The thresholds of the failure rules (default: the rules' documented defaults).
    public var thresholds: RolloutThresholds
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
        thresholds: RolloutThresholds = .default,
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

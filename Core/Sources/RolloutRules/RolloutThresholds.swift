import KubeModel

/// The limits that turn a transient-looking signal into a certain failure; every one is a flag.
///
/// Kubernetes retries almost everything (image pulls, crashed containers, scheduling), so "failed" means
/// "still failing after this much". The defaults tolerate the transient cases seen in real rollouts (one
/// crash while a dependency starts, a pod waiting for a node to scale up) and fail fast on the rest.
/// A duration threshold holds "longer than" the limit: the rule fires when the elapsed time is strictly
/// greater, except that a zero limit fires at once.
public struct RolloutThresholds: Sendable, Hashable {
    /// How many restarts of a crashing container are tolerated (`--max-restarts`, alias `-retry-limit`);
    /// default 2, `nil` for no limit.
    ///
    /// The crash and OOM rules fire when `restartCount` is greater than this, so the default fails on the
    /// third restart: one transient crash (a database still starting) passes, a crash loop does not.
    /// The original's `-retry-limit -1` (unlimited) maps to `nil`.
    public var maxRestarts: Int?

    /// How long a pod may stay unschedulable (`--pending-deadline`, alias `-pending-deadline`); default
    /// 180 s, `nil` to disable.
    ///
    /// Measured from the `PodScheduled=False` condition's `lastTransitionTime`, so a cluster autoscaler
    /// has three minutes to add a node before the rollout fails with `scheduling`.
    public var pendingDeadline: Duration?

    /// How long an image pull may keep failing (`--image-pull-grace`); default 0 s: fail at once.
    ///
    /// A wrong tag or a missing pull secret is by far the common cause, and it never heals, so the
    /// default fails on the first `ErrImagePull`, as the original does. Raise it (such as to 30 s) for
    /// registries that rate-limit or flake. Measured from when the pod was scheduled (for main containers
    /// of a pod with init containers: from when initialisation finished). `InvalidImageName` and
    /// `ErrImageNeverPull` cannot heal and ignore the grace.
    public var imagePullGrace: Duration

    /// How long a pod may sit in `ContainerCreating` with `FailedMount`/`FailedAttachVolume` events
    /// (`--mount-grace`); default 60 s.
    ///
    /// A missing Secret or ConfigMap volume is reported within seconds and never heals, but a volume
    /// attach often takes tens of seconds, and a Secret issued by a controller (cert-manager) may appear
    /// shortly after the apply: one minute covers both without waiting for the progress deadline.
    /// Measured from when the pod was scheduled.
    public var mountGrace: Duration

    /// Whether a missing Secret is waited for instead of failing (`--ignore-secret-not-found`); default off.
    ///
    /// As in the original, `CreateContainerConfigError` with `secret "…" not found` is then progress, not
    /// `invalid-config`; here the same holds for a `FailedMount` event naming a missing Secret.
    public var ignoreSecretNotFound: Bool

    /// Whether a paused Deployment (or suspended Job) is waited for (`--allow-paused`); default off.
    ///
    /// A paused Deployment never rolls out by itself, so by default an unfinished one fails with
    /// `not-progressing` at once instead of at the timeout. A paused Deployment whose rollout is already
    /// complete succeeds either way.
    public var allowPaused: Bool

    /// Whether success also needs every pod of the old ReplicaSets gone (`--require-old-pods-gone`);
    /// default off.
    ///
    /// kubectl's rule counts only non-terminated pods, so old pods may still be terminating (and serving
    /// requests) when it says "successfully rolled out". The original waits for them; this makes it optional.
    public var requireOldPodsGone: Bool

    /// Creates thresholds; each parameter defaults to the documented default.
    public init(
        maxRestarts: Int? = 2,
        pendingDeadline: Duration? = .seconds(180),
        imagePullGrace: Duration = .zero,
        mountGrace: Duration = .seconds(60),
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

    /// The documented defaults.
    public static let `default` = RolloutThresholds()
}

/// Whether `elapsed` seconds are past a limit: strictly longer than it, or any time at all for a zero limit.
func exceeds(_ elapsed: Double, _ limit: Duration) -> Bool {
    limit <= .zero || elapsed > limit.seconds
}

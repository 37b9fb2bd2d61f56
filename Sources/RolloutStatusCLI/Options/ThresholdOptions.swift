import ArgumentParser

/// The thresholds of the failure rules and the log tail's size, with the original's spellings.
public struct ThresholdOptions: ParsableArguments {
    /// `--max-restarts`.
    @Option(
        name: .long,
        help: ArgumentHelp("Restarts tolerated before a crash loop fails (default 2).", valueName: "n")
    )
    public var maxRestarts: Int?

    /// `--pending-deadline`.
    @Option(
        name: .long,
        help: ArgumentHelp("How long a new pod may stay unschedulable (default 180s).", valueName: "duration")
    )
    public var pendingDeadline: String?

    /// `--image-pull-grace`.
    @Option(
        name: .long,
        help: ArgumentHelp(
            "How long image pull errors may last before they fail (default 0s: at once).",
            valueName: "duration"
        )
    )
    public var imagePullGrace: String?

    /// `--mount-grace`.
    @Option(
        name: .long,
        help: ArgumentHelp(
            "How long a volume may fail to mount before it fails (default 60s).",
            valueName: "duration"
        )
    )
    public var mountGrace: String?

    /// `--ignore-secret-not-found`, also the original's `-ignore-secret-not-found`.
    @Flag(
        name: [.long, .customLong("ignore-secret-not-found", withSingleDash: true)],
        help: "Keep waiting when a container waits for a Secret that does not exist yet."
    )
    public var ignoreSecretNotFound = false

    /// `--allow-paused`.
    @Flag(name: .long, help: "Accept a paused Deployment instead of failing it as not-progressing.")
    public var allowPaused = false

    /// `--require-old-pods-gone`.
    @Flag(name: .long, help: "Succeed only when no pod of an old ReplicaSet is left.")
    public var requireOldPodsGone = false

    /// `--log-lines`.
    @Option(name: .long, help: ArgumentHelp("Log lines kept per failing container (default 50).", valueName: "n"))
    public var logLines: Int?

    /// `--log-bytes`.
    @Option(name: .long, help: ArgumentHelp("Log bytes kept per failing container (default 16384).", valueName: "n"))
    public var logBytes: Int?

    /// The original's `-retry-limit` (`-1` for no limit).
    @Option(
        name: [.customLong("retry-limit", withSingleDash: true), .customLong("retry-limit")],
        parsing: .unconditional,
        help: .hidden
    )
    public var originalRetryLimit: Int?

    /// The original's `-pending-deadline`, in seconds (`-1` disables).
    @Option(name: .customLong("pending-deadline", withSingleDash: true), parsing: .unconditional, help: .hidden)
    public var originalPendingDeadline: String?

    /// Creates the options (ArgumentParser requirement).
    public init() {}
}

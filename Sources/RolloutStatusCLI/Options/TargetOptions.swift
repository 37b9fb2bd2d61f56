import ArgumentParser

/// Which workloads to wait for: namespaces, a label selector, manifests, kinds.
///
/// The original tool's single-dash spellings (`-namespace`, `-selector`, `-kind-filter`) are separate,
/// hidden options, because their values mean slightly different things (an empty `-kind-filter` is
/// "every kind"); `GateCommandLine.resolve` merges them.
public struct TargetOptions: ParsableArguments {
    /// `-n`, repeatable and comma-separated.
    @Option(
        name: [.short, .long],
        help: ArgumentHelp(
            "Namespaces to look in (repeatable, comma-separated). Default: the context's.",
            valueName: "ns"
        )
    )
    public var namespace: [String] = []

    /// `-A`.
    @Flag(name: [.customShort("A"), .long], help: "Look in every namespace.")
    public var allNamespaces = false

    /// `-l`.
    @Option(
        name: [.customShort("l"), .long],
        help: ArgumentHelp(
            "Label selector, kubectl grammar (=, ==, !=, in, notin, key, !key).",
            valueName: "selector"
        )
    )
    public var selector: String?

    /// `-f`, repeatable.
    @Option(
        name: [.customShort("f"), .customLong("filename")],
        help: ArgumentHelp(
            "Manifest file, directory or - for stdin (repeatable): wait for the workloads in it.",
            valueName: "path"
        )
    )
    public var filename: [String] = []

    /// `-R`.
    @Flag(name: [.customShort("R"), .long], help: "Read directories given to -f recursively.")
    public var recursive = false

    /// `--kind`, repeatable and comma-separated.
    @Option(
        name: .long,
        help: ArgumentHelp(
            "Kinds to wait for: deployment, statefulset, daemonset, job (comma-separated). Default: deployment.",
            valueName: "kinds"
        )
    )
    public var kind: [String] = []

    /// The original's `-namespace`.
    @Option(name: .customLong("namespace", withSingleDash: true), help: .hidden)
    public var originalNamespace: [String] = []

    /// The original's `-selector`.
    @Option(name: .customLong("selector", withSingleDash: true), help: .hidden)
    public var originalSelector: String?

    /// The original's `-kind-filter` (`deployment`, `statefulset`, `job`; empty for all three).
    @Option(name: [.customLong("kind-filter", withSingleDash: true), .customLong("kind-filter")], help: .hidden)
    public var originalKindFilter: String?

    /// Creates the options (ArgumentParser requirement).
    public init() {}
}

import ArgumentParser

/// Which cluster to talk to: kubeconfig and context, with the original's `-kubeconfig` and `-kubecontext`.
public struct ClusterOptions: ParsableArguments {
    /// `--kubeconfig`.
    @Option(
        name: [.long, .customLong("kubeconfig", withSingleDash: true)],
        help: ArgumentHelp(
            "Kubeconfig file. Default: KUBECONFIG (colon-separated), ~/.kube/config, then in-cluster.",
            valueName: "path"
        )
    )
    public var kubeconfig: String?

    /// `--context`.
    @Option(name: .long, help: ArgumentHelp("Kubeconfig context. Default: current-context.", valueName: "name"))
    public var context: String?

    /// The original's `-kubecontext`.
    @Option(
        name: [.customLong("kubecontext", withSingleDash: true), .customLong("kubecontext")],
        help: .hidden
    )
    public var originalContext: String?

    /// Creates the options (ArgumentParser requirement).
    public init() {}
}

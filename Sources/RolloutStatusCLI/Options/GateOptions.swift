import ArgumentParser

/// How the gate waits: the global deadline and fail-fast.
public struct GateOptions: ParsableArguments {
    /// `--timeout`.
    @Option(
        name: .long,
        help: ArgumentHelp(
            "One deadline for the whole gate, such as 90s, 5m, 1h30m (exit 2 when it passes). Default: none.",
            valueName: "duration"
        )
    )
    public var timeout: String?

    /// `--no-fail-fast`.
    @Flag(name: .long, help: "Wait for every target and report every failure, instead of stopping at the first.")
    public var noFailFast = false

    /// The original's `-interval`: accepted and ignored, the gate watches instead of polling.
    @Option(name: [.customLong("interval", withSingleDash: true), .customLong("interval")], help: .hidden)
    public var originalInterval: String?

    /// Creates the options (ArgumentParser requirement).
    public init() {}
}

import ArgumentParser

/// The `rollout-status` command: waits until every targeted rollout has succeeded or certainly failed.
///
/// Parsing and `validate()` only check the command line; `GateProgram` runs it, so tests drive the
/// whole program (stdout, stderr, exit code) without a process. The original tool's single-dash flags
/// are accepted as hidden aliases; `docs/cli.md` lists them.
public struct RolloutStatusCommand: AsyncParsableCommand {
    /// The command's name, help and subcommands.
    public static let configuration = CommandConfiguration(
        commandName: "rollout-status",
        abstract: "Wait until every targeted Kubernetes rollout has succeeded or certainly failed.",
        discussion: """
            Prints a JSON report on stdout (see schema.json) and exits with: 0 every target succeeded, \
            1 a rollout failed, 2 the --timeout passed, 3 kubeconfig or credentials, 4 the API server \
            failed or refused, 64 bad usage or manifests, 70 internal error, 130/143 interrupted.

            The original tool's flags (-namespace, -selector, -kubeconfig, -kubecontext, -retry-limit, \
            -pending-deadline, -kind-filter, -ignore-secret-not-found, -interval) are accepted too.
            """,
        subcommands: [DemoCommand.self]
    )

    /// Which workloads.
    @OptionGroup(title: "Targets") public var targets: TargetOptions
    /// Which cluster.
    @OptionGroup(title: "Cluster") public var cluster: ClusterOptions
    /// How to wait.
    @OptionGroup(title: "Waiting") public var gate: GateOptions
    /// Failure-rule thresholds and log limits.
    @OptionGroup(title: "Thresholds") public var thresholds: ThresholdOptions
    /// What to print and write.
    @OptionGroup(title: "Output") public var output: OutputOptions

    /// Creates the command (ArgumentParser requirement).
    public init() {}

    /// Checks every flag and their combinations, before anything is read or sent.
    public mutating func validate() throws {
        do {
            _ = try invocation()
        } catch {
            throw ValidationError(error.description)
        }
    }

    /// Runs through `GateProgram` with the process's environment, for callers of `main()`.
    public func run() async throws {
        let code = await GateProgram.live().execute(self)
        throw ExitCode(code.rawValue)
    }
}

import ArgumentParser

/// `rollout-status demo`: gates a simulated monorepo release on an embedded cluster.
///
/// The hook for the coordinator work: `GateProgram.demo` runs it. Until the simulator is wired in,
/// the default demo answers with a program error that says so.
public struct DemoCommand: AsyncParsableCommand {
    /// The subcommand's name and help.
    public static let configuration = CommandConfiguration(
        commandName: "demo",
        abstract: "Start a simulated cluster with a realistic release and gate it for real."
    )

    /// Creates the command (ArgumentParser requirement).
    public init() {}

    /// Runs through `GateProgram`, for callers of `main()`.
    public func run() async throws {
        let code = await GateProgram.live().executeDemo()
        throw ExitCode(code.rawValue)
    }
}

import ArgumentParser

/// The `rollout-status` command: waits until every targeted rollout has succeeded or certainly failed.
public struct RolloutStatusCommand: AsyncParsableCommand {
    /// The command's name and help.
    public static let configuration = CommandConfiguration(
        commandName: "rollout-status",
        abstract: "Wait until every targeted Kubernetes rollout has succeeded or certainly failed."
    )

    /// Creates the command (ArgumentParser requirement).
    public init() {}

    /// Runs the command.
    public func run() async throws {}
}

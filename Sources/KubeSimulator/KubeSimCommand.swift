import ArgumentParser

/// The `kube-sim` command: serves a simulated Kubernetes API for tests, benchmarks and the demo.
public struct KubeSimCommand: AsyncParsableCommand {
    /// The command's name and help.
    public static let configuration = CommandConfiguration(
        commandName: "kube-sim",
        abstract: "A simulated Kubernetes API server for tests, benchmarks and the demo."
    )

    /// Creates the command (ArgumentParser requirement).
    public init() {}

    /// Runs the command.
    public func run() async throws {}
}

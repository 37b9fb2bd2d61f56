import Foundation

/// Everything the client takes from the outside world, passed in as one value.
///
/// The CLI builds it once with ``live(diagnostics:)``; tests build it from fakes (an environment dictionary,
/// a temporary home, a scripted process runner, a manual clock), so no test reads the real `KUBECONFIG`,
/// `~/.kube/config` or `/var/run/secrets`.
public struct KubeClientEnvironment: Sendable {
    /// Environment variables: `KUBECONFIG`, `HTTPS_PROXY`, `NO_PROXY`, `KUBERNETES_SERVICE_HOST`, `PATH`, and
    /// the base environment of exec plugins.
    public var variables: [String: String]
    /// The home directory, for `~/.kube/config`; `nil` when there is none.
    public var homeDirectory: String?
    /// The file system kubeconfigs, certificates and token files are read from.
    public var fileSystem: any FileSystem
    /// Runs exec credential plugins.
    public var processRunner: any ProcessRunner
    /// Drives every delay (retry backoff); a test clock makes backoff instant and deterministic.
    public var clock: any Clock<Duration>
    /// Wall-clock time, for exec credential expiry (`expirationTimestamp` is wall time).
    public var now: @Sendable () -> Date
    /// A random number in `0..<1`, for backoff jitter.
    public var random: @Sendable () -> Double
    /// Where warnings for people go (stderr in the CLI), such as the `insecure-skip-tls-verify` warning.
    public var diagnostics: @Sendable (String) -> Void
    /// The root under which the in-cluster service-account files live (`/` in a pod).
    public var inClusterRoot: String
    /// Told when a watch starts retrying after a failure and when it gets answers again (default: nobody).
    public var watchHealth: @Sendable (WatchHealth) -> Void

    /// Creates an environment from explicit parts.
    public init(
        variables: [String: String],
        homeDirectory: String?,
        fileSystem: any FileSystem = LocalFileSystem(),
        processRunner: any ProcessRunner = FoundationProcessRunner(),
        clock: any Clock<Duration> = ContinuousClock(),
        now: @escaping @Sendable () -> Date = { Date() },
        random: @escaping @Sendable () -> Double = { Double.random(in: 0..<1) },
        diagnostics: @escaping @Sendable (String) -> Void = { _ in },
        inClusterRoot: String = "/",
        watchHealth: @escaping @Sendable (WatchHealth) -> Void = { _ in }
    ) {
        self.variables = variables
        self.homeDirectory = homeDirectory
        self.fileSystem = fileSystem
        self.processRunner = processRunner
        self.clock = clock
        self.now = now
        self.random = random
        self.diagnostics = diagnostics
        self.inClusterRoot = inClusterRoot
        self.watchHealth = watchHealth
    }

    /// The real process environment, home directory, file system and clock: for the CLI's edge only.
    public static func live(diagnostics: @escaping @Sendable (String) -> Void) -> KubeClientEnvironment {
        let variables = ProcessInfo.processInfo.environment
        return KubeClientEnvironment(
            variables: variables,
            homeDirectory: variables["HOME"] ?? FileManager.default.homeDirectoryForCurrentUser.path,
            diagnostics: diagnostics
        )
    }
}

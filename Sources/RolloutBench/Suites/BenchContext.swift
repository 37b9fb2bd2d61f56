import Foundation
import NIOPosix

/// What every suite needs: the binaries, a scratch directory, the blocking-wait pool, the clock, and a
/// sink for progress lines.
public struct BenchContext: Sendable {
    /// The release build of `rollout-status`.
    public var gate: String
    /// The release build of `kube-sim`.
    public var simulator: String
    /// The kubectl binary (not its pyenv shim), if found.
    public var kubectl: String?
    /// Scratch space; each run gets a directory inside.
    public var workDirectory: String
    /// The environment given to children (the benchmark's own, with `HOME` per run for kubectl).
    public var environment: [String: String]
    /// Where process waits block.
    public var pool: NIOThreadPool
    /// Waits between steps (grace periods); injected so tests need not wait.
    public var clock: any Clock<Duration>
    /// Progress lines for the person running the benchmark (stderr).
    public var log: @Sendable (String) -> Void

    /// Creates a context.
    public init(
        gate: String,
        simulator: String,
        kubectl: String?,
        workDirectory: String,
        environment: [String: String],
        pool: NIOThreadPool,
        clock: any Clock<Duration> = ContinuousClock(),
        log: @escaping @Sendable (String) -> Void
    ) {
        self.gate = gate
        self.simulator = simulator
        self.kubectl = kubectl
        self.workDirectory = workDirectory
        self.environment = environment
        self.pool = pool
        self.clock = clock
        self.log = log
    }

    /// Creates (empty) a directory for one run, such as `verdict/success/rollout-status-3`.
    func runDirectory(_ relative: String) throws -> String {
        let path = workDirectory + "/" + relative
        let manager = FileManager.default
        if manager.fileExists(atPath: path) { try manager.removeItem(atPath: path) }
        try manager.createDirectory(atPath: path, withIntermediateDirectories: true)
        return path
    }

    /// The environment for a kubectl process of a run: its own `HOME`, so its discovery cache starts
    /// cold in every run, as on a fresh CI runner.
    func kubectlEnvironment(home: String) -> [String: String] {
        var environment = environment
        environment["HOME"] = home
        environment["KUBECONFIG"] = nil
        return environment
    }

    /// The simulator's publish times for `kinds` in `namespace`, or `nil` (said in the log) when the
    /// simulator cannot tell them: the replay then measures from the witness's receive times, an upper
    /// bound of the publish times that shortens the latency measured.
    func publishTimes(http: SimulatorHTTP, kinds: [String?], namespace: String?) async -> PublishTimes? {
        do {
            let times = try await http.publishTimes(kinds: kinds, namespace: namespace)
            if times.dropped > 0 {
                log("the simulator's publish journal dropped \(times.dropped) changes; those use receive times")
            }
            return times
        } catch {
            log("no publish times (\(error)); measuring from the witness's receive times")
            return nil
        }
    }

    /// Sleeps for `duration` on the injected clock.
    func pause(_ duration: Duration) async throws {
        try await clock.sleep(for: duration, tolerance: nil)
    }
}

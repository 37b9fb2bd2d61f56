import NIOPosix

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// A `kube-sim serve` process playing one scenario: the cluster of one benchmark run.
///
/// Each run gets a fresh simulator, so counters, timelines and resourceVersions start from zero and no run
/// sees another's objects.
public struct SimulatorProcess: Sendable {
    /// The process.
    public let process: ChildProcess
    /// The URL it printed on its `READY` line.
    public let url: String
    /// The kubeconfig it wrote (context `sim-cert`: a client certificate, as a pipeline's service account
    /// would present a credential).
    public let kubeconfig: String
    /// Its diagnostics.
    public let logFile: String

    /// The bearer token the benchmark's own requests use.
    public static let token = "rollout-bench"

    /// Starts `kube-sim serve` on `scenario`, runs `body` once it is ready, then stops it with SIGTERM.
    ///
    /// Returns `body`'s result and the simulator's own outcome (its CPU time and peak memory).
    public static func with<Result: Sendable>(
        binary: String,
        scenario: String,
        directory: String,
        extraArguments: [String] = [],
        environment: [String: String],
        pool: NIOThreadPool,
        _ body: (SimulatorProcess, SimulatorHTTP) async throws -> Result
    ) async throws -> (result: Result, simulator: ProcessOutcome) {
        let kubeconfig = directory + "/kubeconfig"
        let logFile = directory + "/kube-sim.log"
        let spec = ProcessSpec(
            executable: binary,
            arguments: ["serve", "--scenario", scenario, "--kubeconfig-out", kubeconfig, "--token", token]
                + extraArguments,
            environment: environment,
            standardOutput: .pipe,
            standardError: .file(logFile)
        )
        let process = try ChildProcess.launch(spec)
        let result: Result
        do {
            let url = try await process.readLine(startingWith: "READY ", timeout: .seconds(300), using: pool)
            let simulator = SimulatorProcess(process: process, url: url, kubeconfig: kubeconfig, logFile: logFile)
            result = try await SimulatorHTTP.with(baseURL: url, token: token) { http in
                try await body(simulator, http)
            }
        } catch {
            process.send(SIGKILL)
            _ = try? await process.wait(using: pool)
            if let fd = process.standardOutputPipe { close(fd) }
            throw error
        }
        process.send(SIGTERM)
        let outcome = try await process.wait(using: pool)
        if let fd = process.standardOutputPipe { close(fd) }
        return (result, outcome)
    }
}

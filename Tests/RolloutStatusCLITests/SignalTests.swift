import Foundation
import KubeSimulator
import RolloutReport
import TestSupport
import Testing

/// SIGINT and SIGTERM as a CI runner sends them to the built binary: the gate stops, the partial report
/// is still printed, and the exit status names the signal.
///
/// The release is one that cannot finish within the test (pods ready only after three minutes), so the
/// signal always arrives while the gate waits, however slow the machine.
@Suite("Signals to the built binary", .timeLimit(.minutes(2)))
struct SignalTests {
    @Test(
        "a signal while a rollout is in progress: a partial report and the signal's exit status",
        arguments: [(SIGINT, Int32(130), InterruptSignal.sigint), (SIGTERM, Int32(143), InterruptSignal.sigterm)]
    )
    func signal(_ signal: Int32, _ status: Int32, _ name: InterruptSignal) async throws {
        let scenario = try Scenario.load(file: RepositoryFiles.scenario("timeout-slow-start"))
        try await withKubeSimulator(scenario: scenario) { sim in
            let kubeconfig = try sim.writeKubeconfig(.token())
            defer { try? FileManager.default.removeItem(atPath: kubeconfig) }
            let child = try ChildProcess(
                executable: try BinaryTests.binary(),
                arguments: ["-A", "-l", "app=search", "--kubeconfig", kubeconfig]
            )
            // The first progress line about the workload: its watches are open and the gate waits.
            let waiting = try await child.waitForStandardError(containing: "/search")
            #expect(waiting, "no progress line: \(child.standardErrorSoFar)")
            child.send(signal)
            let result = try await child.finish()
            let report = try ReportEncoder().decode(result.standardOutput)
            #expect(result.status == status)
            #expect(report.interruptedBy == name)
            #expect(report.error?.code == .program(.interrupted))
            #expect(report.results.map(\.name) == ["search"], "the partial report lists the target")
            #expect(try await sim.eventually { sim.statistics.watchStreamsOpen == 0 })
        }
    }
}

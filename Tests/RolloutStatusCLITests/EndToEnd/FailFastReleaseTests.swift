import Foundation
import KubeSimulator
import RolloutReport
import RolloutRules
import TestSupport
import Testing

/// Acceptance 2: a release over three namespaces, three Deployments each, where one starts crash-looping
/// 2 s in — through the built binary.
@Suite("End to end: a 3×3 release fails fast on one crash loop", .timeLimit(.minutes(8)))
struct FailFastReleaseTests {
    /// The release, in real time.
    ///
    /// `payments/checkout` runs 2 s, dies with a panic before it was ever ready, restarts,
    /// dies again, waits out a 10 s back-off, and dies a third time — past `--max-restarts 1`. The APIs and
    /// webs are ready within seconds; the workers take two minutes to start, so fail-fast cancels them.
    static let release = """
        name: release-3x3
        workloads:
          deployments:
            - name: api
              namespace: [shop, payments, search]
              labels: {app: api, release: r3}
              replicas: 2
              behaviour: healthy after 1s
            - name: worker
              namespace: [shop, payments, search]
              labels: {app: worker, release: r3}
              replicas: 2
              behaviour: slow-start after 120s
            - name: web
              namespace: [shop, search]
              labels: {app: web, release: r3}
              replicas: 2
              behaviour: healthy after 2s
            - name: checkout
              namespace: [payments]
              labels: {app: checkout, release: r3}
              replicas: 2
              container: server
              behaviour:
                name: crash-loop
                after: 2s
                exitCode: 3
                log: "panic: STRIPE_API_KEY is not set"
        """

    @Test func processCrashingWithTheLogTheRestCancelledOrDoneAndEveryStreamClosedBeforeExit() async throws {
        let scenario = try Scenario.parse(yaml: Self.release, file: "release-3x3.yaml")
        try await ConcurrencyLimit.endToEnd.run {
            try await withKubeSimulator(scenario: scenario) { sim in
                let kubeconfig = try sim.writeKubeconfig(.clientCertificate(.ec))
                defer { try? FileManager.default.removeItem(atPath: kubeconfig) }
                // A one-page stdout pipe nobody reads yet: the report is larger, so the process stays blocked in
                // its write, alive, until the test reads it. What the simulator sees then, the process did before
                // exiting.
                let gate = try BinaryProcess.start(
                    [
                        "-n", "shop,payments,search", "-l", "release=r3", "--max-restarts", "1", "--timeout", "90s",
                        "--kubeconfig", kubeconfig,
                    ],
                    holdingStandardOutput: true
                )
                #expect(gate.standardOutputPipeCapacity == 4096, "the stdout pipe could not be shrunk")
                #expect(try await gate.waitForStandardOutput(), "the gate never wrote its report")
                let closed = try await sim.eventually(timeout: .seconds(30)) { sim.statistics.watchStreamsOpen == 0 }
                let alive = gate.isRunning
                let run = BinaryProcess.Run(try await gate.finish())
                #expect(run.stdout.count > 4096, "the report must exceed the pipe for the check to mean anything")
                #expect(alive, "the process was still running, blocked writing its report")
                #expect(closed, "every watch stream was closed while the process was still alive")
                #expect(sim.statistics.watchStreamsOpened >= 4)

                #expect(run.status == 1)
                let report = try run.report("fail-fast-3x3")
                #expect(report.error?.code == .rollout(.processCrashing))
                #expect(report.error?.type == .rollout)
                #expect(report.error?.log?.contains("panic: STRIPE_API_KEY is not set") == true)
                #expect(report.results.count == 9)
                let failed = report.results.filter { $0.verdict == .failed }
                #expect(failed.map(\.path) == ["payments/checkout"])
                let failure = try #require(failed.first?.failure)
                #expect(failure.code == .processCrashing)
                #expect(failure.rule == RolloutRule.containerCrashLoop.rawValue)
                #expect(failure.container == "server")
                #expect((failure.restartCount ?? 0) > 1)
                let log = try #require(failure.log)
                #expect(log.container == "server")
                #expect(log.text?.contains("panic: STRIPE_API_KEY is not set") == true, "the crashed instance's log")
                for result in report.results where result.path != "payments/checkout" {
                    #expect(result.verdict == .cancelled || result.verdict == .succeeded, "\(result.path)")
                }
                #expect(report.results.filter { $0.name == "worker" }.allSatisfy { $0.verdict == .cancelled })
                #expect(report.selections.map(\.matched) == [9])
            }
        }
    }
}

import Foundation
import RolloutReport
import RolloutStatusCLI
import Testing

/// A program error can also arrive inside the runner's report (credentials refused or an API server
/// that stays down while watching, an exec plugin that fails at the first request): it gets the same
/// one line on stderr as an error thrown before the run, so a CI log always says why the gate stopped.
@Suite struct ReportedProgramErrorTests {
    static func report(_ code: ProgramErrorCode, _ message: String, signal: InterruptSignal? = nil) -> GateReport {
        GateReport(
            timing: Harness.timing,
            results: [TargetResult(kind: .deployment, namespace: "shop", name: "web", verdict: .progressing)],
            conclusion: signal.map { .interrupted($0) } ?? .error(ReportError(program: code, message: message))
        )
    }

    @Test(arguments: [
        (
            ProgramErrorCode.kubeconfig,
            "Credentials for user \"ci\" (exec plugin \"./plugin\"): the plugin exited with a failure."
        ),
        (.unauthorized, "Watch pods in namespace \"shop\" was rejected as unauthorized (401)."),
        (.forbidden, "Watch pods in namespace \"shop\" is forbidden (403)."),
        (.apiUnavailable, "The Kubernetes API at https://10.0.0.1:6443 is unreachable (connection refused)."),
    ])
    func oneLine(code: ProgramErrorCode, message: String) async throws {
        let run = await Harness.run(["-l", "app=web"], runner: ScriptedRunner(.report(Self.report(code, message))))
        #expect(run.stderr == ["rollout-status: \(code.rawValue): \(message)"])
        #expect(try run.report().error?.code == .program(code))
    }

    @Test("a line with control characters from the server is neutralised")
    func neutralised() async throws {
        let message = "Watch pods is forbidden (403): \u{1B}[2Jcleared\r\nsecond line."
        let run = await Harness.run(
            ["-l", "app=web"],
            runner: ScriptedRunner(.report(Self.report(.forbidden, message)))
        )
        #expect(run.stderr == ["rollout-status: forbidden: Watch pods is forbidden (403): ^[[2Jcleared second line."])
    }

    @Test("a rollout failure and success print no error line")
    func rolloutOutcomesPrintNone() async throws {
        #expect(
            await Harness.run(["-l", "app=web"], runner: ScriptedRunner(.report(Harness.succeeded))).stderr.isEmpty
        )
        #expect(await Harness.run(["-l", "app=web"], runner: ScriptedRunner(.report(Harness.crashed))).stderr.isEmpty)
    }
}

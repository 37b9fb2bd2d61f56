import Foundation
import KubeClient
import RolloutCoordinator
import RolloutReport
import RolloutRules
import RolloutStatusCLI
import Testing

/// `rollout-status demo` as a user runs it: the embedded simulator, the real gate over HTTPS, the report.
@Suite("rollout-status demo", .timeLimit(.minutes(3)))
struct DemoReleaseTests {
    @Test("the demo release fails fast on payments/checkout's crash loop, with live progress and a report")
    func demo() async throws {
        let stdout = CapturedOutput()
        let stderr = CapturedOutput()
        let program = GateProgram(
            environment: [:],
            standardInput: { Data() },
            standardOutput: stdout,
            standardError: stderr,
            runner: CoordinatorGateRunner(environment: { diagnostics in
                KubeClientEnvironment(variables: [:], homeDirectory: nil, diagnostics: diagnostics)
            }),
            demo: DemoRelease.run
        )
        let code = await program.execute(arguments: ["demo"])
        #expect(code == .rolloutFailed, "\(stderr.text)")
        let report = try ReportEncoder().decode(stdout.data)
        #expect(report.error?.code == .rollout(.processCrashing))
        #expect(report.error?.message.hasPrefix("Deployment payments/checkout: ") == true)
        #expect(report.results.count == 10)
        let checkout = try #require(report.results.first { $0.path == "payments/checkout" })
        #expect(checkout.failure?.container == "server")
        #expect(checkout.failure?.log != nil)
        for result in report.results where result.path != "payments/checkout" {
            #expect(result.verdict == .succeeded || result.verdict == .cancelled, "\(result.path)")
        }
        #expect(report.results.contains { $0.path == "payments/ledger" && $0.verdict == .cancelled })
        #expect(stderr.lines.first?.hasPrefix("rollout-status demo: a simulated cluster at https://127.0.0.1:") == true)
        #expect(stderr.lines.contains { $0.hasPrefix("payments/checkout: failed (process-crashing)") })
    }
}

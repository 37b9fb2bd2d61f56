import Foundation
import RolloutCoordinator
import RolloutReport
import RolloutRules
import RolloutStatusCLI
import Testing

/// Flags and the original's aliases, resolved into the request the runner receives.
@Suite struct CommandLineTests {
    static func request(_ arguments: [String]) async throws -> GateRequest {
        let run = await Harness.run(arguments)
        #expect(run.exitCode == .success, "stderr: \(run.stderr)")
        return try #require(run.request)
    }

    @Test func defaultsAreTheDocumentedOnes() async throws {
        let request = try await Self.request(["-l", "app=web"])
        #expect(request == GateRequest(selector: "app=web"))
        #expect(request.namespaces == .contextDefault)
        #expect(request.kinds == [.deployment])
        #expect(request.failFast)
        #expect(request.timeout == nil)
        #expect(request.thresholds.maxRestarts == 2)
        #expect(request.thresholds.pendingDeadline == .seconds(180))
        #expect(request.thresholds == .default)
        #expect(request.logLimits == LogLimits(lines: 50, bytes: 16_384))
    }

    @Test(arguments: [
        (["-n", "a"], ["a"]),
        (["-n", "a,b", "-n", "c"], ["a", "b", "c"]),
        (["--namespace", "a", "-n", "a"], ["a"]),
        (["-namespace", "legacy"], ["legacy"]),
        (["-n", "a", "-namespace", "b"], ["a", "b"]),
        (["-namespace=eq"], ["eq"]),
    ])
    func namespacesAreRepeatableCommaSeparatedAndAliased(flags: [String], expected: [String]) async throws {
        let request = try await Self.request(["-l", "app=web"] + flags)
        #expect(request.namespaces == .named(expected))
    }

    @Test func anEmptySelectorExplicitlySelectsEveryWorkload() async throws {
        #expect(try await Self.request(["-l", ""]).selector == "")
        #expect(try await Self.request(["-selector", "", "-namespace", "shop"]).selector == "")
    }

    @Test func allNamespaces() async throws {
        #expect(try await Self.request(["-A", "-l", "tier=api"]).namespaces == .all)
        #expect(try await Self.request(["-namespace", "", "-l", "tier=api"]).namespaces == .all)
        #expect(try await Self.request(["--all-namespaces", "-l", "tier=api"]).namespaces == .all)
    }

    @Test(arguments: [
        (["--kind", "statefulset"], [WorkloadKind.statefulSet]),
        (["--kind", "deployment,daemonset", "--kind", "jobs"], [.deployment, .daemonSet, .job]),
        (["--kind", "sts,ds,deploy"], [.deployment, .statefulSet, .daemonSet]),
        (["-kind-filter", "job"], [.job]),
        (["-kind-filter", ""], [.deployment, .statefulSet, .job]),
    ])
    func kindsAcceptKubectlNamesAndTheOriginalFilter(flags: [String], expected: [WorkloadKind]) async throws {
        #expect(try await Self.request(["-l", "a=b"] + flags).kinds == expected)
    }

    @Test func theOriginalsFlagsAreADropInReplacement() async throws {
        let request = try await Self.request([
            "-namespace", "prod", "-selector", "app=crashloop-backoff", "-kubeconfig", "/etc/kube/config",
            "-kubecontext", "ci", "-retry-limit", "6", "-pending-deadline", "120", "-kind-filter", "deployment",
            "-ignore-secret-not-found", "-interval", "5s",
        ])
        #expect(request.namespaces == .named(["prod"]))
        #expect(request.selector == "app=crashloop-backoff")
        #expect(request.cluster == ClusterSelection(kubeconfig: "/etc/kube/config", context: "ci"))
        #expect(request.thresholds.maxRestarts == 6)
        #expect(request.thresholds.pendingDeadline == .seconds(120))
        #expect(request.thresholds.ignoreSecretNotFound)
        #expect(request.kinds == [.deployment])
    }

    @Test func theIntervalIsAcceptedWithANoteOnStderr() async throws {
        let run = await Harness.run(["-l", "a=b", "-interval", "10s"])
        #expect(run.exitCode == .success)
        #expect(
            run.stderr == [
                "note: -interval 10s is accepted for compatibility and ignored: rollout-status watches instead of polling"
            ]
        )
    }

    @Test func minusOneDisablesTheOriginalsLimits() async throws {
        let request = try await Self.request(["-l", "a=b", "-retry-limit", "-1", "-pending-deadline", "-1"])
        #expect(request.thresholds.maxRestarts == nil)
        #expect(request.thresholds.pendingDeadline == nil)
    }

    @Test(arguments: ["-ignore-secret-not-found=true", "--ignore-secret-not-found=true", "-ignore-secret-not-found=1"])
    func goBooleanSyntaxIsAccepted(flag: String) async throws {
        #expect(try await Self.request(["-l", "a=b", flag]).thresholds.ignoreSecretNotFound)
    }

    @Test func goBooleanFalseLeavesTheFlagOff() async throws {
        #expect(
            try await !Self.request(["-l", "a=b", "-ignore-secret-not-found=false"]).thresholds.ignoreSecretNotFound
        )
    }

    @Test func everyThresholdFlag() async throws {
        let request = try await Self.request([
            "-l", "a=b", "--max-restarts", "0", "--pending-deadline", "5m", "--image-pull-grace", "30s",
            "--mount-grace", "1m30s", "--allow-paused", "--require-old-pods-gone", "--log-lines", "10",
            "--log-bytes", "2048", "--timeout", "1h30m", "--no-fail-fast", "--kubeconfig", "k", "--context", "c",
        ])
        #expect(
            request.thresholds
                == RolloutThresholds(
                    maxRestarts: 0,
                    pendingDeadline: .seconds(300),
                    imagePullGrace: .seconds(30),
                    mountGrace: .seconds(90),
                    allowPaused: true,
                    requireOldPodsGone: true
                )
        )
        #expect(request.logLimits == LogLimits(lines: 10, bytes: 2048))
        #expect(request.timeout == .seconds(5400))
        #expect(!request.failFast)
        #expect(request.cluster == ClusterSelection(kubeconfig: "k", context: "c"))
    }

    @Test func verbosity() async throws {
        #expect(try await Self.request(["-l", "a=b"]).verbosity == .normal)
        #expect(try await Self.request(["-l", "a=b", "--quiet"]).verbosity == .quiet)
        #expect(try await Self.request(["-l", "a=b", "-v"]).verbosity == .verbose)
    }

    @Test func helpGoesToStdoutWithExitZero() async {
        let run = await Harness.run(["--help"])
        #expect(run.exitCode == .success)
        #expect(run.stdout.contains("USAGE: rollout-status"))
        #expect(run.stdout.contains("--no-fail-fast"))
        #expect(run.stderr.isEmpty)
    }

    @Test func manifestsFromStandardInputBecomeTargetsInTheOneNamespace() async throws {
        let yaml = """
            apiVersion: v1
            kind: Service
            metadata:
              name: web
            ---
            apiVersion: apps/v1
            kind: Deployment
            metadata:
              name: web
            ---
            apiVersion: apps/v1
            kind: Deployment
            metadata:
              name: worker
              namespace: jobs
            """
        let run = await Harness.run(["-f", "-", "-n", "shop"], stdin: yaml)
        #expect(run.exitCode == .success)
        let request = try #require(run.request)
        #expect(request.manifestTargets.map(\.namespace) == ["shop", "jobs"])
        #expect(request.manifestTargets.map(\.name) == ["web", "worker"])
        #expect(request.skipped.map(\.kind) == ["Service"])
        #expect(request.selector == nil)
    }

    @Test func aProgramErrorAfterManifestsWereReadKeepsTheSkippedObjects() async throws {
        let yaml =
            "apiVersion: v1\nkind: Service\nmetadata:\n  name: web\n---\napiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: web\n"
        let runner = ScriptedRunner(.error(ClassifiedError(programErrorCode: .forbidden, description: "403")))
        let run = await Harness.run(["-f", "-", "-n", "shop"], runner: runner, stdin: yaml)
        #expect(run.exitCode == .apiFailure)
        let report = try run.report()
        #expect(report.skipped.map(\.kind) == ["Service"])
        #expect(report.summary.skipped == 1)
    }

    @Test func textOutputPrintsTheTableInsteadOfJSON() async {
        let run = await Harness.run(
            ["-l", "a=b", "--output", "text"],
            runner: ScriptedRunner(.report(Harness.crashed))
        )
        #expect(run.exitCode == .rolloutFailed)
        #expect(run.stdout.hasPrefix("TARGET"))
        #expect(run.stdout.contains("process-crashing"))
    }

    @Test func reportFileAndJUnitAreWritten() async throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("cli-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        let reportPath = directory.appendingPathComponent("report.json").path
        let junitPath = directory.appendingPathComponent("junit.xml").path
        let run = await Harness.run(
            ["-l", "a=b", "--report-file", reportPath, "--junit", junitPath],
            runner: ScriptedRunner(.report(Harness.crashed))
        )
        #expect(run.exitCode == .rolloutFailed)
        #expect(try String(contentsOfFile: reportPath, encoding: .utf8) == run.stdout)
        let junit = try String(contentsOfFile: junitPath, encoding: .utf8)
        #expect(junit.contains("<failure type=\"process-crashing\""))
    }

    @Test func anUnwritableReportFileIsReportedAndFailsASuccessfulGate() async throws {
        let run = await Harness.run(["-l", "a=b", "--report-file", "/nonexistent-dir/report.json"])
        #expect(run.exitCode == .usage)
        #expect(try run.report().success)
        #expect(run.stderr.count == 1)
        #expect(
            run.stderr.first?.hasPrefix("rollout-status: invalid-input: Cannot write /nonexistent-dir/report.json")
                == true
        )
    }

    @Test func githubActionsGetsAnnotationsAndAStepSummary() async throws {
        let summary = FileManager.default.temporaryDirectory.appendingPathComponent("summary-\(UUID().uuidString).md")
        defer { try? FileManager.default.removeItem(at: summary) }
        let run = await Harness.run(
            ["-l", "a=b"],
            runner: ScriptedRunner(.report(Harness.crashed)),
            environment: ["GITHUB_ACTIONS": "true", "GITHUB_STEP_SUMMARY": summary.path]
        )
        #expect(run.exitCode == .rolloutFailed)
        #expect(run.stderr.contains { $0.hasPrefix("::error title=rollout-status%3A Deployment shop/api failed") })
        let markdown = try String(contentsOf: summary, encoding: .utf8)
        #expect(markdown.contains("rollout gate failed"))
        #expect(markdown.contains("panic: boom"))
        #expect(!run.stdout.contains("::error"))
    }

    @Test func withoutGitHubActionsThereAreNoAnnotations() async {
        let run = await Harness.run(["-l", "a=b"], runner: ScriptedRunner(.report(Harness.crashed)))
        #expect(!run.stderr.contains { $0.hasPrefix("::error") })
    }

    @Test func theDemoHookAnswersUntilItIsWired() async throws {
        let run = await Harness.run(["demo"])
        #expect(run.exitCode == .internalError)
        #expect(run.stderr.count == 1)
        let report = try run.report()
        #expect(report.error?.code == .program(.internal))
    }
}

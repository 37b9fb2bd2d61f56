import Foundation
import KubeSimulator
import RolloutReport
import RolloutRules
import TestSupport
import Testing

/// Acceptance 3, 4 and 5 of the gate, and the GitHub Actions mode, through the built binary.
@Suite("End to end: manifests, the original's example, bad input, GitHub Actions", .timeLimit(.minutes(8)))
struct AcceptanceTests {
    /// Two healthy Deployments in two namespaces, and a Service beside them.
    static let twoNamespaces = """
        name: helm-release
        workloads:
          deployments:
            - name: api
              namespace: shop
              labels: {app: api}
              replicas: 2
              behaviour: healthy after 1s
            - name: ledger
              namespace: payments
              labels: {app: ledger}
              replicas: 1
              behaviour: healthy after 1s
        """

    /// As `helm template` renders a chart: `# Source:` comments, an empty document, a comment-only
    /// document, a leading `---`, and a Service between the two Deployments.
    static let helmManifest = """
        ---
        # Source: release/templates/service.yaml
        apiVersion: v1
        kind: Service
        metadata:
          name: api
          namespace: shop
        spec:
          selector: {app: api}
          ports:
            - port: 80
              targetPort: 8080
        ---
        ---
        # Source: release/templates/empty.yaml
        # (a template whose condition was false renders only its comment)
        ---
        # Source: release/templates/api.yaml
        apiVersion: apps/v1
        kind: Deployment
        metadata:
          name: api
          namespace: shop
          labels: {app: api}
        spec:
          replicas: 2
          selector:
            matchLabels: {app: api}
          template:
            metadata:
              labels: {app: api}
            spec:
              containers:
                - name: api
                  image: registry.example.com/shop/api:1.0.0
        ---
        # Source: release/templates/ledger.yaml
        apiVersion: apps/v1
        kind: Deployment
        metadata:
          name: ledger
          namespace: payments   # another namespace than the Service's
        spec:
          replicas: 1
          selector:
            matchLabels: {app: ledger}
          template:
            metadata:
              labels: {app: ledger}
            spec:
              containers:
                - name: ledger
                  image: registry.example.com/payments/ledger:1.0.0
        ...

        """

    @Test func aHelmStyleManifestGatesItsTwoDeploymentsAndSkipsTheService() async throws {
        let scenario = try Scenario.parse(yaml: Self.twoNamespaces, file: "helm-release.yaml")
        try await ConcurrencyLimit.endToEnd.run {
            try await withKubeSimulator(scenario: scenario) { sim in
                let kubeconfig = try sim.writeKubeconfig(.clientCertificate(.ec))
                defer { try? FileManager.default.removeItem(atPath: kubeconfig) }
                let manifest = FileManager.default.temporaryDirectory
                    .appendingPathComponent("rendered-\(UUID().uuidString).yaml")
                try Data(Self.helmManifest.utf8).write(to: manifest)
                defer { try? FileManager.default.removeItem(at: manifest) }

                let run = try await BinaryProcess.run([
                    "-f", manifest.path, "--timeout", "60s", "--kubeconfig", kubeconfig,
                ])
                let report = try run.report("helm-manifest")
                #expect(run.status == 0, "\(run.stderrLines.suffix(4))")
                #expect(report.success)
                #expect(report.results.map(\.path).sorted() == ["payments/ledger", "shop/api"])
                #expect(report.results.allSatisfy { $0.verdict == .succeeded })
                #expect(report.skipped.map(\.kind) == ["Service"])
                #expect(report.skipped.first?.name == "api")
                #expect(report.skipped.first?.source.hasPrefix(manifest.path) == true)
                #expect(report.selections.isEmpty, "a manifest names its targets: no selection")
            }
        }
    }

    /// The original README's example: the same `success`, `error.code`, `error.type` and an `error.log`
    /// holding the crashed container's output, with the original's field names and types.
    @Test func theOriginalsExampleGivesTheOriginalsTopLevelAnswer() async throws {
        let scenario = try Scenario.load(file: RepositoryFiles.scenario("crashloop-backoff.yaml"))
        try await ConcurrencyLimit.endToEnd.run {
            try await withKubeSimulator(scenario: scenario) { sim in
                let kubeconfig = try sim.writeKubeconfig(.clientCertificate(.ec), namespace: "default")
                defer { try? FileManager.default.removeItem(atPath: kubeconfig) }
                let run = try await BinaryProcess.run([
                    "-selector", "app=crashloop-backoff", "--timeout", "90s", "--kubeconfig", kubeconfig,
                ])
                _ = try run.report("original-example")
                #expect(run.status == 1, "the original exits 1 on a failed rollout")
                let json = try run.json()
                #expect(json["success"] as? Bool == false)
                let error = try #require(json["error"] as? [String: Any])
                #expect(error["code"] as? String == "process-crashing")
                #expect(error["type"] as? String == "rollout")
                let message = try #require(error["message"] as? String)
                #expect(message.contains("main"), "the message names the container: \(message)")
                let log = try #require(error["log"] as? String)
                #expect(log.contains("panic: invalid configuration: unable to read client-key /etc/app/client.key"))
            }
        }
    }

    /// Each bad input of acceptance 5: exit 64, one line on stderr, a program report on stdout.
    static let badInput: [(label: String, arguments: [String], stdin: String, stderr: String)] = [
        ("invalid selector", ["-l", "app in (web", "-n", "shop"], "", "invalid label selector"),
        ("missing file", ["-f", "/no/such/release.yaml"], "", "/no/such/release.yaml: no such file or directory"),
        (
            "YAML error", ["-f", "-"],
            "---\n# Source: chart/templates/web.yaml\napiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: [web\n",
            "-:7:1: invalid yaml"
        ),
        ("timeout banana", ["-l", "app=web", "--timeout", "banana"], "", "--timeout: invalid duration \"banana\""),
        ("unknown kind", ["-l", "app=web", "--kind", "cronjob"], "", "unknown kind \"cronjob\""),
        ("-A with -n", ["-A", "-n", "shop", "-l", "app=web"], "", "cannot be combined with -n shop"),
    ]

    @Test("bad input", arguments: badInput.indices)
    func badInputIsOneLineOnStderrAProgramReportAndExit64(index: Int) async throws {
        let (label, arguments, stdin, expected) = Self.badInput[index]
        let run = try await BinaryProcess.run(arguments, stdin: stdin)
        #expect(run.status == 64, "\(label): documented in docs/exit-codes.md")
        #expect(run.stderrLines.count == 1, "\(label): \(run.stderrLines)")
        let line = try #require(run.stderrLines.first)
        #expect(line.hasPrefix("rollout-status: invalid-input: "), "\(label): \(line)")
        #expect(line.lowercased().contains(expected.lowercased()), "\(label): \(line)")
        let json = try run.json()
        let report = try run.report("bad-input-\(label)")
        #expect(report.success == false)
        let error = try #require(json["error"] as? [String: Any])
        #expect(error["type"] as? String == "program")
        #expect(error["code"] as? String == "invalid-input")
        #expect(report.results.isEmpty)
    }

    /// `GITHUB_ACTIONS=true`: one `::error` annotation per failed target on stderr, the report alone on
    /// stdout, and a Markdown summary with the log appended to `$GITHUB_STEP_SUMMARY`.
    @Test func gitHubActionsAnnotatesAndAppendsTheStepSummary() async throws {
        let scenario = try Scenario.load(file: RepositoryFiles.scenario("crashloop-backoff.yaml"))
        try await ConcurrencyLimit.endToEnd.run {
            try await withKubeSimulator(scenario: scenario) { sim in
                let kubeconfig = try sim.writeKubeconfig(.clientCertificate(.ec), namespace: "default")
                defer { try? FileManager.default.removeItem(atPath: kubeconfig) }
                let summary = FileManager.default.temporaryDirectory.appendingPathComponent("summary-\(UUID()).md")
                try Data("## earlier step\n".utf8).write(to: summary)
                defer { try? FileManager.default.removeItem(at: summary) }

                let run = try await BinaryProcess.run(
                    ["-l", "app=crashloop-backoff", "--timeout", "90s", "--kubeconfig", kubeconfig],
                    environment: ["GITHUB_ACTIONS": "true", "GITHUB_STEP_SUMMARY": summary.path]
                )
                #expect(run.status == 1)
                #expect(try run.report("github-actions").error?.code == .rollout(.processCrashing))
                let annotations = run.stderrLines.filter { $0.hasPrefix("::error ") }
                #expect(annotations.count == 1, "\(run.stderrLines)")
                let annotation = try #require(annotations.first)
                // A property value escapes `:` as `%3A` (GitHub's workflow-command syntax).
                #expect(annotation.contains("title=rollout-status%3A Deployment default/crashloop-backoff failed"))
                #expect(annotation.contains("(process-crashing)::"))
                let text = try String(contentsOf: summary, encoding: .utf8)
                #expect(text.hasPrefix("## earlier step\n"), "the summary is appended, never overwritten")
                #expect(text.contains("rollout gate failed"))
                #expect(text.contains("| target | kind | verdict | ready | detail |"))
                #expect(text.contains("default/crashloop-backoff"))
                #expect(text.contains("panic: invalid configuration"), "the failure's log is in the summary")
            }
        }
    }

    /// `--output text`: the final summary table on stdout instead of JSON, one row per target.
    @Test func textOutputPrintsTheSummaryTable() async throws {
        let scenario = try Scenario.parse(yaml: Self.twoNamespaces, file: "helm-release.yaml")
        try await ConcurrencyLimit.endToEnd.run {
            try await withKubeSimulator(scenario: scenario) { sim in
                let kubeconfig = try sim.writeKubeconfig(.clientCertificate(.ec))
                defer { try? FileManager.default.removeItem(atPath: kubeconfig) }
                let run = try await BinaryProcess.run([
                    "-n", "shop,payments", "-l", "app in (api, ledger)", "--output", "text", "--timeout", "60s",
                    "--kubeconfig", kubeconfig,
                ])
                #expect(run.status == 0, "\(run.stderrLines.suffix(4))")
                let text = String(decoding: run.stdout, as: UTF8.self)
                #expect((try? JSONSerialization.jsonObject(with: run.stdout)) == nil, "text, not JSON")
                let lines = text.split(separator: "\n").map(String.init)
                #expect(lines.contains { $0.contains("shop/api") && $0.contains("succeeded") && $0.contains("2/2") })
                #expect(lines.contains { $0.contains("payments/ledger") && $0.contains("succeeded") })
            }
        }
    }
}

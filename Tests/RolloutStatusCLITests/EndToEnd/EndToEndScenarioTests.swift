import Foundation
import KubeSimulator
import RolloutReport
import RolloutRules
import TestSupport
import Testing

/// Acceptance 1: the built binary answers what each scenario's header promises.
///
/// The `rollout-status` executable runs as a separate process against the simulator playing each
/// scenario of `examples/scenarios/`; its exit code, `error.code`, each target's verdict, failure code
/// and reason must be the promised ones. Every report is saved for CI's schema check
/// (`Scripts/validate-reports.py`).
///
/// A few scenarios run at once (the simulator in this process over HTTPS, the gate in its own); each waits
/// at most 90 s of its own, the whole suite typically well under a minute.
@Suite("End to end: the built binary against every scenario", .timeLimit(.minutes(8)))
struct EndToEndScenarioTests {
    /// The benchmark's thousand Deployments belong to the benchmarks.
    static let excluded: Set<String> = ["large-release.yaml"]

    @Test func everyScenarioPromisesAVerdict() throws {
        let files = try FileManager.default.contentsOfDirectory(
            atPath: RepositoryFiles.root.appendingPathComponent("examples/scenarios").path
        ).filter { $0.hasSuffix(".yaml") && !Self.excluded.contains($0) }
        let promised = Set(try ScenarioExpectation.all(excluding: Self.excluded).map(\.file))
        #expect(Set(files) == promised)
        #expect(files.count >= 20)
    }

    @Test("the scenario's promise", arguments: try ScenarioExpectation.all(excluding: excluded))
    func scenario(_ expected: ScenarioExpectation) async throws {
        try await ConcurrencyLimit.endToEnd.run {
            let scenario = try Scenario.load(file: RepositoryFiles.scenario(expected.file))
            try await withKubeSimulator(scenario: scenario) { sim in
                if let precondition = expected.precondition {
                    // A 2 s timeline step, but `make test` on a loaded two-core machine once starved the
                    // simulator's timeline for over a minute: wait generously, fail only if it never comes.
                    let reached = try await sim.eventually(timeout: .seconds(150)) {
                        Self.holds(precondition, in: sim.simulator.cluster)
                    }
                    try #require(reached, "the cluster never reached \(precondition)")
                }
                let kubeconfig = try sim.writeKubeconfig(.clientCertificate(.ec))
                defer { try? FileManager.default.removeItem(atPath: kubeconfig) }
                var arguments = expected.arguments + ["--kubeconfig", kubeconfig]
                if !arguments.contains("--timeout") { arguments += ["--timeout", "90s"] }
                let run = try await BinaryProcess.run(arguments)
                try Self.check(run, against: expected)
                #expect(try await sim.eventually { sim.statistics.watchStreamsOpen == 0 })
            }
        }
    }

    /// Records an issue for every way `run` differs from `expected`.
    static func check(_ run: BinaryProcess.Run, against expected: ScenarioExpectation) throws {
        let report = try run.report(expected.file)
        let summary = report.results.map { result in
            "\(result.path) \(result.verdict.rawValue) \(result.failure.map { "\($0.code.rawValue) \($0.reason ?? "-")" } ?? "")"
        }
        #expect(run.status == expected.exitCode, "\(summary); stderr: \(run.stderrLines.suffix(5))")
        if let codes = expected.errorCodes {
            #expect(codes.contains(report.error?.code.rawValue ?? "none"), "\(report.error?.message ?? "no error")")
        } else {
            #expect(report.error == nil, "\(report.error?.message ?? "")")
        }
        #expect(report.results.count == expected.results.count, "\(summary)")
        for promised in expected.results {
            guard
                let result = report.results.first(where: {
                    $0.namespace == promised.namespace && $0.name == promised.name
                })
            else {
                Issue.record("no result for \(promised.namespace)/\(promised.name): \(summary)")
                continue
            }
            #expect(result.verdict.rawValue == promised.verdict, "\(result.path): \(summary)")
            if let code = promised.code { #expect(result.failure?.code.rawValue == code, "\(result.path)") }
            if let reasons = promised.reasons {
                #expect(
                    reasons.contains(result.failure?.reason ?? "-"),
                    "\(result.path): \(result.failure?.reason ?? "no reason")"
                )
            }
            if let revision = promised.revision { #expect(result.revision == revision, "\(result.path)") }
        }
        if let selections = expected.selections {
            #expect(report.selections.map(\.status.rawValue) == selections)
        }
        // The plain progress (stderr is a pipe): every line names its target (`namespace/name`, or a
        // selection as `deployments matching … in namespace …`), or is the tool's own.
        for line in run.stderrLines {
            let prefix = line.prefix { $0 != ":" }
            let named =
                prefix.contains("/") || prefix.contains(" in namespace") || prefix.contains(" in all namespaces")
            #expect(prefix == "rollout-status" || named, "stderr: \(line)")
        }
    }

    /// Whether the object's field at the precondition's path has its value.
    static func holds(_ precondition: ScenarioExpectation.Precondition, in cluster: SimulatedCluster) -> Bool {
        var value = cluster.object(
            kind: precondition.kind,
            namespace: precondition.namespace,
            name: precondition.name
        )
        for key in precondition.path {
            if let index = Int(key), case .array(let items)? = value {
                value = index < items.count ? items[index] : nil
            } else {
                value = value?[key]
            }
        }
        let text = value?.intValue.map(String.init) ?? value?.stringValue
        return text == precondition.value
    }
}

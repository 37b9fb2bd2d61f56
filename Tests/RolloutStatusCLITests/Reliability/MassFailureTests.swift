import Foundation
import KubeClient
import KubeSimulator
import RolloutReport
import RolloutRules
import RolloutStatusCLI
import TestSupport
import Testing

/// 500 Deployments in 10 namespaces whose pods all crash at the same moment: the gate gives one verdict
/// and one report listing every target, and closes every watch stream it opened.
@Suite("500 targets failing at once", .timeLimit(.minutes(5)))
struct MassFailureTests {
    static let namespaces = (1...10).map { "mass-\($0)" }

    static var scenario: Scenario {
        get throws {
            try Scenario.parse(
                yaml: """
                    name: mass-failure
                    workloads:
                      timeScale: 0.1
                      deployments:
                        - name: app-{i}
                          count: 50
                          namespace: [\(namespaces.joined(separator: ", "))]
                          replicas: 1
                          image: registry.example.com/mass/app:2.0.0
                          behaviour:
                            name: crash-loop
                            after: 2s
                            exitCode: 1
                            log: "fatal: the database is read-only"
                    """,
                file: "mass-failure.yaml"
            )
        }
    }

    static var manifests: String {
        namespaces.flatMap { namespace in
            (1...50).map { index in
                """
                apiVersion: apps/v1
                kind: Deployment
                metadata: {name: app-\(index), namespace: \(namespace)}
                """
            }
        }.joined(separator: "\n---\n")
    }

    @Test("fail-fast: exit 1, one decisive failure, 500 results, every stream closed")
    func failFast() async throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("mass-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        let file = directory.appendingPathComponent("release.yaml")
        try Data(Self.manifests.utf8).write(to: file)
        let run = try await GateUnderFaults.run(
            ["-f", file.path, "--timeout", "150s", "--quiet"],
            scenario: try Self.scenario,
            // A simulator playing 500 Deployments answers its first lists slowly on a loaded machine: an idle
            // limit of seconds would take that for a stall; quick retries stay.
            transport: TransportOptions(
                idleTimeout: .seconds(60),
                retry: RetryPolicy(initialDelay: .milliseconds(100), maximumDelay: .seconds(1), maximumAttempts: 30)
            )
        ) { sim in
            // Faults while the 500 fail: a close of every stream mid-way.
            try await GateUnderFaults.watching(sim, atLeast: 20)
            try await Task.sleep(for: .seconds(1))
            sim.closeAllWatchStreams()
        }
        #expect(run.program.exitCode == .rolloutFailed, "stderr: \(run.program.stderr.suffix(5))")
        let report = try run.program.report()
        #expect(report.error?.code == .rollout(.processCrashing))
        #expect(report.results.count == 500)
        #expect(report.results.allSatisfy { $0.verdict == .failed || $0.verdict == .cancelled })
        #expect(report.results.contains { $0.verdict == .failed })
        #expect(report.summary.total == 500)
        #expect(
            run.streamsClosed,
            "\(run.statistics.watchStreamsOpen) of \(run.statistics.watchStreamsOpened) streams left open"
        )
        #expect(run.duration < .seconds(150), "took \(run.duration)")
        // One report: stdout is exactly one JSON document.
        #expect(run.program.stdout.components(separatedBy: "\"schemaVersion\"").count == 2)
    }
}

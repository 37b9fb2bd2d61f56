import Foundation
import NIOPosix
import RolloutRules
import Testing

@testable import RolloutBench

@Suite struct DistributionTests {
    @Test(arguments: [
        ([5.0], 5.0, 5.0),
        ([1.0, 2.0, 3.0, 4.0], 2.5, 4.0),
        ((1...20).map(Double.init), 10.5, 19.0),
        ((1...100).map(Double.init).reversed(), 50.5, 95.0),
    ])
    func medianAndNearestRankP95(samples: [Double], median: Double, p95: Double) throws {
        let distribution = try #require(Distribution(samples))
        #expect(distribution.median == median)
        #expect(distribution.p95 == p95)
        #expect(distribution.samples == samples)
    }

    @Test func noSamplesNoDistribution() {
        #expect(Distribution([]) == nil)
    }
}

@Suite struct ProcessTests {
    @Test(arguments: [
        (Int32(0), ProcessOutcome.Termination.exited(0)),
        (Int32(1 << 8), .exited(1)),
        (Int32(130 << 8), .exited(130)),
        (Int32(9), .signalled(9)),
        (Int32(15), .signalled(15)),
    ])
    func waitStatusDecoding(status: Int32, termination: ProcessOutcome.Termination) {
        #expect(ChildProcess.termination(status) == termination)
    }

    /// Runs `body` with a started thread pool, shut down afterwards.
    func withPool(_ body: (NIOThreadPool) async throws -> Void) async throws {
        let pool = NIOThreadPool(numberOfThreads: 2)
        pool.start()
        do {
            try await body(pool)
        } catch {
            try await pool.shutdownGracefully()
            throw error
        }
        try await pool.shutdownGracefully()
    }

    @Test func aChildsExitCodeCPUAndMemoryAreReported() async throws {
        try await withPool { pool in
            let child = try ChildProcess.launch(
                ProcessSpec(executable: "/bin/sh", arguments: ["-c", "exit 3"], environment: [:])
            )
            let outcome = try await child.wait(using: pool)
            #expect(outcome.termination == .exited(3))
            #expect(outcome.peakRSSBytes > 0)
            #expect(outcome.endedAt >= outcome.startedAt)
        }
    }

    @Test func aBatchRunsEveryProcessWithinItsParallelism() async throws {
        try await withPool { pool in
            let specs = (0..<6).map { index in
                ProcessSpec(executable: "/bin/sh", arguments: ["-c", "exit \(index)"], environment: [:])
            }
            let batch = try await ProcessBatch.run(specs, parallelism: 2, using: pool)
            #expect(batch.outcomes.map(\.exitCode) == [0, 1, 2, 3, 4, 5])
            #expect(batch.peakConcurrency == 2)
        }
    }

    @Test func aLineIsReadFromAChildsOutput() async throws {
        try await withPool { pool in
            let child = try ChildProcess.launch(
                ProcessSpec(
                    executable: "/bin/sh",
                    arguments: ["-c", "echo starting; echo READY https://127.0.0.1:1234; exit 0"],
                    environment: [:],
                    standardOutput: .pipe
                )
            )
            let url = try await child.readLine(startingWith: "READY ", timeout: .seconds(60), using: pool)
            #expect(url == "https://127.0.0.1:1234")
            _ = try await child.wait(using: pool)
        }
    }

    @Test func aChildThatExitsWithoutTheLineIsAnError() async throws {
        try await withPool { pool in
            let child = try ChildProcess.launch(
                ProcessSpec(
                    executable: "/bin/sh",
                    arguments: ["-c", "echo nope"],
                    environment: [:],
                    standardOutput: .pipe
                )
            )
            await #expect(throws: BenchError.self) {
                try await child.readLine(startingWith: "READY ", timeout: .seconds(60), using: pool)
            }
            _ = try await child.wait(using: pool)
        }
    }

    @Test func childrenEndingInAnyOrderAreEachReapedOnce() async throws {
        try await withPool { pool in
            let children = try [3, 1, 2].map { seconds in
                try ChildProcess.launch(
                    ProcessSpec(
                        executable: "/bin/sh",
                        arguments: ["-c", "sleep 0.\(seconds); exit \(seconds)"],
                        environment: [:]
                    )
                )
            }
            let outcomes = try await ChildProcess.waitAll(children, using: pool)
            #expect(children.map { outcomes[$0.pid]?.exitCode } == [3, 1, 2])
        }
    }

    @Test func aMissingExecutableIsAnError() {
        #expect(throws: BenchError.self) {
            try ChildProcess.launch(ProcessSpec(executable: "/nonexistent/binary", arguments: [], environment: [:]))
        }
    }
}

@Suite struct CountersTests {
    @Test func theDifferenceOfTwoSnapshotsIsWhatHappenedBetween() {
        let before = SimulatorCounters(
            requests: ["list": ["pods": 2], "watch": ["pods": 1]],
            totalRequests: 3,
            watchStreamsOpened: 1,
            bytesSent: 1000
        )
        let after = SimulatorCounters(
            requests: ["list": ["pods": 2, "deployments": 1], "watch": ["pods": 3]],
            totalRequests: 6,
            watchStreamsOpened: 3,
            watchStreamsOpen: 2,
            bytesSent: 5000
        )
        let delta = after.since(before)
        #expect(delta.requests == ["list": ["deployments": 1], "watch": ["pods": 2]])
        #expect(delta.totalRequests == 3)
        #expect(delta.watchStreamsOpened == 2)
        #expect(delta.bytesSent == 4000)
    }
}

@Suite struct ScenarioTests {
    @Test func scaleTargetsSpreadRoundRobinOverTheNamespaces() {
        let scaleCase = ScaleCase(deployments: 10, namespaces: 3, unrelatedPodsPerNamespace: 5, withFailure: true)
        #expect(scaleCase.namespaceNames == ["scale-01", "scale-02", "scale-03"])
        let counts = Dictionary(grouping: scaleCase.targets, by: \.namespace).mapValues(\.count)
        #expect(counts == ["scale-01": 4, "scale-02": 3, "scale-03": 3])
        #expect(Set(scaleCase.targets.map(\.name)).count == 10)
        #expect(scaleCase.failingTarget == DeploymentName(namespace: "scale-03", name: "svc-6"))
        let yaml = scaleCase.scenarioYAML
        #expect(yaml.contains("labels: {app: svc-10, tier: bench}"))
        #expect(yaml.contains("namespace: [scale-01, scale-02, scale-03]"))
        #expect(yaml.contains("count: 5"))
    }

    @Test func verdictCasesCarryTheirThresholdsAndDeadlines() throws {
        let scheduling = try #require(VerdictCase.all.first { $0.id == "scheduling" })
        #expect(scheduling.thresholds.pendingDeadline == .seconds(2))
        let timeout = try #require(VerdictCase.all.first { $0.id == "timeout" })
        #expect(timeout.timeoutSeconds == 2)
        #expect(timeout.kubectlArguments == ["deployment/web", "-n", "bench", "--timeout", "2s"])
        let success = try #require(VerdictCase.all.first { $0.id == "success" })
        #expect(success.scenarioYAML.contains("behaviour: healthy after 1s"))
        #expect(success.scenarioYAML.contains("image: \"*:2.0.0\""))
        #expect(
            Set(VerdictCase.all.map(\.expectedVerdict)).isSuperset(of: [
                "succeeded", "process-crashing", "invalid-config", "resource-limits-exceeded", "scheduling",
                "not-progressing", "timeout", "not-found",
            ])
        )
    }
}

@Suite struct RenderingTests {
    @Test func theResultsBlockIsReplacedBetweenTheMarkers() throws {
        let text = "intro\n\(ResultsWriter.begin)\nold\n\(ResultsWriter.end)\noutro\n"
        let replaced = try ResultsWriter.replacingBlock(in: text, with: "new\n", file: "B.md")
        #expect(replaced == "intro\n\(ResultsWriter.begin)\nnew\n\(ResultsWriter.end)\noutro\n")
        #expect(throws: BenchError.self) { try ResultsWriter.replacingBlock(in: "none", with: "x", file: "B.md") }
    }

    @Test func chartPathsAreRelativeToTheMarkdownFile() {
        #expect(ResultsWriter.relative("docs/benchmarks", from: "BENCHMARKS.md") == "docs/benchmarks")
        #expect(ResultsWriter.relative("docs/benchmarks", from: "docs/README.md") == "benchmarks")
    }

    @Test func aLogAxisPlacesDecadesEvenly() {
        let axis = BarChart.Axis(values: [3, 4000], logarithmic: true)
        #expect(axis.ticks == [1, 10, 100, 1000, 10000])
        #expect(axis.position(1) == 0)
        #expect(abs(axis.position(100) - 0.5) < 1e-9)
        #expect(axis.position(10000) == 1)
    }

    @Test func aChartIsOneSVGDocumentWithABarPerValue() {
        let chart = BarChart(
            title: "A & B",
            unit: "ms",
            categories: ["one", "two"],
            series: [
                .init(name: "gate", color: "#00f", values: [10, nil], whiskers: [20, nil]),
                .init(name: "kubectl", color: "#999", values: [1000, 2000]),
            ],
            logarithmic: true,
            goal: (50, "goal")
        ).svg
        #expect(chart.hasPrefix("<svg "))
        #expect(chart.hasSuffix("</svg>\n"))
        #expect(chart.components(separatedBy: "<rect x=").count - 1 == 3 + 2)  // three bars, two legend boxes
        #expect(chart.contains("A &amp; B"))
        #expect(chart.contains("gate: not measured"))
        #expect(chart.contains("stroke-dasharray"))
    }

    @Test func goalsAreJudgedOnTheStatedStatistic() throws {
        var results = BenchResults(
            machine: MachineDescription(
                cpuModel: "cpu",
                cores: 2,
                memoryBytes: 1 << 30,
                kernel: "Linux",
                swiftVersion: "Swift",
                commit: "abc",
                kubectlVersion: "v1",
                loadAverage: [0.5],
                date: "2026-01-01T00:00:00Z"
            ),
            configuration: RunConfiguration(
                profile: "ci",
                command: "rollout-bench",
                gateBinary: "g",
                simulatorBinary: "s",
                kubectlBinary: nil,
                verdictRepeats: 3,
                kubectlVerdictRepeats: 1,
                scaleRepeats: 1,
                kubectlScaleRepeats: 1,
                kubectlParallelism: 10,
                startupRepeats: 3
            )
        )
        let success = try #require(VerdictCase.all.first)
        func run(_ latency: Double) -> VerdictRun {
            VerdictRun(
                termination: .exited(0),
                reported: "succeeded",
                expected: true,
                moment: nil,
                latencyMilliseconds: latency,
                decisiveAfterStartMilliseconds: 500,
                wallMilliseconds: 900,
                cpuSeconds: 0.1,
                peakRSSBytes: 1
            )
        }
        results.verdict = [
            VerdictResult(verdictCase: success, tool: "rollout-status", runs: [run(10), run(20), run(250)])
        ]
        results.startup = [
            StartupResult(
                name: "rollout-status --help",
                command: "x",
                termination: .exited(0),
                milliseconds: try #require(Distribution([12, 14])),
                cpuMilliseconds: Distribution([5, 6]),
                peakRSSBytes: 1
            )
        ]
        let goals = Goals.evaluate(results)
        results.goals = goals
        let verdict = try #require(goals.first { $0.goal == "time to verdict: success" })
        #expect(verdict.status == .missed)  // median 20 ms, but p95 250 ms
        #expect(goals.first { $0.goal == "start-up: rollout-status --help" }?.status == .met)
        #expect(goals.contains { $0.status == .notMeasured })
        let markdown = MarkdownReport(results: results, chartPath: ".").markdown
        #expect(markdown.contains("| time to verdict: success | p50 ≤ 50 ms, p95 ≤ 200 ms | p50 20.0 ms, p95 250.0 ms"))
        #expect(markdown.contains("**missed**"))
    }
}

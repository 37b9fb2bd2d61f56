import Foundation
import KubeModel
import RolloutRules

/// Time to verdict: for each case, a fresh simulator, the change a pipeline applies, then the waiting
/// process started at once; the latency runs from the decisive instant to the process's exit.
public struct VerdictSuite: Sendable {
    /// The tool a run waits with.
    public enum Tool: String, Sendable, CaseIterable {
        /// The release build of the gate.
        case gate = "rollout-status"
        /// `kubectl rollout status`.
        case kubectl
    }

    let context: BenchContext

    /// Creates the suite.
    public init(context: BenchContext) {
        self.context = context
    }

    /// Runs `verdictCase` `repeats` times with `tool`.
    public func run(_ verdictCase: VerdictCase, tool: Tool, repeats: Int) async throws -> VerdictResult {
        var runs: [VerdictRun] = []
        for index in 1...repeats {
            let run = try await once(verdictCase, tool: tool, index: index)
            let latency = run.latencyMilliseconds.map { String(format: "%.1f ms", $0) } ?? "no decisive instant"
            context.log(
                "verdict \(verdictCase.id) \(tool.rawValue) #\(index): \(run.termination), \(run.reported), \(latency)"
                    + (run.expected ? "" : " (UNEXPECTED)")
            )
            runs.append(run)
        }
        return VerdictResult(verdictCase: verdictCase, tool: tool.rawValue, runs: runs)
    }

    func once(_ verdictCase: VerdictCase, tool: Tool, index: Int) async throws -> VerdictRun {
        let directory = try context.runDirectory(
            "verdict/\(verdictCase.id.replacingOccurrences(of: "/", with: "-"))/\(tool.rawValue)-\(index)"
        )
        let scenario = directory + "/scenario.yaml"
        try verdictCase.scenarioYAML.write(toFile: scenario, atomically: true, encoding: .utf8)
        let namespace = VerdictCase.namespace
        let queries = [
            WitnessQuery(resource: Deployment.resource, namespace: namespace),
            WitnessQuery(resource: ReplicaSet.resource, namespace: namespace),
            WitnessQuery(resource: Pod.resource, namespace: namespace),
            WitnessQuery(resource: Event.resource, namespace: namespace, fieldSelector: "type=Warning"),
        ]
        let context = context
        let (observed, _) = try await SimulatorProcess.with(
            binary: context.simulator,
            scenario: scenario,
            directory: directory,
            environment: context.environment,
            pool: context.pool
        ) { simulator, http in
            let log = WitnessLog()
            let versions = try await Witness.list(queries, http: http, into: log)
            return try await withThrowingTaskGroup(of: Void.self) { group in
                for (query, version) in zip(queries, versions) {
                    group.addTask { try await Witness.watch(query, from: version, http: http, into: log) }
                }
                let changedAt = WallInstant.now()
                if verdictCase.behaviour != nil {
                    try await http.setImage(
                        namespace: namespace,
                        deployment: VerdictCase.deployment,
                        container: "app",
                        image: VerdictCase.newImage
                    )
                }
                let process = try ChildProcess.launch(
                    spec(verdictCase, tool: tool, kubeconfig: simulator.kubeconfig, directory: directory)
                )
                let outcome = try await process.wait(using: context.pool)
                // Changes published just before the exit may still be on their way to the witness.
                try await context.pause(.milliseconds(500))
                group.cancelAll()
                // A witness that broke before the cancel reports its error here.
                for try await _ in group {}
                let published = await context.publishTimes(http: http, kinds: [nil], namespace: namespace)
                return (changedAt: changedAt, outcome: outcome, records: log.records, published: published)
            }
        }
        let outcome = observed.outcome
        let reported = try report(tool: tool, directory: directory, outcome: outcome)
        let moment: DecisiveMoment?
        switch verdictCase.basis {
        case .replay:
            moment = DecisiveMoment.find(
                in: observed.records,
                namespace: namespace,
                name: VerdictCase.deployment,
                after: observed.changedAt,
                until: outcome.endedAt.adding(seconds: 1),
                thresholds: verdictCase.thresholds,
                changed: verdictCase.behaviour != nil,
                publishedAt: { [published = observed.published] in published?.instant(of: $0) }
            )
        case .deadline:
            moment = DecisiveMoment(
                instant: outcome.startedAt.adding(seconds: verdictCase.timeoutSeconds ?? 0),
                basis: .deadline,
                verdict: "timeout",
                rule: "--timeout",
                change: "the process's start + \(verdictCase.timeoutSeconds ?? 0) s"
            )
        case .processStart:
            moment = DecisiveMoment(
                instant: outcome.startedAt,
                basis: .processStart,
                verdict: "not-found",
                rule: "selection.empty",
                change: "none: the process's start"
            )
        }
        let expected: Bool
        switch tool {
        case .gate:
            expected = outcome.exitCode == verdictCase.expectedExit && reported == verdictCase.expectedVerdict
        case .kubectl:
            // kubectl has one failure of its own (the progress deadline); any non-zero exit is its verdict.
            expected = (outcome.exitCode == 0) == (verdictCase.expectedExit == 0)
        }
        // The replay must reach the verdict the case expects, or the instant measured from is not its cause.
        let decisive = moment.map { $0.verdict == verdictCase.expectedVerdict } ?? false
        return VerdictRun(
            termination: outcome.termination,
            reported: reported,
            expected: expected && decisive,
            moment: moment,
            latencyMilliseconds: moment.map { outcome.endedAt.milliseconds(since: $0.instant) },
            decisiveAfterStartMilliseconds: moment.map { $0.instant.milliseconds(since: outcome.startedAt) },
            wallMilliseconds: outcome.wallSeconds * 1000,
            cpuSeconds: outcome.cpuSeconds,
            peakRSSBytes: outcome.peakRSSBytes
        )
    }

    func spec(_ verdictCase: VerdictCase, tool: Tool, kubeconfig: String, directory: String) throws -> ProcessSpec {
        switch tool {
        case .gate:
            return ProcessSpec(
                executable: context.gate,
                arguments: ["-n", VerdictCase.namespace, "-l", verdictCase.selector, "--kubeconfig", kubeconfig]
                    + verdictCase.gateArguments,
                environment: context.environment,
                standardOutput: .file(directory + "/report.json"),
                standardError: .file(directory + "/stderr.txt")
            )
        case .kubectl:
            guard let kubectl = context.kubectl else { throw BenchError("kubectl was not found") }
            let home = directory + "/home"
            try FileManager.default.createDirectory(atPath: home, withIntermediateDirectories: true)
            return ProcessSpec(
                executable: kubectl,
                arguments: ["rollout", "status", "--kubeconfig", kubeconfig] + verdictCase.kubectlArguments,
                environment: context.kubectlEnvironment(home: home),
                standardOutput: .file(directory + "/stdout.txt"),
                standardError: .file(directory + "/stderr.txt")
            )
        }
    }

    /// What the tool said: the gate's `error.code` (or `succeeded`), kubectl's last line.
    func report(tool: Tool, directory: String, outcome: ProcessOutcome) throws -> String {
        switch tool {
        case .gate:
            let path = directory + "/report.json"
            let data = try Data(contentsOf: URL(fileURLWithPath: path))
            let parsed: Any
            do {
                parsed = try JSONSerialization.jsonObject(with: data)
            } catch {
                // Such as an empty file when the gate (or a wrapper around it) died before writing its report.
                throw BenchError(
                    "the gate's report \(path) is not JSON (\(data.count) bytes, the gate's \(outcome.termination); "
                        + "its stderr is beside it): \(error.localizedDescription)"
                )
            }
            guard let report = parsed as? [String: Any] else {
                throw BenchError("the gate's report \(path) is not a JSON object")
            }
            if report["success"] as? Bool == true { return "succeeded" }
            return ((report["error"] as? [String: Any])?["code"] as? String) ?? "no error code"
        case .kubectl:
            let text = [directory + "/stdout.txt", directory + "/stderr.txt"]
                .compactMap { try? String(contentsOfFile: $0, encoding: .utf8) }
                .joined(separator: "\n")
            return text.split(separator: "\n").last.map(String.init) ?? "(no output)"
        }
    }
}

extension VerdictCase {
    /// The thresholds the gate runs with in this case (the defaults, with the case's flags applied).
    var thresholds: RolloutThresholds {
        var thresholds = RolloutThresholds.default
        if let index = gateArguments.firstIndex(of: "--pending-deadline"), index + 1 < gateArguments.count,
            let seconds = Self.seconds(gateArguments[index + 1])
        {
            thresholds.pendingDeadline = .milliseconds(Int64(seconds * 1000))
        }
        return thresholds
    }

    /// The gate's `--timeout`, in seconds.
    var timeoutSeconds: Double? {
        guard let index = gateArguments.firstIndex(of: "--timeout"), index + 1 < gateArguments.count else {
            return nil
        }
        return Self.seconds(gateArguments[index + 1])
    }

    /// `2s` → 2.
    static func seconds(_ text: String) -> Double? {
        text.hasSuffix("s") ? Double(text.dropLast()) : nil
    }
}

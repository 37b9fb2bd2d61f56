import Foundation
import KubeModel
import RolloutRules

#if canImport(Glibc)
import Glibc
#endif

/// Scale: many Deployments over several namespaces beside unrelated pods, all updated at once, then one
/// gate over every namespace (or one kubectl per Deployment); what it cost the API server and the
/// machine, read from the simulator's counters and the kernel.
public struct ScaleSuite: Sendable {
    let context: BenchContext

    /// Creates the suite.
    public init(context: BenchContext) {
        self.context = context
    }

    /// Runs `scaleCase` `repeats` times with `tool`.
    public func run(
        _ scaleCase: ScaleCase,
        tool: VerdictSuite.Tool,
        repeats: Int,
        kubectlParallelism: Int
    ) async throws -> ScaleResult {
        var runs: [ScaleRun] = []
        for index in 1...repeats {
            let run = try await once(scaleCase, tool: tool, index: index, kubectlParallelism: kubectlParallelism)
            let after =
                (run.decisiveAfterStartMilliseconds.map { String(format: " (decisive %.0f ms after start", $0) } ?? " (")
                + (run.deliveryMilliseconds.map { String(format: ", delivered to a watch in %.0f ms)", $0) } ?? ")")
            let latency =
                (run.verdictAfterLastMilliseconds.map { String(format: "%.0f ms", $0) } ?? "?") + (after ?? "")
            context.log(
                "scale \(scaleCase.id) \(tool.rawValue) #\(index): \(run.termination), \(latency) after the last "
                    + "decisive event, \(run.requests) requests, \(run.watchStreams) streams, "
                    + "\(run.bytesReceived / 1024) KiB (owned \(run.ownedBytes / 1024) KiB), "
                    + "RSS \(run.peakRSSBytes / 1_048_576) MiB, CPU \(String(format: "%.2f", run.cpuSeconds)) s"
                    + (run.expected ? "" : " (UNEXPECTED)") + run.notes.map { "; \($0)" }.joined()
            )
            runs.append(run)
        }
        return ScaleResult(scaleCase: scaleCase, tool: tool.rawValue, runs: runs)
    }

    /// The witness's queries: the targets' own objects across every namespace (bytes counted, Deployments
    /// recorded), plus, with a failure, the failing Deployment's ReplicaSets, pods and events recorded.
    static func queries(_ scaleCase: ScaleCase) -> [WitnessQuery] {
        var queries = [
            WitnessQuery(
                resource: Deployment.resource,
                namespace: nil,
                labelSelector: "tier=bench",
                countsAsOwned: true
            ),
            WitnessQuery(
                resource: ReplicaSet.resource,
                namespace: nil,
                labelSelector: "tier=bench",
                records: false,
                countsAsOwned: true
            ),
            WitnessQuery(
                resource: Pod.resource,
                namespace: nil,
                labelSelector: "tier=bench",
                records: false,
                countsAsOwned: true
            ),
            WitnessQuery(
                resource: Event.resource,
                namespace: nil,
                fieldSelector: "type=Warning",
                records: false,
                countsAsOwned: true
            ),
        ]
        if let failing = scaleCase.failingTarget {
            queries += [
                WitnessQuery(
                    resource: ReplicaSet.resource,
                    namespace: failing.namespace,
                    labelSelector: "app=\(failing.name)"
                ),
                WitnessQuery(
                    resource: Pod.resource,
                    namespace: failing.namespace,
                    labelSelector: "app=\(failing.name)"
                ),
                WitnessQuery(resource: Event.resource, namespace: failing.namespace, fieldSelector: "type=Warning"),
            ]
        }
        return queries
    }

    func once(
        _ scaleCase: ScaleCase,
        tool: VerdictSuite.Tool,
        index: Int,
        kubectlParallelism: Int
    ) async throws -> ScaleRun {
        let directory = try context.runDirectory("scale/\(scaleCase.id)/\(tool.rawValue)-\(index)")
        let scenario = directory + "/scenario.yaml"
        try scaleCase.scenarioYAML.write(toFile: scenario, atomically: true, encoding: .utf8)
        let queries = Self.queries(scaleCase)
        let targets = scaleCase.targets
        let context = context
        let (observed, simulatorOutcome) = try await SimulatorProcess.with(
            binary: context.simulator,
            scenario: scenario,
            directory: directory,
            extraArguments: ["--history-size", "1000000", "--journal-size", "2000000"],
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
                try await Self.setImages(scaleCase, http: http)
                let before = try await http.statistics()
                let witnessBefore = (log.bytesReceived, log.requestsSent, log.streamsOpened)
                let outcomes: [ProcessOutcome]
                var notes: [String] = []
                switch tool {
                case .gate:
                    let process = try ChildProcess.launch(
                        gateSpec(scaleCase, kubeconfig: simulator.kubeconfig, directory: directory)
                    )
                    outcomes = [try await process.wait(using: context.pool)]
                case .kubectl:
                    let specs = try kubectlSpecs(scaleCase, kubeconfig: simulator.kubeconfig, directory: directory)
                    let batch = try await ProcessBatch.run(specs, parallelism: kubectlParallelism, using: context.pool)
                    outcomes = batch.outcomes
                    if batch.peakConcurrency < specs.count {
                        notes.append("at most \(batch.peakConcurrency) kubectl processes at once")
                    }
                }
                try await context.pause(.seconds(1))
                group.cancelAll()
                for try await _ in group {}
                let after = try await http.statistics()
                // Read after the counters, so the journal's reads do not count (they are control requests anyway).
                var published = await context.publishTimes(http: http, kinds: ["Deployment"], namespace: nil)
                if let failing = scaleCase.failingTarget,
                    let more = await context.publishTimes(http: http, kinds: [nil], namespace: failing.namespace)
                {
                    published?.merge(more)
                }
                return Observed(
                    changedAt: changedAt,
                    outcomes: outcomes,
                    counters: after.since(before),
                    witnessBytes: log.bytesReceived - witnessBefore.0,
                    witnessRequests: log.requestsSent - witnessBefore.1,
                    witnessStreams: log.streamsOpened - witnessBefore.2,
                    ownedBytes: log.ownedBytesReceived,
                    records: log.records,
                    published: published,
                    notes: notes
                )
            }
        }
        return try summarize(
            scaleCase,
            tool: tool,
            directory: directory,
            observed: observed,
            simulator: simulatorOutcome,
            targets: targets
        )
    }

    /// What one scale run observed, before it is summarised.
    struct Observed: Sendable {
        /// Just before the first image was set.
        var changedAt: WallInstant
        /// The tool's processes.
        var outcomes: [ProcessOutcome]
        /// The simulator's counters from the tool's start to the end (the witness included).
        var counters: SimulatorCounters
        /// The witness's own bytes, requests and streams over the same interval.
        var witnessBytes: Int
        var witnessRequests: Int
        var witnessStreams: Int
        /// Bytes of the targets' own objects the witness received.
        var ownedBytes: Int
        /// What the witness recorded.
        var records: [WitnessRecord]
        /// The simulator's publish times of those changes, when it tells them.
        var published: PublishTimes?
        /// Anything unusual.
        var notes: [String]
    }

    func summarize(
        _ scaleCase: ScaleCase,
        tool: VerdictSuite.Tool,
        directory: String,
        observed: Observed,
        simulator: ProcessOutcome,
        targets: [DeploymentName]
    ) throws -> ScaleRun {
        var notes = observed.notes
        let lastExit = observed.outcomes.map(\.endedAt).max() ?? observed.changedAt
        let firstStart = observed.outcomes.map(\.startedAt).min() ?? observed.changedAt
        let moments = DecisiveMoment.findAll(
            in: observed.records,
            targets: Set(targets),
            after: observed.changedAt,
            until: lastExit.adding(seconds: 1),
            thresholds: .default,
            publishedAt: { [published = observed.published] in published?.instant(of: $0) }
        )
        let decisive: WallInstant?
        let last: DecisiveMoment?
        let undecided: Int
        if let failing = scaleCase.failingTarget {
            last = moments[failing]
            decisive = moments[failing]?.instant
            undecided = decisive == nil ? 1 : 0
            if let moment = moments[failing], moment.verdict != "invalid-config" {
                notes.append("the replay decided \(failing) as \(moment.verdict)")
            }
        } else {
            undecided = targets.count - moments.count
            last = undecided == 0 ? moments.values.max { $0.instant < $1.instant } : nil
            decisive = last?.instant
            if undecided > 0 { notes.append("\(undecided) targets never completed in the replay") }
        }
        let termination =
            observed.outcomes.first { $0.exitCode != 0 }?.termination ?? observed.outcomes.first?.termination
            ?? .exited(-1)
        let expected: Bool
        switch tool {
        case .gate:
            let report = try VerdictSuite(context: context).report(
                tool: .gate,
                directory: directory,
                outcome: observed.outcomes[0]
            )
            expected =
                scaleCase.withFailure
                ? termination == .exited(1) && report == "invalid-config" : termination == .exited(0)
            if !expected { notes.append("the gate reported \(report)") }
        case .kubectl:
            let failed = observed.outcomes.filter { $0.exitCode != 0 }.count
            expected = failed == (scaleCase.withFailure ? 1 : 0)
            if failed > 0 { notes.append("\(failed) kubectl processes did not exit 0") }
        }
        var byVerb = observed.counters.requests.mapValues { $0.values.reduce(0, +) }
        byVerb["watch", default: 0] -= observed.witnessStreams
        byVerb = byVerb.filter { $0.value != 0 }
        let peaks = observed.outcomes.map(\.peakRSSBytes)
        return ScaleRun(
            termination: termination,
            expected: expected,
            verdictAfterLastMilliseconds: decisive.map { lastExit.milliseconds(since: $0) },
            decisiveAfterStartMilliseconds: decisive.map { $0.milliseconds(since: firstStart) },
            deliveryMilliseconds: last.flatMap { moment in
                moment.basis == .published ? moment.receivedAt.map { $0.milliseconds(since: moment.instant) } : nil
            },
            undecided: undecided,
            requests: observed.counters.totalRequests - observed.witnessRequests,
            requestsByVerb: byVerb,
            watchStreams: observed.counters.watchStreamsOpened - observed.witnessStreams,
            bytesReceived: observed.counters.bytesSent - observed.witnessBytes,
            ownedBytes: observed.ownedBytes,
            peakRSSBytes: peaks.max() ?? 0,
            summedPeakRSSBytes: tool == .kubectl ? peaks.reduce(0, +) : nil,
            cpuSeconds: observed.outcomes.map(\.cpuSeconds).reduce(0, +),
            wallMilliseconds: lastExit.milliseconds(since: firstStart),
            processes: tool == .kubectl ? observed.outcomes.count : nil,
            simulatorCPUSeconds: simulator.cpuSeconds,
            notes: notes
        )
    }

    /// Requests while nothing changes: every target set to an image whose pods stay unready, the tool
    /// started, given `settle` to open its watches, then watched for `idle`; a client that polls sends
    /// requests in that window, a watching one sends none.
    public func idle(
        _ scaleCase: ScaleCase,
        settle: Duration,
        idle: Duration,
        kubectl: Bool,
        kubectlParallelism: Int
    ) async throws -> IdleResult {
        let gate = try await idleRequests(scaleCase, tool: .gate, settle: settle, idle: idle, parallelism: 1)
        var kubectlRequests: Int?
        if kubectl {
            kubectlRequests =
                try await idleRequests(
                    scaleCase,
                    tool: .kubectl,
                    settle: settle,
                    idle: idle,
                    parallelism: kubectlParallelism
                ).whileIdle
        }
        context.log(
            "idle \(scaleCase.id): the gate sent \(gate.atSync) requests (\(gate.streams) streams open) to sync, "
                + "then \(gate.whileIdle) in \(idle.seconds) s idle; kubectl \(kubectlRequests.map(String.init) ?? "not run")"
        )
        return IdleResult(
            scaleCase: scaleCase,
            requestsAtSync: gate.atSync,
            streamsAtSync: gate.streams,
            idleSeconds: idle.seconds,
            requestsWhileIdle: gate.whileIdle,
            kubectlRequestsWhileIdle: kubectlRequests
        )
    }

    func idleRequests(
        _ scaleCase: ScaleCase,
        tool: VerdictSuite.Tool,
        settle: Duration,
        idle: Duration,
        parallelism: Int
    ) async throws -> (atSync: Int, streams: Int, whileIdle: Int) {
        let directory = try context.runDirectory("idle/\(scaleCase.id)/\(tool.rawValue)")
        let scenario = directory + "/scenario.yaml"
        try scaleCase.scenarioYAML.write(toFile: scenario, atomically: true, encoding: .utf8)
        let context = context
        return try await SimulatorProcess.with(
            binary: context.simulator,
            scenario: scenario,
            directory: directory,
            environment: context.environment,
            pool: context.pool
        ) { simulator, http in
            try await Self.setImages(scaleCase, image: ScaleCase.slowImage, http: http)
            let before = try await http.statistics()
            let specs =
                tool == .gate
                ? [gateSpec(scaleCase, kubeconfig: simulator.kubeconfig, directory: directory)]
                : try kubectlSpecs(scaleCase, kubeconfig: simulator.kubeconfig, directory: directory)
            let children = try specs.prefix(parallelism).map { try ChildProcess.launch($0) }
            do {
                try await context.pause(settle)
                let synced = try await http.statistics()
                try await context.pause(idle)
                let end = try await http.statistics()
                for child in children { child.send(SIGTERM) }
                _ = try await ChildProcess.waitAll(children, using: context.pool)
                return (
                    atSync: synced.since(before).totalRequests,
                    streams: synced.watchStreamsOpen - before.watchStreamsOpen,
                    whileIdle: end.since(synced).totalRequests
                )
            } catch {
                for child in children { child.send(SIGKILL) }
                _ = try? await ChildProcess.waitAll(children, using: context.pool)
                throw error
            }
        }.result
    }

    /// Sets every target's image, sixteen requests at a time, as `kubectl apply` of a release would.
    ///
    /// The failing target's image is set last, once every other update is in: with a thousand targets the
    /// updates take seconds, and a failure set among the first would be decided long before the gate
    /// starts, which measures nothing about the gate.
    static func setImages(_ scaleCase: ScaleCase, image: String? = nil, http: SimulatorHTTP) async throws {
        let failing = image == nil ? scaleCase.failingTarget : nil
        let targets = scaleCase.targets.filter { $0 != failing }
        try await withThrowingTaskGroup(of: Void.self) { group in
            var next = 0
            func add() {
                guard next < targets.count else { return }
                let target = targets[next]
                next += 1
                let newImage = image ?? ScaleCase.newImage
                group.addTask {
                    try await http.setImage(
                        namespace: target.namespace,
                        deployment: target.name,
                        container: "app",
                        image: newImage
                    )
                }
            }
            for _ in 0..<16 { add() }
            while try await group.next() != nil { add() }
        }
        if let failing {
            try await http.setImage(
                namespace: failing.namespace,
                deployment: failing.name,
                container: "app",
                image: ScaleCase.brokenImage
            )
        }
    }

    func gateSpec(_ scaleCase: ScaleCase, kubeconfig: String, directory: String) -> ProcessSpec {
        ProcessSpec(
            executable: context.gate,
            arguments: [
                "-n", scaleCase.namespaceNames.joined(separator: ","), "-l", "tier=bench", "--kubeconfig", kubeconfig,
            ],
            environment: context.environment,
            standardOutput: .file(directory + "/report.json"),
            standardError: .file(directory + "/stderr.txt")
        )
    }

    func kubectlSpecs(_ scaleCase: ScaleCase, kubeconfig: String, directory: String) throws -> [ProcessSpec] {
        guard let kubectl = context.kubectl else { throw BenchError("kubectl was not found") }
        let home = directory + "/home"
        try FileManager.default.createDirectory(atPath: home, withIntermediateDirectories: true)
        let environment = context.kubectlEnvironment(home: home)
        return scaleCase.targets.map { target in
            ProcessSpec(
                executable: kubectl,
                arguments: [
                    "rollout", "status", "deployment/\(target.name)", "-n", target.namespace, "--kubeconfig",
                    kubeconfig,
                ],
                environment: environment
            )
        }
    }
}

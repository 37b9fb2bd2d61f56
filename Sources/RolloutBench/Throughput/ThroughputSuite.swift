import Foundation
import KubeClient
import KubeModel
import NIOCore
import NIOFoundationCompat
import RolloutCoordinator
import RolloutRules

#if canImport(Glibc)
import Glibc
#endif

/// Pod watch events per second through the gate's own code: framing, decoding, the watch state machine,
/// and the rules; in process, with no network, so the figure is the gate's ceiling on one core.
///
/// Two modes, both fed the same bytes (``RolloutFixture``):
/// - `decode+rules`: every event framed (`LineFramer`), decoded (`WatchEvent<Pod>` with the client's
///   `JSONDecoder`), applied to the client's `WatchStateMachine`, and its Deployment judged
///   (`RolloutEvaluator`) at once: one evaluation per event, the worst case.
/// - `coordinator`: the same decoded updates delivered through the public `ClusterSource` seam to
///   `RolloutCoordinator.run`, which stores, joins and judges them as the gate does (batching what waits).
/// The last event is a crash past `--max-restarts`; a round ends when the rules report it, so every event
/// is processed and judged.
public struct ThroughputSuite: Sendable {
    /// The fixture.
    public var fixture: RolloutFixture
    /// Measured rounds per mode (one more runs first, unmeasured).
    public var rounds: Int

    /// Creates the suite.
    public init(fixture: RolloutFixture, rounds: Int) {
        self.fixture = fixture
        self.rounds = rounds
    }

    /// Runs both modes.
    public func run(pinned: Bool, log: (String) -> Void) async throws -> [ThroughputResult] {
        let stream = try fixture.podWatchStream()
        let events = fixture.podEventCount
        let bytesPerEvent = stream.count / events
        log("throughput: \(events) pod events per round, \(bytesPerEvent) bytes each on average")
        let (direct, directCPU) = try await measure(events: events) { try decodeAndJudge(stream) }
        log("throughput decode+rules: \(Self.rates(direct)) events/s, \(Self.rates(directCPU)) per CPU second")
        let (coordinated, coordinatedCPU) = try await measure(events: events) { try await throughCoordinator(stream) }
        log("throughput coordinator: \(Self.rates(coordinated)) events/s, \(Self.rates(coordinatedCPU)) per CPU second")
        var results: [ThroughputResult] = []
        if let distribution = Distribution(direct) {
            results.append(
                ThroughputResult(
                    mode: "decode+rules",
                    description: "LineFramer → JSONDecoder WatchEvent<Pod> → WatchStateMachine → RolloutEvaluator "
                        + "on every event",
                    events: events,
                    bytesPerEvent: bytesPerEvent,
                    eventsPerSecond: distribution,
                    eventsPerCPUSecond: Distribution(directCPU),
                    pinnedToOneCore: pinned
                )
            )
        }
        if let distribution = Distribution(coordinated) {
            results.append(
                ThroughputResult(
                    mode: "coordinator",
                    description: "the same decoded updates through ClusterSource into RolloutCoordinator.run "
                        + "(store, joins, rules, batching)",
                    events: events,
                    bytesPerEvent: bytesPerEvent,
                    eventsPerSecond: distribution,
                    eventsPerCPUSecond: Distribution(coordinatedCPU),
                    pinnedToOneCore: pinned
                )
            )
        }
        return results
    }

    /// Runs `round` once unmeasured, then `rounds` times; returns events per wall-clock second and per CPU second.
    private func measure(
        events: Int,
        _ round: () async throws -> Void
    ) async throws -> (perSecond: [Double], perCPUSecond: [Double]) {
        var perSecond: [Double] = []
        var perCPUSecond: [Double] = []
        for index in 0...rounds {
            let started = MonotonicInstant.now()
            let startedCPU = Self.processCPUSeconds()
            try await round()
            let seconds = MonotonicInstant.now().seconds(since: started)
            let cpu = Self.processCPUSeconds() - startedCPU
            if index > 0 {
                perSecond.append(Double(events) / seconds)
                perCPUSecond.append(Double(events) / max(cpu, 1e-6))
            }
        }
        return (perSecond, perCPUSecond)
    }

    /// The process's user plus system CPU seconds so far (`getrusage`).
    static func processCPUSeconds() -> Double {
        var usage = rusage()
        getrusage(RUSAGE_SELF.rawValue, &usage)
        return Double(usage.ru_utime.tv_sec) + Double(usage.ru_utime.tv_usec) / 1e6 + Double(usage.ru_stime.tv_sec)
            + Double(usage.ru_stime.tv_usec) / 1e6
    }

    static func rates(_ values: [Double]) -> String {
        values.map { String(format: "%.0f", $0) }.joined(separator: " ")
    }

    func decodeAndJudge(_ stream: [UInt8]) throws {
        let deployments = try JSONDecoder().decode(
            ObjectList<Deployment>.self,
            from: fixture.list(
                kind: "DeploymentList",
                apiVersion: "apps/v1",
                items: (1...fixture.deployments).map(fixture.deployment)
            )
        ).items
        let replicaSets = try JSONDecoder().decode(
            ObjectList<ReplicaSet>.self,
            from: fixture.list(
                kind: "ReplicaSetList",
                apiVersion: "apps/v1",
                items: (1...fixture.deployments).map(fixture.replicaSet)
            )
        ).items
        let byUID = Dictionary(
            uniqueKeysWithValues: replicaSets.enumerated().map { ($0.element.metadata.uid ?? "", $0.offset) }
        )
        var pods = [[String: Pod]](repeating: [:], count: deployments.count)
        let evaluator = RolloutEvaluator()
        let now = fixture.created.addingTimeInterval(30)
        var judged = 0
        var failure: RolloutFailure?
        var decoder = PodStreamDecoder(stream)
        while let update = try decoder.next() {
            guard let pod = update.object else { continue }
            guard let owner = pod.metadata.ownerReferences?.first?.uid, let index = byUID[owner] else {
                throw BenchError("fixture pod \(pod.metadata.name) has no known owner")
            }
            pods[index][pod.metadata.name] = pod
            let observation = RolloutObservation(
                workload: .deployment(deployments[index]),
                replicaSets: [replicaSets[index]],
                pods: Array(pods[index].values)
            )
            let verdict = evaluator.evaluate(observation, now: now)
            judged += 1
            if let found = verdict.failure {
                guard failure == nil else { throw BenchError("the fixture failed before its last event") }
                failure = found
            }
        }
        guard judged == fixture.podEventCount, failure?.code == .processCrashing else {
            throw BenchError(
                "the fixture's \(fixture.podEventCount) events were judged \(judged) times and ended with "
                    + "\(failure.map { $0.code.rawValue } ?? "no failure"), not process-crashing at the last event"
            )
        }
    }

    func throughCoordinator(_ stream: [UInt8]) async throws {
        let source = try ReplaySource(fixture: fixture, podStream: stream)
        let outcome = await RolloutCoordinator.run(
            targets: [
                .selection(WorkloadSelection(scope: .namespaces([fixture.namespace]), labelSelector: "tier=bench"))
            ],
            source: source,
            clock: FixedGateClock(now: fixture.created.addingTimeInterval(30))
        )
        guard case .failedFast = outcome.ending, let failure = outcome.decisiveFailure,
            failure.subject.description.contains(fixture.name(fixture.deployments))
        else {
            throw BenchError(
                "the coordinator ended \(outcome.ending.name) with \(outcome.results.count) results, "
                    + "not failed fast on the fixture's last Deployment"
            )
        }
    }
}

/// A `ClusterSource` that serves the fixture: Deployments and ReplicaSets as lists, pods as the decoded
/// watch stream, then nothing until cancelled.
struct ReplaySource: ClusterSource {
    let deployments: [Deployment]
    let replicaSets: [ReplicaSet]
    let podStream: [UInt8]

    init(fixture: RolloutFixture, podStream: [UInt8]) throws {
        deployments = try JSONDecoder().decode(
            ObjectList<Deployment>.self,
            from: fixture.list(
                kind: "DeploymentList",
                apiVersion: "apps/v1",
                items: (1...fixture.deployments).map(fixture.deployment)
            )
        ).items
        replicaSets = try JSONDecoder().decode(
            ObjectList<ReplicaSet>.self,
            from: fixture.list(
                kind: "ReplicaSetList",
                apiVersion: "apps/v1",
                items: (1...fixture.deployments).map(fixture.replicaSet)
            )
        ).items
        self.podStream = podStream
    }

    func watch<Object: KubeObject>(
        _ type: Object.Type,
        _ query: WatchQuery,
        onChange: (WatchChange<Object>) async -> Void
    ) async throws {
        if let objects = deployments as? [Object] ?? replicaSets as? [Object] {
            for object in objects { await onChange(.upserted(object)) }
            await onChange(.synced)
        } else if Object.self == Pod.self {
            await onChange(.synced)
            var decoder = PodStreamDecoder(podStream)
            while let update = try decoder.next() {
                if let pod = update.object as? Object { await onChange(.upserted(pod)) }
            }
        } else {
            await onChange(.synced)
        }
        await untilCancelled()
    }

    func list<Object: KubeObject>(_ type: Object.Type, _ query: WatchQuery) async throws -> [Object] { [] }

    func logs(_ request: LogRequest) async throws -> String { "" }
}

/// A gate clock that stands still: no time-based rule fires during a throughput round.
struct FixedGateClock: GateClock {
    let now: Date

    func sleep(until instant: Date) async throws {
        await untilCancelled()
        throw CancellationError()
    }
}

/// Returns when the current task is cancelled: a stream that never yields ends its iteration then.
func untilCancelled() async {
    let (stream, continuation) = AsyncStream<Never>.makeStream()
    for await _ in stream {}
    continuation.finish()
}

/// The client's path for a pod watch stream: 16 KiB chunks (as TLS records arrive) cut into lines by
/// `LineFramer`, each decoded by `JSONDecoder` into `WatchEvent<Pod>` and applied to `WatchStateMachine`,
/// whose updates come out one by one.
struct PodStreamDecoder {
    private let stream: [UInt8]
    private var offset = 0
    private var framer = LineFramer(maximumLineLength: 16 << 20)
    private let decoder = JSONDecoder()
    private var machine = WatchStateMachine<Pod>(
        policy: RetryPolicy(),
        request: RequestDescription(verb: "watch", resource: "pods", server: "https://bench.invalid")
    )
    private var pending: [WatchUpdate<Pod>] = []

    init(_ stream: [UInt8]) {
        self.stream = stream
        _ = machine.start()
        _ = machine.listPage(items: [], resourceVersion: "1000", continueToken: nil)
        _ = machine.streamOpened()
    }

    mutating func next() throws -> WatchUpdate<Pod>? {
        while pending.isEmpty {
            if let line = try framer.nextLine() {
                let event = try decoder.decode(WatchEvent<Pod>.self, from: line)
                pending = machine.event(event).updates.reversed()
                continue
            }
            guard offset < stream.count else { return nil }
            let end = min(offset + 16_384, stream.count)
            framer.append(ByteBuffer(bytes: stream[offset..<end]))
            offset = end
        }
        return pending.popLast()
    }
}

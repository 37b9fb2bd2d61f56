import Foundation
import KubeClient
import KubeSimulator
import RolloutReport
import RolloutRules
import RolloutStatusCLI
import TestSupport
import Testing

/// The whole gate against a misbehaving API server: every fault of the simulator, mid-rollout.
///
/// Each test asserts the verdict the rollout deserves (a fault never turns a success into a failure
/// or the other way round), that the gate ends within a bound generous for a loaded 2-core machine, and
/// that it leaves no watch stream open.
/// The tests run one at a time: each starts a simulator and a gate, and seventeen of them at once on two
/// cores measured the machine, not the gate.
@Suite("The gate under API faults", .serialized, .timeLimit(.minutes(5)))
struct GateFaultTests {
    static let arguments = ["-l", "app=web", "--timeout", "120s"]
    /// Far above what any of these rollouts takes undisturbed (a few seconds), far below the timeout.
    static let bound = Duration.seconds(90)

    static func expectSuccess(_ run: GateUnderFaults.Run, sourceLocation: SourceLocation = #_sourceLocation) throws {
        #expect(run.program.exitCode == .success, "stderr: \(run.program.stderr)", sourceLocation: sourceLocation)
        let report = try run.program.report()
        #expect(report.success, sourceLocation: sourceLocation)
        #expect(report.results.map(\.verdict) == [.succeeded], sourceLocation: sourceLocation)
        #expect(report.results.first?.replicas?.available == 3, sourceLocation: sourceLocation)
        #expect(run.duration < bound, "took \(run.duration)", sourceLocation: sourceLocation)
        #expect(
            run.streamsClosed,
            "\(run.statistics.watchStreamsOpen) streams left open",
            sourceLocation: sourceLocation
        )
    }

    static func expectCrash(
        _ run: GateUnderFaults.Run,
        sourceLocation: SourceLocation = #_sourceLocation
    ) throws -> RolloutReport.TargetFailure {
        #expect(run.program.exitCode == .rolloutFailed, "stderr: \(run.program.stderr)", sourceLocation: sourceLocation)
        let report = try run.program.report()
        #expect(report.error?.code == .rollout(.processCrashing), sourceLocation: sourceLocation)
        #expect(run.duration < bound, "took \(run.duration)", sourceLocation: sourceLocation)
        #expect(run.streamsClosed, sourceLocation: sourceLocation)
        return try #require(report.results.first?.failure, sourceLocation: sourceLocation)
    }

    /// The rollout scenario on a manual clock, with `faults` breaking the simulator beside the gate.
    static func rollout(
        _ faults: @escaping @Sendable (SimulatedAPIServer, ManualClock) async throws -> Void
    ) async throws -> GateUnderFaults.Run {
        let clock = ManualClock()
        return try await GateUnderFaults.run(
            arguments,
            scenario: try FaultScenarios.rollout(),
            scenarioClock: clock
        ) { sim in
            try await faults(sim, clock)
        }
    }

    // MARK: Streams

    /// A change the gate's watches have not seen, so that a resume after `expireHistory()` is from before
    /// the compaction and gets 410 (a watch already at the newest version may resume, as on a real server).
    static func unseenChange(_ sim: SimulatedAPIServer, _ index: Int) {
        sim.simulator.cluster.apply([
            .upsert([
                "apiVersion": "v1", "kind": "ConfigMap",
                "metadata": ["name": "churn", "namespace": "shop"], "data": ["round": .string("\(index)")],
            ])
        ])
    }

    @Test("watch streams closed every few events")
    func closedStreams() async throws {
        let run = try await Self.rollout { sim, clock in
            try await GateUnderFaults.watching(sim, atLeast: 4)
            try await GateUnderFaults.drive(clock) { _ in sim.closeAllWatchStreams() }
        }
        try Self.expectSuccess(run)
        #expect(
            run.statistics.watchStreamsOpened >= 20,
            "the streams were reopened: \(run.statistics.watchStreamsOpened)"
        )
    }

    @Test("410 Expired on resume: the gate relists and still sees the rollout through")
    func expiredOnResume() async throws {
        let run = try await Self.rollout { sim, clock in
            try await GateUnderFaults.watching(sim, atLeast: 4)
            sim.failNext(4, with: 503, verbs: ["watch"])
            sim.closeAllWatchStreams()
            Self.unseenChange(sim, 0)
            sim.expireHistory()
            try await GateUnderFaults.drive(clock) { _ in }
        }
        try Self.expectSuccess(run)
        #expect(
            run.statistics.requests(verb: "list") >= 8,
            "every watch relisted after 410: \(run.statistics.requests)"
        )
    }

    @Test("history expired again and again")
    func historyExpiredRepeatedly() async throws {
        let run = try await Self.rollout { sim, clock in
            try await GateUnderFaults.watching(sim, atLeast: 4)
            try await GateUnderFaults.drive(clock, pause: .milliseconds(300)) { index in
                sim.closeAllWatchStreams()
                Self.unseenChange(sim, index)
                sim.expireHistory()
            }
        }
        try Self.expectSuccess(run)
        #expect(run.statistics.requests(verb: "list") >= 20, "relists after the 410s: \(run.statistics.requests)")
    }

    @Test("a stalled stream (headers, then silence) is found by the idle limit and listed again")
    func stalledStream() async throws {
        let run = try await Self.rollout { sim, clock in
            try await GateUnderFaults.watching(sim, atLeast: 4)
            sim.stallAllWatchStreams()
            sim.inject(FaultRule(action: .stall, count: 2, verbs: ["watch"]))
            try await GateUnderFaults.drive(clock) { _ in }
        }
        try Self.expectSuccess(run)
        // Four initial lists, then one for each watch the idle limit found stalled.
        #expect(run.statistics.requests(verb: "list") > 4, "stalled watches relisted: \(run.statistics.requests)")
        #expect(run.program.stderr.contains { $0.contains("the stream stalled") })
    }

    @Test("every watch stalls again each time it reopens: each stall is followed by a list, and the gate decides")
    func stallsInARow() async throws {
        let run = try await Self.rollout { sim, clock in
            try await GateUnderFaults.watching(sim, atLeast: 4)
            // From here no watch stream delivers anything again: only lists show the rollout's progress.
            sim.inject(FaultRule(action: .stall, count: 10_000, verbs: ["watch"]))
            sim.stallAllWatchStreams()
            try await GateUnderFaults.drive(clock) { _ in }
        }
        try Self.expectSuccess(run)
        #expect(run.program.stderr.contains { $0.contains("the stream stalled") })
        #expect(run.statistics.requests(verb: "list") > 4, "stalled watches relisted: \(run.statistics.requests)")
    }

    @Test("connections dropped in the middle of a JSON line, on watches and on lists")
    func droppedMidLine() async throws {
        let run = try await Self.rollout { sim, clock in
            sim.inject(FaultRule(action: .drop, count: 2, verbs: ["list"]))
            try await GateUnderFaults.watching(sim, atLeast: 4)
            sim.inject(FaultRule(action: .drop, count: 4, verbs: ["watch"]))
            try await GateUnderFaults.drive(clock) { _ in sim.dropAllWatchStreams() }
        }
        try Self.expectSuccess(run)
        #expect(run.statistics.watchStreamsOpened >= 20)
    }

    // MARK: Throttling and server errors

    @Test("429 with Retry-After on list and watch")
    func throttled() async throws {
        let run = try await Self.rollout { sim, clock in
            sim.failNext(3, with: 429, retryAfterSeconds: 1, verbs: ["list"])
            try await GateUnderFaults.watching(sim, atLeast: 4)
            sim.failNext(4, with: 429, retryAfterSeconds: 1, verbs: ["watch"])
            sim.closeAllWatchStreams()
            try await GateUnderFaults.drive(clock) { _ in }
        }
        try Self.expectSuccess(run)
        #expect(run.statistics.responses[429] == 7)
        #expect(run.program.stderr.contains { $0.contains("(429)") && $0.contains("retrying in 1.0 s") })
    }

    @Test("503 bursts on list and watch")
    func serverErrorBursts() async throws {
        let run = try await Self.rollout { sim, clock in
            sim.failNext(5, with: 503, verbs: ["list"])
            try await GateUnderFaults.watching(sim, atLeast: 4)
            try await GateUnderFaults.drive(clock, steps: 8, pause: .milliseconds(400)) { _ in
                sim.failNext(3, with: 503, verbs: ["watch", "list"])
                sim.closeAllWatchStreams()
            }
        }
        try Self.expectSuccess(run)
        #expect((run.statistics.responses[503] ?? 0) >= 20, "\(run.statistics.responses)")
    }

    @Test("429 and 503 on the log endpoint: the log is still fetched, after a retry", arguments: [429, 503])
    func throttledLogs(code: Int) async throws {
        let run = try await GateUnderFaults.run(Self.arguments, scenario: try FaultScenarios.rollout(crashing: true)) {
            sim in
            sim.failNext(2, with: code, retryAfterSeconds: code == 429 ? 1 : nil, verbs: ["log"])
        }
        let failure = try Self.expectCrash(run)
        // Which instance's log arrives depends on timing: the crash-loop runs at a tenth of the kubelet's
        // back-off, so by the time the retry (a second later for 429) is answered the container may have
        // restarted and its current output is the new instance's. What matters here is that a log came.
        let text = try #require(failure.log?.text, "\(String(describing: failure.log))")
        #expect(text.contains("starting app (registry.example.com/shop/web:2.0.0)"), "\(text)")
        #expect(run.statistics.responses[code] == 2)
    }

    @Test("a log endpoint that always fails: the verdict stands and the report says why there is no log")
    func logEndpointAlwaysFails() async throws {
        let run = try await GateUnderFaults.run(Self.arguments, scenario: try FaultScenarios.rollout(crashing: true)) {
            sim in
            sim.failNext(100_000, with: 500, verbs: ["log"])
        }
        let failure = try Self.expectCrash(run)
        let log = try #require(failure.log)
        guard case .unavailable(let reason) = log.content else {
            Issue.record("a log was reported although every log request failed: \(log)")
            return
        }
        #expect(reason.contains("500"))
        let report = try run.program.report()
        #expect(report.error?.log == nil)
        #expect(try ReportEncoder().encode(report).count < 64 << 10)
    }

    // MARK: The API server going away

    @Test("the API server goes away and comes back on the same port: the gate waits and recovers")
    func outageAndRecovery() async throws {
        let run = try await Self.rollout { sim, clock in
            try await GateUnderFaults.watching(sim, atLeast: 4)
            sim.goAway()
            // The rollout goes on while the API server is away: the gate must catch up when it is back.
            clock.advance(by: .seconds(3))
            try await Task.sleep(for: .seconds(3))
            sim.comeBack()
            try await GateUnderFaults.drive(clock) { _ in }
        }
        try Self.expectSuccess(run)
        // Each retry line names its watch, so a person can tell which of several retrying watches it is.
        #expect(
            run.program.stderr.contains {
                $0.contains("watch ") && $0.contains("cannot reach the server") && $0.contains("retrying in")
            }
        )
    }

    @Test("the API server goes away for good, no deadline: api-unavailable, exit 4, once the retries run out")
    func outageForGood() async throws {
        let transport = TransportOptions(
            idleTimeout: .seconds(10),
            retry: RetryPolicy(initialDelay: .milliseconds(100), maximumDelay: .milliseconds(400), maximumAttempts: 4)
        )
        let run = try await GateUnderFaults.run(
            ["-l", "app=web"],
            scenario: try FaultScenarios.rollout(),
            scenarioClock: ManualClock(),
            transport: transport
        ) { sim in
            try await GateUnderFaults.watching(sim, atLeast: 4)
            sim.goAway()
        }
        #expect(run.program.exitCode == .apiFailure, "stderr: \(run.program.stderr)")
        let report = try run.program.report()
        #expect(report.error?.code == .program(.apiUnavailable))
        #expect(report.error?.message.contains("unreachable") == true, "\(report.error?.message ?? "")")
        #expect(report.results.count == 1, "the target is still listed")
        #expect(run.duration < .seconds(60), "took \(run.duration)")
        #expect(
            run.program.stderr.last?.hasPrefix("rollout-status: api-unavailable: ") == true,
            "\(run.program.stderr)"
        )
    }

    @Test("the deadline passes while the API server is away: api-unavailable, exit 4, not a rollout timeout")
    func outageAtTheDeadline() async throws {
        let run = try await GateUnderFaults.run(
            ["-l", "app=web", "--timeout", "8s"],
            scenario: try FaultScenarios.rollout(),
            scenarioClock: ManualClock()
        ) { sim in
            try await GateUnderFaults.watching(sim, atLeast: 4)
            sim.goAway()
        }
        #expect(run.program.exitCode == .apiFailure, "stderr: \(run.program.stderr)")
        let report = try run.program.report()
        #expect(report.error?.code == .program(.apiUnavailable))
        #expect(report.results.map(\.verdict) == [.progressing])
        #expect(run.duration < .seconds(60))
        #expect(
            run.program.stderr.last?.hasPrefix("rollout-status: api-unavailable: ") == true,
            "\(run.program.stderr)"
        )
    }

    @Test("a 503 burst just before the deadline of a rollout that is not done: a rollout timeout, exit 2")
    func briefErrorsAtTheDeadline() async throws {
        // The soak found this: a momentary 503 on one watch, seconds before the deadline of a rollout
        // that was simply slow, turned the ending into api-unavailable. Only a watch failing for a good
        // part of the time allowed (a quarter of it, at most 30 s) makes the deadline the API's fault.
        let run = try await GateUnderFaults.run(
            ["-l", "app=web", "--timeout", "40s"],
            scenario: try FaultScenarios.rollout(readyAfter: "600s"),
            scenarioClock: ManualClock()
        ) { sim in
            try await GateUnderFaults.watching(sim, atLeast: 4)
            try await Task.sleep(for: .seconds(35))
            sim.failNext(1_000_000, with: 503, verbs: ["watch", "list"])
            sim.closeAllWatchStreams()
        }
        #expect(run.program.exitCode == .deadlineExceeded, "stderr: \(run.program.stderr.suffix(3))")
        #expect(try run.program.report().error?.code == .rollout(.timeout))
        #expect((run.statistics.responses[503] ?? 0) > 0, "the watches were failing at the deadline")
    }

    @Test("with a deadline, an outage longer than the retry budget is waited out")
    func longOutageWithinTheDeadline() async throws {
        // Four attempts would give up after about a second; with a deadline the gate waits for it instead.
        let transport = TransportOptions(
            idleTimeout: .seconds(10),
            retry: RetryPolicy(initialDelay: .milliseconds(100), maximumDelay: .milliseconds(400), maximumAttempts: 4)
        )
        let clock = ManualClock()
        let run = try await GateUnderFaults.run(
            Self.arguments,
            scenario: try FaultScenarios.rollout(),
            scenarioClock: clock,
            transport: transport
        ) { sim in
            try await GateUnderFaults.watching(sim, atLeast: 4)
            sim.goAway()
            try await Task.sleep(for: .seconds(5))
            sim.comeBack()
            try await GateUnderFaults.drive(clock) { _ in }
        }
        try Self.expectSuccess(run)
    }

    @Test("the deadline passes while the API server answers: a rollout timeout, exit 2")
    func deadlineWithAHealthyServer() async throws {
        let run = try await GateUnderFaults.run(
            ["-l", "app=web", "--timeout", "4s"],
            scenario: try FaultScenarios.rollout(),
            scenarioClock: ManualClock()
        )
        #expect(
            run.program.exitCode == .deadlineExceeded,
            "stdout: \(run.program.stdout) stderr: \(run.program.stderr)"
        )
        #expect(try run.program.report().error?.code == .rollout(.timeout))
    }

    // MARK: Size and volume

    @Test("a 1 MB object on a watched collection and a 1 MB Warning event")
    func hugeObjects() async throws {
        let run = try await Self.rollout { sim, clock in
            try await GateUnderFaults.watching(sim, atLeast: 4)
            let megabyte = String(repeating: "x", count: 1 << 20)
            sim.simulator.cluster.apply([
                .upsert([
                    "apiVersion": "v1", "kind": "Pod",
                    "metadata": [
                        "name": "bystander", "namespace": "shop", "labels": ["app": "web"],
                        "annotations": ["example.com/blob": .string(megabyte)],
                    ],
                    "spec": ["containers": [["name": "app", "image": "busybox"]]],
                    "status": ["phase": "Running"],
                ]),
                .upsert([
                    "apiVersion": "v1", "kind": "Event", "type": "Warning", "reason": "Huge",
                    "metadata": ["name": "web.huge", "namespace": "shop"],
                    "involvedObject": ["kind": "Deployment", "name": "web", "namespace": "shop"],
                    "message": .string(megabyte), "count": 1,
                ]),
            ])
            try await GateUnderFaults.drive(clock) { _ in }
        }
        try Self.expectSuccess(run)
        #expect(run.statistics.bytesSent > 2 << 20, "both objects went over the wire")
    }

    @Test("a burst of 10 000 watch events")
    func eventBurst() async throws {
        let run = try await Self.rollout { sim, clock in
            try await GateUnderFaults.watching(sim, atLeast: 4)
            for batch in 0..<10 {
                sim.simulator.cluster.apply(
                    (0..<1_000).map { index in
                        .upsert([
                            "apiVersion": "v1", "kind": "Pod",
                            "metadata": [
                                "name": .string("burst-\(index % 50)"), "namespace": "shop", "labels": ["app": "web"],
                                "annotations": ["round": .string("\(batch)-\(index)")],
                            ],
                            "spec": ["containers": [["name": "app", "image": "busybox"]]],
                            "status": ["phase": "Pending"],
                        ])
                    }
                )
            }
            try await GateUnderFaults.drive(clock) { _ in }
        }
        try Self.expectSuccess(run)
        #expect(run.statistics.bytesSent > 10_000 * 200, "the burst went over the wire")
    }
}

import Foundation
import RolloutCoordinator
import RolloutRules
import Testing

@testable import RolloutStatusCLI

/// The plain display (a CI log): golden output for a whole run, and the rules that keep it short.
@Suite struct PlainProgressTests {
    typealias E = ProgressEvents

    /// A run with three targets: one succeeds, one crash-loops until it fails, one is cancelled; the
    /// log is silent for more than 30 s in between.
    static let run: [(seconds: TimeInterval, input: Input)] = [
        (0.1, .event(E.listing("shop/web"))),
        (0.1, .event(E.listing("shop/api"))),
        (0.1, .event(E.listing("payments/checkout"))),
        (
            0.5,
            .event(
                E.waiting(
                    "shop/web",
                    ready: 0,
                    updated: 2,
                    desired: 2,
                    blockers: [E.creating("web-7f9c-x2x9k", elapsed: 0)]
                )
            )
        ),
        // The same blocker a second later: not news.
        (
            1.5,
            .event(
                E.waiting(
                    "shop/web",
                    ready: 0,
                    updated: 2,
                    desired: 2,
                    blockers: [E.creating("web-7f9c-x2x9k", elapsed: 1)]
                )
            )
        ),
        (
            1.2,
            .event(
                E.waiting(
                    "shop/api",
                    ready: 0,
                    updated: 1,
                    desired: 1,
                    blockers: [E.crashing("api-5d8f-q7z2m", "Error", restarts: 1)]
                )
            )
        ),
        // A restarted container cycling through its states: not news until it restarts again.
        (
            1.6,
            .event(
                E.waiting(
                    "shop/api",
                    ready: 0,
                    updated: 1,
                    desired: 1,
                    blockers: [E.crashing("api-5d8f-q7z2m", "CrashLoopBackOff", restarts: 1)]
                )
            )
        ),
        (
            2.5,
            .event(
                E.waiting(
                    "shop/api",
                    ready: 0,
                    updated: 1,
                    desired: 1,
                    blockers: [E.crashing("api-5d8f-q7z2m", "NotReady", restarts: 2)]
                )
            )
        ),
        (2.6, .event(E.waiting("payments/checkout", ready: 0, updated: 1, desired: 1))),
        (3.0, .event(E.succeeded("shop/web", replicas: 2))),
        (20, .tick),
        (33.1, .tick),
        (40, .tick),
        (64, .tick),
        (
            70,
            .event(
                E.failed(
                    "shop/api",
                    message:
                        "pod api-5d8f-q7z2m: container app is crashing (CrashLoopBackOff): restarted 3 times, more than --max-restarts 2"
                )
            )
        ),
        (70, .event(E.cancelled("payments/checkout", ready: 0, desired: 1))),
    ]

    enum Input {
        case event(ProgressEvent)
        case tick
    }

    static let golden = """
        shop/web: waiting for the initial lists
        shop/api: waiting for the initial lists
        payments/checkout: waiting for the initial lists
        shop/web: 0/2 ready, 2/2 updated; web-7f9c-x2x9k/app ContainerCreating
        shop/api: 0/1 ready, 1/1 updated; api-5d8f-q7z2m/app Error (1 restart)
        shop/api: 0/1 ready, 1/1 updated; api-5d8f-q7z2m/app NotReady (2 restarts)
        payments/checkout: 0/1 ready, 1/1 updated
        shop/web: succeeded, 2/2 ready
        rollout-status: still waiting after 33s; 1 of 3 done; waiting for shop/api (0/1 ready), payments/checkout (0/1 ready)
        rollout-status: still waiting after 1m4s; 1 of 3 done; waiting for shop/api (0/1 ready), payments/checkout (0/1 ready)
        shop/api: failed (process-crashing): pod api-5d8f-q7z2m: container app is crashing (CrashLoopBackOff): restarted 3 times, more than --max-restarts 2
        payments/checkout: cancelled after another target failed, at 0/1 ready, 1/1 updated
        rollout-status: 3 targets after 1m10.2s: 1 failed, 1 succeeded, 1 cancelled
        payments/checkout: cancelled after another target failed, at 0/1 ready, 1/1 updated
        shop/api: failed (process-crashing): pod api-5d8f-q7z2m: container app is crashing (CrashLoopBackOff): restarted 3 times, more than --max-restarts 2
        shop/web: succeeded, 2/2 ready

        """

    static func render(verbose: Bool = false) -> String {
        var display = PlainProgress(startedAt: E.start, heartbeat: 30, verbose: verbose)
        var lines: [String] = []
        for (seconds, input) in run {
            switch input {
            case .event(let event): lines += display.show(event, now: E.at(seconds))
            case .tick: lines += display.tick(now: E.at(seconds))
            }
        }
        lines += display.summary(now: E.at(70.2))
        return lines.map { $0 + "\n" }.joined()
    }

    @Test func aWholeRunMatchesTheGolden() {
        #expect(Self.render() == Self.golden)
    }

    @Test func everyProgressLineStartsWithItsTargetOrTheTool() {
        for line in Self.render().split(separator: "\n") {
            let prefix = line.prefix { $0 != ":" }
            #expect(prefix == "rollout-status" || prefix.contains("/"), "\(line)")
        }
    }

    @Test func verboseShowsEveryEventInFull() {
        let lines = Self.render(verbose: true).split(separator: "\n")
        let events = Self.run.filter { if case .event = $0.input { true } else { false } }
        #expect(lines.count >= events.count)
        #expect(lines.contains { $0.contains("Waiting for deployment \"web\" rollout to finish: 0 of 2 updated") })
        #expect(lines.contains { $0.contains("for 1s") }, "the elapsed time of a blocker is news in verbose mode")
    }

    @Test func noHeartbeatWhileTheLogIsBusy() {
        var display = PlainProgress(startedAt: E.start, heartbeat: 30)
        for second in stride(from: 0, through: 90, by: 10) {
            let ready = second / 10
            _ = display.show(E.waiting("shop/web", ready: ready, updated: 9, desired: 9), now: E.at(Double(second)))
            #expect(display.tick(now: E.at(Double(second) + 5)).isEmpty)
        }
        #expect(display.nextHeartbeat == E.at(120))
    }

    @Test func aHeartbeatNamesAtMostThreeTargetsAndCountsTheRest() {
        var display = PlainProgress(startedAt: E.start, heartbeat: 30)
        for name in ["a", "b", "c", "d", "e"] {
            _ = display.show(E.waiting("ns/\(name)", ready: 0, updated: 1, desired: 1), now: E.at(1))
        }
        let lines = display.tick(now: E.at(31))
        #expect(
            lines == [
                "rollout-status: still waiting after 31s; 0 of 5 done; waiting for ns/a (0/1 ready), ns/b (0/1 ready), ns/c (0/1 ready) and 2 more"
            ]
        )
    }

    @Test func clusterTextCannotWriteControlSequences() {
        var display = PlainProgress(startedAt: E.start)
        let lines = display.show(E.failed("shop/web", message: "boom \u{1B}[2J\u{1B}]0;pwned\u{07}"), now: E.at(1))
        #expect(lines.count == 1)
        #expect(lines.allSatisfy { !$0.contains("\u{1B}") && !$0.contains("\u{07}") })
    }
}

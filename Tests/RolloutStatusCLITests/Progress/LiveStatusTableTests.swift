import Foundation
import RolloutCoordinator
import RolloutRules
import Synchronization
import Testing

@testable import RolloutStatusCLI

/// The terminal display: a table redrawn in place, cut to the terminal's size.
@Suite struct LiveStatusTableTests {
    typealias E = ProgressEvents

    static func table(_ events: [ProgressEvent]) -> LiveStatusTable {
        var table = LiveStatusTable(startedAt: E.start)
        for event in events { _ = table.show(event) }
        return table
    }

    static let release: [ProgressEvent] = [
        E.succeeded("shop/web", replicas: 2),
        E.waiting(
            "shop/api",
            ready: 1,
            updated: 3,
            desired: 3,
            blockers: [E.crashing("api-5d8f-q7z2m", "CrashLoopBackOff", restarts: 2)]
        ),
        E.failed("payments/checkout", message: "pod checkout-1: container app is crashing (CrashLoopBackOff)"),
    ]

    @Test func oneLinePerTargetWithCountsStatusAndWhatBlocks() {
        let lines = Self.table(Self.release).lines(now: E.at(12), width: 200, height: 40).map(\.text)
        #expect(
            lines == [
                "rollout-status 12s: 2 of 3 done, 1 failed",
                "TARGET             READY  UPDATED  STATUS      BLOCKING",
                "shop/web           2/2    2/2      succeeded",
                "shop/api           1/3    3/3      waiting     api-5d8f-q7z2m/app CrashLoopBackOff (2 restarts)",
                "payments/checkout  -      -        failed      process-crashing: pod checkout-1: container app is crashing (CrashLoopBackOff)",
            ]
        )
    }

    @Test(arguments: [20, 40, 79])
    func everyLineFitsTheWidth(width: Int) {
        let lines = Self.table(Self.release).lines(now: E.at(12), width: width, height: 40)
        for line in lines {
            #expect(line.text.count <= width, "\(line.text)")
        }
        #expect(lines.contains { $0.text.hasSuffix("…") })
    }

    @Test func aTallReleaseShowsFailuresAndWaitingFirstAndCountsTheRest() {
        var events = (1...30).map { E.succeeded("ns/ok-\(String(format: "%02d", $0))", replicas: 1) }
        events.append(E.waiting("ns/slow", ready: 0, updated: 1, desired: 1))
        events.append(E.failed("ns/broken", message: "crashing"))
        let lines = Self.table(events).lines(now: E.at(5), width: 120, height: 10).map(\.text)
        #expect(lines.count == 10)
        #expect(lines[2].hasPrefix("ns/broken"))
        #expect(lines[3].hasPrefix("ns/slow"))
        #expect(lines.last == "… and 25 more: 25 succeeded")
    }

    @Test func aRedrawMovesBackOverThePreviousFrameAndClearsWhatIsLeft() {
        var table = Self.table(Self.release)
        let first = table.redraw(now: E.at(1), width: 200, height: 40)
        #expect(first.hasPrefix("\r"))
        #expect(!first.contains("\u{1B}[5A"))
        #expect(first.hasSuffix("\u{1B}[J"))
        #expect(first.split(separator: "\n").count == 5)
        let second = table.redraw(now: E.at(2), width: 200, height: 40)
        #expect(second.hasPrefix("\r\u{1B}[5A"), "five lines were drawn, the cursor went down by five")
        #expect(second.contains("\u{1B}[32msucceeded\u{1B}[0m"))
        #expect(second.contains("\u{1B}[31mfailed\u{1B}[0m"))
    }

    @Test func aChangeIsReportedOnlyWhenTheLineChanges() {
        var table = Self.table([])
        let first = table.show(E.waiting("shop/web", ready: 0, updated: 1, desired: 1))
        let same = table.show(E.waiting("shop/web", ready: 0, updated: 1, desired: 1))
        let done = table.show(E.succeeded("shop/web", replicas: 1))
        #expect(first)
        #expect(!same)
        #expect(done)
    }
}

/// The shell: which display a run gets, and how other diagnostics pass through it.
@Suite struct ProgressDisplayTests {
    typealias E = ProgressEvents

    @Test func theStyleFollowsTheFlagsThenTheTerminal() {
        let tty = TerminalInfo(redraws: true)
        guard case .quiet = ProgressDisplay.style(for: .quiet, terminal: tty) else {
            Issue.record("--quiet")
            return
        }
        guard case .verbose = ProgressDisplay.style(for: .verbose, terminal: tty) else {
            Issue.record("--verbose")
            return
        }
        guard case .live = ProgressDisplay.style(for: .normal, terminal: tty) else {
            Issue.record("a terminal")
            return
        }
        guard case .plain = ProgressDisplay.style(for: .normal, terminal: .none) else {
            Issue.record("not a terminal")
            return
        }
    }

    @Test func quietShowsNoProgressButPassesDiagnosticsThrough() {
        let sink = CapturedOutput()
        let display = ProgressDisplay(style: .quiet, sink: sink, startedAt: E.start)
        display.show(E.waiting("shop/web", ready: 0, updated: 1, desired: 1), now: E.at(1))
        display.tick(now: E.at(100))
        display.finish(now: E.at(101))
        display.line("rollout-status: the kubeconfig names no namespace; using default")
        #expect(sink.lines == ["rollout-status: the kubeconfig names no namespace; using default"])
        #expect(display.nextTick == nil)
    }

    @Test func onATerminalADiagnosticIsPrintedAboveTheTableWhichIsRedrawn() {
        let sink = CapturedOutput()
        let display = ProgressDisplay(
            style: .live(TerminalInfo(redraws: true) { (100, 30) }),
            sink: sink,
            startedAt: E.start
        )
        display.show(E.waiting("shop/web", ready: 0, updated: 1, desired: 1), now: E.at(1))
        display.line("rollout-status: retrying the watch of pods in namespace shop")
        let text = sink.text
        let message = try? #require(text.range(of: "rollout-status: retrying"))
        let clear = try? #require(text.range(of: "\r\u{1B}[3A\u{1B}[J"))
        if let message, let clear {
            #expect(clear.upperBound <= message.lowerBound, "the old frame is cleared before the message")
            #expect(text[message.upperBound...].contains("shop/web"), "the table is drawn again below it")
        }
    }

    @Test func ticksComeFromTheInjectedClockAndStopWithTheTask() async {
        let sink = CapturedOutput()
        let display = ProgressDisplay(style: .plain, sink: sink, startedAt: E.start, heartbeat: 30)
        display.show(E.waiting("shop/web", ready: 0, updated: 1, desired: 1), now: E.at(0))
        let clock = StepClock(start: E.start)
        await withTaskGroup(of: Void.self) { group in
            group.addTask { await display.runTicks(clock: clock) }
            await clock.waitForSleeper()
            clock.advance(to: E.at(31))
            await clock.waitForSleeper()
            group.cancelAll()
        }
        #expect(sink.lines.last?.hasPrefix("rollout-status: still waiting after 31s") == true)
    }
}

/// A clock that only moves when told, and says when someone sleeps on it.
final class StepClock: GateClock, Sendable {
    private let state:
        Mutex<
            (
                now: Date, sleepers: [(Date, CheckedContinuation<Void, any Error>)],
                watchers: [CheckedContinuation<Void, Never>]
            )
        >

    init(start: Date) {
        state = Mutex((start, [], []))
    }

    var now: Date { state.withLock { $0.now } }

    func sleep(until instant: Date) async throws {
        try await withTaskCancellationHandler {
            try await withCheckedThrowingContinuation { (continuation: CheckedContinuation<Void, any Error>) in
                let (ready, watchers) = state.withLock { state -> (Bool, [CheckedContinuation<Void, Never>]) in
                    if state.now >= instant { return (true, []) }
                    state.sleepers.append((instant, continuation))
                    defer { state.watchers = [] }
                    return (false, state.watchers)
                }
                for watcher in watchers { watcher.resume() }
                if ready { continuation.resume() }
            }
        } onCancel: {
            let sleepers = state.withLock { state in
                defer { state.sleepers = [] }
                return state.sleepers
            }
            for (_, sleeper) in sleepers { sleeper.resume(throwing: CancellationError()) }
        }
    }

    /// Returns once somebody sleeps on the clock.
    func waitForSleeper() async {
        await withCheckedContinuation { continuation in
            let present = state.withLock { state in
                if state.sleepers.isEmpty { state.watchers.append(continuation) }
                return !state.sleepers.isEmpty
            }
            if present { continuation.resume() }
        }
    }

    func advance(to instant: Date) {
        let due = state.withLock { state in
            state.now = instant
            let due = state.sleepers.filter { $0.0 <= instant }.map(\.1)
            state.sleepers.removeAll { $0.0 <= instant }
            return due
        }
        for sleeper in due { sleeper.resume() }
    }
}

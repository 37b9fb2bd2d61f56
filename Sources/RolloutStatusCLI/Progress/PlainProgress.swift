import Foundation
import RolloutCoordinator
import RolloutReport

/// The progress display for logs (stderr not a terminal, or `NO_COLOR`): short plain lines, only on change.
///
/// A pure state machine: progress events and ticks of the clock go in, lines come out. Each line starts
/// with the target's `namespace/name`; a target gets a new line only when its counts, its state or what
/// blocks it changes (a pod waiting one second longer is not news). When nothing at all has been printed
/// for `heartbeat`, a tick prints one line saying what the gate still waits for, so a CI log shows the
/// gate is alive during a long wait. At the end, one summary line per target.
struct PlainProgress: Sendable {
    /// How long the log may stay silent before a heartbeat line.
    let heartbeat: TimeInterval
    /// When the gate started, for the elapsed times.
    let startedAt: Date
    /// Whether lines carry kubectl's full sentence and every blocker's details (`--verbose`), instead of
    /// the short form.
    let verbose: Bool

    private var targets: [String: TargetLine] = [:]
    private var order: [String] = []
    private var lastOutput: Date

    /// Creates the display state for a gate that started at `startedAt`.
    init(startedAt: Date, heartbeat: TimeInterval = 30, verbose: Bool = false) {
        self.startedAt = startedAt
        self.heartbeat = heartbeat
        self.verbose = verbose
        lastOutput = startedAt
    }

    /// When the next heartbeat is due, if nothing is printed before.
    var nextHeartbeat: Date { lastOutput.addingTimeInterval(heartbeat) }

    /// The line for `event`, if it changes what the reader knows about its target.
    mutating func show(_ event: ProgressEvent, now: Date) -> [String] {
        let line = TargetLine(event)
        if targets[line.name] == nil { order.append(line.name) }
        guard verbose || line.isNews(comparedTo: targets[line.name]) else {
            targets[line.name] = line
            return []
        }
        targets[line.name] = line
        lastOutput = now
        return [verbose ? UntrustedText.singleLine(event.line) : Self.text(of: line)]
    }

    /// A heartbeat line when the log has been silent for `heartbeat`; nothing otherwise.
    mutating func tick(now: Date) -> [String] {
        guard now >= nextHeartbeat else { return [] }
        lastOutput = now
        let waiting = order.compactMap { targets[$0] }.filter { !$0.state.isFinal }
        let done = targets.count - waiting.count
        var line = "rollout-status: still waiting after \(Self.elapsed(from: startedAt, to: now, precise: false))"
        if !targets.isEmpty { line += "; \(done) of \(targets.count) done" }
        if !waiting.isEmpty {
            let shown = waiting.prefix(3).map { target in
                target.counts.map { "\(target.name) (\($0.ready)/\($0.desired) ready)" } ?? target.name
            }
            line += "; waiting for " + shown.joined(separator: ", ")
            if waiting.count > shown.count { line += " and \(waiting.count - shown.count) more" }
        }
        return [line]
    }

    /// The closing lines: a count of the verdicts, then one line per target.
    func summary(now: Date) -> [String] {
        let lines = order.compactMap { targets[$0] }
        guard !lines.isEmpty else { return [] }
        var counts: [String: Int] = [:]
        for line in lines { counts[line.state.word, default: 0] += 1 }
        let verdicts = ["failed", "succeeded", "cancelled", "unfinished", "waiting"].compactMap { word in
            counts[word].map { "\($0) \(word)" }
        }
        let header =
            "rollout-status: \(lines.count) target\(lines.count == 1 ? "" : "s") after "
            + "\(Self.elapsed(from: startedAt, to: now, precise: true)): \(verdicts.joined(separator: ", "))"
        return [header] + lines.sorted { $0.name < $1.name }.map(Self.text(of:))
    }

    /// A target's line: `shop/web: 1/3 ready, 3/3 updated; web-7f9c-x2x9k/app CrashLoopBackOff (1 restart)`.
    static func text(of line: TargetLine) -> String {
        let counts = line.countsText
        let blockers = line.blockersText()
        let body: String
        switch line.state {
        case .waiting:
            body = [counts, blockers].compactMap { $0 }.joined(separator: "; ")
        case .succeeded:
            body = "succeeded" + (line.counts.map { ", \($0.ready)/\($0.desired) ready" } ?? "")
        case .failed(let code, let message):
            body = "failed (\(code)): \(message)"
        case .cancelled:
            body = "cancelled after another target failed" + (counts.map { ", at \($0)" } ?? "")
        case .stopped:
            body =
                "unfinished when the gate stopped" + (counts.map { ", at \($0)" } ?? "")
                + (blockers.map { "; \($0)" } ?? "")
        }
        return UntrustedText.singleLine("\(line.name): \(body)")
    }

    /// Whole seconds (`1m30s`), or tenths of a second for the summary (`14.2s`).
    static func elapsed(from start: Date, to end: Date, precise: Bool) -> String {
        let seconds = max(0, end.timeIntervalSince(start))
        if precise { return DurationText.format(.milliseconds(Int64((seconds * 10).rounded()) * 100)) }
        return DurationText.format(.seconds(Int64(seconds)))
    }
}

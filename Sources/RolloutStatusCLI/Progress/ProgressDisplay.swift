import Foundation
import RolloutCoordinator
import RolloutReport
import Synchronization

/// The live status on stderr: the gate's progress events shown for people, in the form the terminal allows.
///
/// A thin shell around two pure displays: `LiveStatusTable` on a terminal that redraws, `PlainProgress`
/// everywhere else. It also carries the other diagnostics of the run (client warnings), so on a terminal
/// they are printed above the table instead of tearing it. `runTicks(clock:)` is its timer: the heartbeat
/// of the plain display, the elapsed time of the table; it sleeps on the gate's injected clock until the
/// next instant the display asked for, and ends when its task is cancelled.
public final class ProgressDisplay: DiagnosticSink, Sendable {
    /// How progress is shown.
    public enum Style: Sendable {
        /// Nothing (`--quiet`); diagnostics still pass through.
        case quiet
        /// Short lines on change (not a terminal, or `NO_COLOR`).
        case plain
        /// Every event in full (`--verbose`).
        case verbose
        /// A table redrawn in place.
        case live(TerminalInfo)
    }

    private enum Mode: Sendable {
        case quiet
        case plain(PlainProgress)
        case live(LiveStatusTable, lastDrawn: Date?)
    }

    /// How often the table is redrawn at most, and how often its elapsed time moves.
    static let redrawInterval: TimeInterval = 0.05
    static let liveTick: TimeInterval = 1

    private let sink: any DiagnosticSink
    private let terminal: TerminalInfo?
    private let startedAt: Date
    private let mode: Mutex<Mode>

    /// A display writing to `sink` for a gate that started at `startedAt`.
    public init(style: Style, sink: any DiagnosticSink, startedAt: Date, heartbeat: TimeInterval = 30) {
        self.sink = sink
        self.startedAt = startedAt
        switch style {
        case .quiet:
            terminal = nil
            mode = Mutex(.quiet)
        case .plain, .verbose:
            terminal = nil
            var verbose = false
            if case .verbose = style { verbose = true }
            mode = Mutex(.plain(PlainProgress(startedAt: startedAt, heartbeat: heartbeat, verbose: verbose)))
        case .live(let info):
            terminal = info
            mode = Mutex(.live(LiveStatusTable(startedAt: startedAt), lastDrawn: nil))
        }
    }

    /// The style for a run: `--quiet` and `--verbose` first, then the table on a terminal that redraws.
    public static func style(for verbosity: Verbosity, terminal: TerminalInfo) -> Style {
        switch verbosity {
        case .quiet: .quiet
        case .verbose: .verbose
        case .normal: terminal.redraws ? .live(terminal) : .plain
        }
    }

    /// Shows a target's change.
    public func show(_ event: ProgressEvent, now: Date) {
        let output: String? = mode.withLock { mode in
            switch mode {
            case .quiet:
                return nil
            case .plain(var plain):
                let lines = plain.show(event, now: now)
                mode = .plain(plain)
                return lines.isEmpty ? nil : lines.joined(separator: "\n")
            case .live(var table, let lastDrawn):
                let changed = table.show(event)
                let due = lastDrawn.map { now.timeIntervalSince($0) >= Self.redrawInterval } ?? true
                guard changed || lastDrawn == nil, due, let terminal else {
                    mode = .live(table, lastDrawn: lastDrawn)
                    return nil
                }
                let size = terminal.size()
                let frame = table.redraw(now: now, width: size.columns, height: size.rows)
                mode = .live(table, lastDrawn: now)
                return frame
            }
        }
        if let output { sink.line(output) }
    }

    /// A diagnostic line of the run; on a terminal, printed above the table, which is then redrawn.
    public func line(_ text: String) {
        let output: String = mode.withLock { mode in
            guard case .live(var table, let lastDrawn?) = mode, let terminal else { return text }
            let cleared = table.clear()
            let size = terminal.size()
            let frame = table.redraw(now: lastDrawn, width: size.columns, height: size.rows)
            mode = .live(table, lastDrawn: lastDrawn)
            return cleared + text + "\n" + frame
        }
        sink.line(output)
    }

    /// When the display next wants a tick; `nil` when it never does (quiet).
    public var nextTick: Date? {
        mode.withLock { mode in
            switch mode {
            case .quiet: nil
            case .plain(let plain): plain.nextHeartbeat
            case .live(_, let lastDrawn): (lastDrawn ?? startedAt).addingTimeInterval(Self.liveTick)
            }
        }
    }

    /// The clock moved: the plain display's heartbeat, the table's elapsed time (and any change held back).
    public func tick(now: Date) {
        let output: String? = mode.withLock { mode in
            switch mode {
            case .quiet:
                return nil
            case .plain(var plain):
                let lines = plain.tick(now: now)
                mode = .plain(plain)
                return lines.isEmpty ? nil : lines.joined(separator: "\n")
            case .live(var table, _):
                guard let terminal else { return nil }
                let size = terminal.size()
                let frame = table.redraw(now: now, width: size.columns, height: size.rows)
                mode = .live(table, lastDrawn: now)
                return frame
            }
        }
        if let output { sink.line(output) }
    }

    /// The last word: the final table on a terminal, the summary lines elsewhere.
    public func finish(now: Date) {
        let output: String? = mode.withLock { mode in
            switch mode {
            case .quiet:
                return nil
            case .plain(let plain):
                let lines = plain.summary(now: now)
                return lines.isEmpty ? nil : lines.joined(separator: "\n")
            case .live(var table, _):
                guard let terminal else { return nil }
                let size = terminal.size()
                let frame = table.redraw(now: now, width: size.columns, height: size.rows)
                mode = .live(table, lastDrawn: now)
                return frame
            }
        }
        if let output { sink.line(output) }
    }

    /// Ticks at the instants the display asks for, until the calling task is cancelled.
    ///
    /// Not a polling loop: each wait is for the one instant at which the display has something to say
    /// (30 s of silence for the heartbeat, the next second of the table's clock), on the injected clock.
    public func runTicks(clock: some GateClock) async {
        while let next = nextTick {
            do { try await clock.sleep(until: next) } catch { return }
            tick(now: clock.now)
        }
    }
}

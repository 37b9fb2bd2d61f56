import Foundation

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// What the progress display needs to know about stderr: whether a person watches it on a terminal that
/// can redraw, and how large that terminal is.
///
/// Resolved once at the edge from the process (`isatty`, the window size, `NO_COLOR`, `TERM`) and passed
/// in as a value, so tests choose the display without a terminal.
public struct TerminalInfo: Sendable {
    /// Whether stderr is a terminal that may be redrawn in place: a TTY, `NO_COLOR` unset, `TERM` not `dumb`.
    public var redraws: Bool
    /// The terminal's columns and rows now (it may be resized while the gate runs).
    public var size: @Sendable () -> (columns: Int, rows: Int)

    /// Describes a terminal.
    public init(redraws: Bool, size: @escaping @Sendable () -> (columns: Int, rows: Int) = { (80, 24) }) {
        self.redraws = redraws
        self.size = size
    }

    /// Not a terminal: plain lines (pipes, files, CI logs).
    public static let none = TerminalInfo(redraws: false)

    /// This process's stderr, judged by `environment` (`NO_COLOR`, `TERM`, `COLUMNS`, `LINES`).
    public static func standardError(environment: [String: String]) -> TerminalInfo {
        let noColor = !(environment["NO_COLOR"] ?? "").isEmpty
        let dumb = environment["TERM"] == "dumb"
        let fallback = (
            columns: environment["COLUMNS"].flatMap(Int.init) ?? 80,
            rows: environment["LINES"].flatMap(Int.init) ?? 24
        )
        return TerminalInfo(redraws: isatty(STDERR_FILENO) == 1 && !noColor && !dumb) {
            var window = winsize()
            guard ioctl(STDERR_FILENO, UInt(TIOCGWINSZ), &window) == 0, window.ws_col > 0, window.ws_row > 0 else {
                return fallback
            }
            return (Int(window.ws_col), Int(window.ws_row))
        }
    }
}

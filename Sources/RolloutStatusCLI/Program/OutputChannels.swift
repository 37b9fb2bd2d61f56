import Foundation
import RolloutCoordinator
import Synchronization

/// Where the report's bytes go: stdout in the binary, a buffer in tests.
public protocol ReportSink: Sendable {
    /// Writes all of `data` at once.
    func write(_ data: Data)
}

/// A file descriptor of the process (stdout or stderr), written without a buffer.
///
/// Each write is a `write(2)` of the whole text, so nothing waits in a buffer when the gate exits
/// or is killed (Swift 6 cannot name `stdout` to flush it; see the feasibility notes, §9.4).
public struct StandardStream: ReportSink, DiagnosticSink {
    private let handle: FileHandle

    /// The process's standard output.
    public static var output: StandardStream { StandardStream(handle: .standardOutput) }
    /// The process's standard error.
    public static var error: StandardStream { StandardStream(handle: .standardError) }

    private init(handle: FileHandle) {
        self.handle = handle
    }

    /// Writes the bytes; a closed stream (such as a reader that went away) loses them, nothing else can.
    public func write(_ data: Data) {
        do {
            try handle.write(contentsOf: data)
        } catch {
            // Nowhere left to report it: the stream itself is gone.
        }
    }

    /// Writes one line.
    public func line(_ text: String) {
        write(Data((text + "\n").utf8))
    }
}

/// Collects what the program writes, for tests and for the demo's captured output.
public final class CapturedOutput: ReportSink, DiagnosticSink {
    private let buffer = Mutex(Data())

    /// Creates an empty buffer.
    public init() {}

    /// Appends bytes.
    public func write(_ data: Data) {
        buffer.withLock { $0.append(data) }
    }

    /// Appends one line.
    public func line(_ text: String) {
        write(Data((text + "\n").utf8))
    }

    /// Everything written so far.
    public var data: Data { buffer.withLock { $0 } }

    /// Everything written so far, as text.
    public var text: String { String(decoding: data, as: UTF8.self) }

    /// The lines written so far.
    public var lines: [String] { text.split(separator: "\n").map(String.init) }
}

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Why a benchmark step could not be carried out, as one plain sentence.
///
/// A benchmark that cannot start a process or reach the simulator has no figure to report, so these
/// end the run (a goal that is missed is not an error: it is a finding in the results). Each carries
/// what was being done and the system's or the server's reason.
public struct BenchError: Error, Sendable, Hashable, CustomStringConvertible {
    /// The sentence.
    public var description: String

    /// Wraps a sentence.
    public init(_ description: String) {
        self.description = description
    }

    /// A failed system call, with `errno`'s text.
    static func system(_ what: String, errno code: Int32) -> BenchError {
        BenchError("\(what) failed: \(String(cString: strerror(code))) (errno \(code))")
    }
}

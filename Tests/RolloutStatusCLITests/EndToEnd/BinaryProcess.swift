import Foundation
import RolloutReport
import TestSupport
import Testing

/// The built `rollout-status` executable run as a separate process, as a pipeline runs it.
///
/// Processes run through `ChildProcess`, whose pipes and exit are handled on threads of their own: a
/// test only ever suspends, so the in-process simulator the binary talks to keeps its concurrency threads.
enum BinaryProcess {
    /// What a finished run left behind.
    struct Run: Sendable {
        var status: Int32
        var stdout: Data
        var stderr: String

        init(_ result: ChildProcess.Result) {
            status = result.status
            stdout = result.standardOutput
            stderr = result.standardErrorText
        }

        var stderrLines: [String] { stderr.split(separator: "\n").map(String.init) }

        /// The stdout report, decoded; saved into `$ROLLOUT_STATUS_REPORT_DIR` for CI's schema check.
        func report(_ label: String) throws -> GateReport {
            try Self.save(stdout, label: label)
            return try ReportEncoder().decode(stdout)
        }

        /// The stdout report as plain JSON, for checks of the wire shape itself.
        func json() throws -> [String: Any] {
            try #require(try JSONSerialization.jsonObject(with: stdout) as? [String: Any])
        }

        static func save(_ data: Data, label: String) throws {
            guard let directory = ProcessInfo.processInfo.environment["ROLLOUT_STATUS_REPORT_DIR"], !directory.isEmpty
            else { return }
            try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
            let name =
                "e2e-" + label.map { $0.isLetter || $0.isNumber ? $0 : "-" } + "-\(UUID().uuidString.prefix(8)).json"
            try data.write(to: URL(fileURLWithPath: directory).appendingPathComponent(String(name)))
        }
    }

    /// Starts the binary with `arguments`, an environment of only `environment` (and `PATH`), and `stdin`.
    static func start(
        _ arguments: [String],
        environment: [String: String] = [:],
        stdin: String = "",
        holdingStandardOutput: Bool = false
    ) throws -> ChildProcess {
        try ChildProcess(
            executable: try BinaryTests.binary(),
            arguments: arguments,
            environment: ["PATH": "/usr/bin:/bin"].merging(environment) { $1 },
            standardInput: Data(stdin.utf8),
            holdingStandardOutput: holdingStandardOutput
        )
    }

    /// Runs the binary to its end.
    static func run(
        _ arguments: [String],
        environment: [String: String] = [:],
        stdin: String = ""
    ) async throws -> Run {
        Run(try await start(arguments, environment: environment, stdin: stdin).finish())
    }
}

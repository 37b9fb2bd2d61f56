import Foundation
import KubeSimulator
import RolloutReport
import RolloutRules
import TestSupport
import Testing

/// util-linux's `script`, which runs a command on a pseudo-terminal.
private let terminalScript = "/usr/bin/script"

/// The live status on a real terminal: the built binary under `script` (util-linux), whose pseudo-terminal
/// makes stderr a TTY of a chosen width, as a release engineer's shell is.
@Suite(
    "End to end: the live status table on a terminal",
    .timeLimit(.minutes(8)),
    .enabled(if: FileManager.default.isExecutableFile(atPath: terminalScript), "needs script(1) from util-linux")
)
struct TerminalTests {
    static let script = terminalScript
    static let columns = 60

    /// What the terminal showed, and the report written to a file beside it.
    struct Screen {
        var status: Int32
        var bytes: String
        var report: Data

        /// The visible lines: split at carriage returns and newlines (`\r\n` is one `Character`), escapes removed.
        var visibleLines: [String] {
            let stripped = bytes.replacingOccurrences(
                of: "\u{1B}\\[[0-9;?]*[A-Za-z]",
                with: "",
                options: .regularExpression
            )
            return stripped.split(whereSeparator: \.isNewline).map(String.init)
        }
    }

    /// Runs the gate on the crash-looping example under a pseudo-terminal `columns` wide.
    static func gate(_ extra: [String], environment: [String: String] = [:]) async throws -> Screen {
        let scenario = try Scenario.load(file: RepositoryFiles.scenario("crashloop-backoff.yaml"))
        return try await ConcurrencyLimit.endToEnd.run {
            try await withKubeSimulator(scenario: scenario) { sim in
                let kubeconfig = try sim.writeKubeconfig(.clientCertificate(.ec), namespace: "default")
                let report = FileManager.default.temporaryDirectory.appendingPathComponent("tty-\(UUID()).json")
                defer {
                    try? FileManager.default.removeItem(atPath: kubeconfig)
                    try? FileManager.default.removeItem(at: report)
                }
                let command =
                    [try BinaryTests.binary().path, "-l", "app=crashloop-backoff", "--timeout", "90s"]
                    + ["--kubeconfig", kubeconfig] + extra
                let shell =
                    "stty cols \(columns) rows 40; exec \(command.map(quoted).joined(separator: " ")) > \(quoted(report.path))"
                let result = try await ChildProcess.run(
                    URL(fileURLWithPath: script),
                    ["-qec", shell, "/dev/null"],
                    environment: ["PATH": "/usr/bin:/bin", "TERM": "xterm"].merging(environment) { $1 }
                )
                return Screen(
                    status: result.status,
                    bytes: String(decoding: result.standardOutput, as: UTF8.self),
                    report: try Data(contentsOf: report)
                )
            }
        }
    }

    static func quoted(_ word: String) -> String {
        "'" + word.replacingOccurrences(of: "'", with: "'\\''") + "'"
    }

    @Test func aTableRedrawnInPlaceWithinTheTerminalsWidth() async throws {
        let screen = try await Self.gate([])
        #expect(screen.status == 1)
        let report = try ReportEncoder().decode(screen.report)
        #expect(report.error?.code == .rollout(.processCrashing))
        #expect(
            screen.bytes.range(of: "\r\u{1B}\\[[0-9]+A", options: .regularExpression) != nil,
            "a later frame moves the cursor up over the earlier one"
        )
        let lines = screen.visibleLines
        #expect(lines.contains { $0.hasPrefix("TARGET") && $0.contains("READY") && $0.contains("STATUS") })
        for line in lines {
            #expect(line.count <= Self.columns, "wider than the terminal: \(line)")
        }
        let rows = lines.filter { $0.hasPrefix("default/crashloop") }
        #expect(!rows.isEmpty)
        let last = try #require(rows.last)
        #expect(last.contains("failed") && last.contains("0/1"), "the last frame shows the failure: \(last)")
        #expect(!screen.bytes.contains("default/crashloop-backoff: "), "no plain progress lines on a terminal")
    }

    @Test func noColorPrintsPlainLinesAndQuietPrintsNothing() async throws {
        async let plainRun = Self.gate([], environment: ["NO_COLOR": "1"])
        async let quietRun = Self.gate(["--quiet"])
        let (plain, quiet) = try await (plainRun, quietRun)
        #expect(plain.status == 1)
        #expect(!plain.bytes.contains("\u{1B}["), "NO_COLOR: no escape sequences")
        #expect(plain.visibleLines.contains { $0.hasPrefix("default/crashloop-backoff: failed (process-crashing)") })
        #expect(quiet.status == 1)
        #expect(quiet.visibleLines.isEmpty, "--quiet: \(quiet.visibleLines)")
        #expect(try ReportEncoder().decode(quiet.report).error?.code == .rollout(.processCrashing))
    }
}

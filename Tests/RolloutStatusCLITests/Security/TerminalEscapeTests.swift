import Foundation
import KubeSimulator
import RolloutReport
import RolloutRules
import TestSupport
import Testing

/// Container logs and Event messages are written by whoever controls the workload: in text meant for a
/// terminal or a CI log (stderr progress, `--output text`, JUnit) their control sequences are neutralised
/// so a crash log cannot clear or rewrite the console; in JSON the encoder escapes them; and their size
/// is capped whatever the API server sends.
@Suite("Hostile logs and events", .timeLimit(.minutes(3)))
struct TerminalEscapeTests {
    /// Clears the screen, moves the cursor home, recolours, rewrites the line, rings the bell, sets the
    /// window title (OSC), uses the one-byte C1 CSI, and reverses the text direction.
    static let hostile =
        "\u{1B}[2J\u{1B}[H\u{1B}[31mPASS\u{1B}[0m\r all green \u{07}\u{1B}]0;owned\u{07} \u{9B}1A \u{202E}sdrawkcab\u{202C}"

    /// Text that must never reach a terminal raw.
    static func controlProblems(_ text: String) -> [String] {
        var problems: [String] = []
        for scalar in text.unicodeScalars {
            switch scalar.value {
            case 0x0A, 0x09: continue
            case 0x00...0x1F, 0x7F...0x9F, 0x202A...0x202E, 0x2066...0x2069:
                problems.append(String(format: "U+%04X", scalar.value))
            default: continue
            }
        }
        return problems
    }

    static func run(_ arguments: [String], log: String, event: String) async throws -> (GateProcess.Result, URL) {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("hostile-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        let scenario = try SecurityScenarios.crashLoop(log: log, eventMessage: event)
        let result = try await withKubeSimulator(scenario: scenario) { sim in
            let kubeconfig = try sim.writeKubeconfig(.token(), namespace: "shop", in: directory)
            return try await GateProcess.run(
                ["-l", "app=web", "--timeout", "60s", "--kubeconfig", kubeconfig] + arguments,
                environment: ["PATH": "/usr/bin:/bin", "HOME": directory.path]
            )
        }
        return (result, directory)
    }

    @Test("text output, progress and JUnit show the sequences as visible characters")
    func neutralisedForPeople() async throws {
        let (result, directory) = try await Self.run(
            ["--output", "text", "--verbose"],
            log: "starting\n" + Self.hostile + "\npanic: " + Self.hostile + "\n",
            event: "Back-off " + Self.hostile
        )
        defer { try? FileManager.default.removeItem(at: directory) }
        #expect(result.status == 1, "\(result.stderr)")
        let text = result.stdoutText
        #expect(text.contains("panic: ^[[2J^[[H^[[31mPASS"), "the log is shown, neutralised:\n\(text)")
        #expect(Self.controlProblems(text).isEmpty, "raw controls on stdout: \(Self.controlProblems(text))")
        #expect(
            Self.controlProblems(result.stderr).isEmpty,
            "raw controls on stderr: \(Self.controlProblems(result.stderr))"
        )
    }

    @Test("JSON escapes the sequences and keeps the text; JUnit neutralises it")
    func escapedInJSON() async throws {
        let junit = FileManager.default.temporaryDirectory.appendingPathComponent("hostile-\(UUID().uuidString).xml")
        defer { try? FileManager.default.removeItem(at: junit) }
        let (result, directory) = try await Self.run(
            ["--junit", junit.path],
            log: "panic: " + Self.hostile + "\n",
            event: "Back-off " + Self.hostile
        )
        defer { try? FileManager.default.removeItem(at: directory) }
        #expect(result.status == 1, "\(result.stderr)")
        #expect(Self.controlProblems(result.stdoutText).isEmpty, "JSON carries no raw control character")
        #expect(result.stdoutText.contains("\\u001b[2J"), "ESC is escaped by the encoder")
        let report = try ReportEncoder().decode(result.stdout)
        let failure = try #require(report.results.first?.failure)
        #expect(failure.log?.text?.contains(Self.hostile) == true, "the JSON keeps the data as sent")
        #expect(report.results.first?.events.first?.message.contains("\u{1B}[2J") == true)
        let xml = try String(contentsOf: junit, encoding: .utf8)
        #expect(Self.controlProblems(xml).isEmpty, "raw controls in JUnit: \(Self.controlProblems(xml))")
        #expect(Self.controlProblems(result.stderr).isEmpty)
    }

    @Test("a 4 MiB log and a 1 MiB event message are capped in every output")
    func capped() async throws {
        let line = "log line with \u{1B}[31mcolour\u{1B}[0m and padding " + String(repeating: "x", count: 60) + "\n"
        let log = String(repeating: line, count: (4 << 20) / line.utf8.count)
        let event = String(repeating: "Back-off \u{1B}[2J ", count: (1 << 20) / 16)
        let junit = FileManager.default.temporaryDirectory.appendingPathComponent("capped-\(UUID().uuidString).xml")
        defer { try? FileManager.default.removeItem(at: junit) }
        let (result, directory) = try await Self.run(
            ["--log-bytes", "8192", "--log-lines", "1000", "--junit", junit.path],
            log: log,
            event: event
        )
        defer { try? FileManager.default.removeItem(at: directory) }
        #expect(result.status == 1, "\(result.stderr)")
        let report = try ReportEncoder().decode(result.stdout)
        let failure = try #require(report.results.first?.failure)
        let kept = try #require(failure.log?.text)
        #expect(kept.utf8.count <= 8192)
        #expect(report.error?.log.map { $0.utf8.count <= 8192 } == true)
        let message = try #require(report.results.first?.events.first?.message)
        #expect(message.utf8.count <= UntrustedText.eventMessageLimit)
        #expect(result.stdout.count < 64 << 10, "the whole report stays small: \(result.stdout.count) bytes")
        let xml = try Data(contentsOf: junit)
        #expect(xml.count < 64 << 10, "JUnit stays small: \(xml.count) bytes")
        #expect(result.stderr.utf8.count < 64 << 10, "stderr stays small: \(result.stderr.utf8.count) bytes")
    }
}

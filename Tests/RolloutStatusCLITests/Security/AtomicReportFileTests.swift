import Foundation
import KubeSimulator
import RolloutReport
import RolloutRules
import TestSupport
import Testing

/// `--report-file` and `--junit` are replaced atomically (a temporary file beside the target, then a
/// rename): a later pipeline step reads the previous file or the complete new one, never half of one,
/// however the gate ends.
@Suite("Atomic report files", .timeLimit(.minutes(3)))
struct AtomicReportFileTests {
    static let previousReport = Data("{\"previous\": \"complete report of the last run\"}\n".utf8)
    static let previousJUnit = Data("<testsuites name=\"previous\"></testsuites>\n".utf8)

    /// Starts the gate on a rollout that takes a minute, waits until it watches, and stops it with `signal`.
    static func interrupted(by signal: Int32) async throws -> (GateProcess.Result, URL) {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("atomic-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        let report = directory.appendingPathComponent("report.json")
        let junit = directory.appendingPathComponent("junit.xml")
        try previousReport.write(to: report)
        try previousJUnit.write(to: junit)
        let result = try await withKubeSimulator(scenario: try FaultScenarios.rollout(readyAfter: "60s")) { sim in
            let kubeconfig = try sim.writeKubeconfig(.token(), namespace: "shop")
            defer { try? FileManager.default.removeItem(atPath: kubeconfig) }
            let process = try GateProcess(
                [
                    "-l", "app=web", "--kubeconfig", kubeconfig, "--report-file", report.path, "--junit",
                    junit.path,
                ],
                environment: ["PATH": "/usr/bin:/bin", "HOME": directory.path]
            )
            try process.start()
            let watching = try await process.waitForStderr(containing: "shop/web: ")
            #expect(watching, "the gate reported progress: \(process.stderrSoFar)")
            process.send(signal)
            return try await process.wait()
        }
        return (result, directory)
    }

    @Test("SIGKILL mid-run: both files still hold the previous run's complete content")
    func killed() async throws {
        let (result, directory) = try await Self.interrupted(by: SIGKILL)
        defer { try? FileManager.default.removeItem(at: directory) }
        #expect(result.signalled && result.status == SIGKILL)
        #expect(try Data(contentsOf: directory.appendingPathComponent("report.json")) == Self.previousReport)
        #expect(try Data(contentsOf: directory.appendingPathComponent("junit.xml")) == Self.previousJUnit)
    }

    @Test("SIGTERM mid-run: both files are replaced by the complete partial report, and no temporary file is left")
    func terminated() async throws {
        let (result, directory) = try await Self.interrupted(by: SIGTERM)
        defer { try? FileManager.default.removeItem(at: directory) }
        #expect(!result.signalled)
        #expect(result.status == 143)
        let written = try Data(contentsOf: directory.appendingPathComponent("report.json"))
        #expect(written == result.stdout, "the report file is the stdout report")
        let report = try ReportEncoder().decode(written)
        #expect(report.interruptedBy == .sigterm)
        let xml = try String(contentsOf: directory.appendingPathComponent("junit.xml"), encoding: .utf8)
        #expect(xml.hasPrefix("<?xml"))
        #expect(xml.hasSuffix("</testsuites>\n"))
        #expect(
            Set(try FileManager.default.contentsOfDirectory(atPath: directory.path)) == ["report.json", "junit.xml"]
        )
    }

    static var strace: String? {
        ["/usr/bin/strace", "/bin/strace"].first { FileManager.default.isExecutableFile(atPath: $0) }
    }

    @Test(
        "the binary writes each file as a temporary beside it and renames it over the target, never in place",
        .enabled(if: strace != nil, "needs strace")
    )
    func temporaryThenRename() async throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("rename-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        let report = directory.appendingPathComponent("report.json")
        let junit = directory.appendingPathComponent("junit.xml")
        try Self.previousReport.write(to: report)
        let trace = directory.appendingPathComponent("trace")
        let result = try await GateProcess.run(
            [
                "-f", "-o", trace.path, "-e", "trace=openat,open,creat,rename,renameat,renameat2,truncate,ftruncate",
                try BinaryTests.binary().path, "-l", "app=web", "--kubeconfig",
                directory.appendingPathComponent("none").path,
                "--report-file", report.path, "--junit", junit.path,
            ],
            environment: ["PATH": "/usr/bin:/bin", "HOME": directory.path],
            executable: URL(fileURLWithPath: try #require(Self.strace))
        )
        #expect(result.status == 3, "the missing kubeconfig ends the gate with its report: \(result.stderr)")
        let calls = try String(contentsOf: trace, encoding: .utf8).split(separator: "\n").map(String.init)
        for target in [report, junit] {
            let name = target.lastPathComponent
            let writes = calls.filter {
                $0.contains("\"\(target.path)\"") && ($0.contains("O_WRONLY") || $0.contains("O_RDWR"))
            }
            #expect(writes.isEmpty, "\(name) was opened for writing in place: \(writes)")
            let renames = calls.filter { $0.contains("rename") && $0.contains("\"\(target.path)\"") }
            #expect(renames.count == 1, "\(name): \(renames)")
            let temporary = renames.first.flatMap { call -> String? in
                call.split(separator: "\"").map(String.init).first { $0.hasPrefix(directory.path + "/.\(name).") }
            }
            #expect(temporary?.hasSuffix(".tmp") == true, "renamed from a temporary beside it: \(renames)")
        }
        #expect(try ReportEncoder().decode(Data(contentsOf: report)).error?.code == .program(.kubeconfig))
    }
}

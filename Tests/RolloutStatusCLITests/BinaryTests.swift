import Foundation
import RolloutReport
import TestSupport
import Testing

/// The built `rollout-status` binary, run as a pipeline runs it: the exit status, stdout and stderr of a
/// real process (ArgumentParser's exit path, unbuffered stdout).
@Suite struct BinaryTests {
    /// The executable sits next to the test bundle in the build folder.
    static func binary() throws -> URL {
        let bundle = URL(fileURLWithPath: CommandLine.arguments[0]).resolvingSymlinksInPath()
        var directory = bundle.deletingLastPathComponent()
        for _ in 0..<4 {
            let candidate = directory.appendingPathComponent("rollout-status")
            if FileManager.default.isExecutableFile(atPath: candidate.path) { return candidate }
            directory = directory.deletingLastPathComponent()
        }
        throw BinaryNotBuilt(searchedFrom: bundle.path)
    }

    struct BinaryNotBuilt: Error, CustomStringConvertible {
        var searchedFrom: String
        var description: String { "rollout-status is not built next to \(searchedFrom); run swift build first" }
    }

    /// Runs the binary to completion without blocking a concurrency thread (see `ChildProcess`).
    static func run(
        _ arguments: [String],
        stdin: String = ""
    ) async throws -> (
        status: Int32, stdout: Data, stderr: String
    ) {
        let result = try await ChildProcess.run(try binary(), arguments, standardInput: Data(stdin.utf8))
        return (result.status, result.standardOutput, result.standardErrorText)
    }

    @Test func badInputExits64WithAReportOnStdoutAndOneLineOnStderr() async throws {
        let result = try await Self.run(["-l", "app in (web", "-n", "shop"])
        #expect(result.status == 64)
        let report = try ReportEncoder().decode(result.stdout)
        #expect(report.error?.code == .program(.invalidInput))
        #expect(result.stderr.split(separator: "\n").count == 1)
        #expect(result.stderr.hasPrefix("rollout-status: invalid-input: "))
    }

    @Test func aManifestWithAYAMLErrorOnStdinNamesTheLine() async throws {
        let result = try await Self.run(["-f", "-"], stdin: "apiVersion: apps/v1\nkind: Deployment\n  bad: indent\n")
        #expect(result.status == 64)
        #expect(result.stderr.hasPrefix("rollout-status: invalid-input: -:3:"))
        #expect(try ReportEncoder().decode(result.stdout).success == false)
    }

    @Test func helpExitsZeroOnStdout() async throws {
        let result = try await Self.run(["--help"])
        #expect(result.status == 0)
        #expect(String(decoding: result.stdout, as: UTF8.self).contains("USAGE: rollout-status"))
        #expect(result.stderr.isEmpty)
    }
}

import Foundation
import RolloutReport
import Testing

/// SIGINT and SIGTERM as a CI runner sends them to the built binary: the gate stops, the partial report
/// is still printed, and the exit status names the signal.
@Suite("Signals to the built binary", .timeLimit(.minutes(2)))
struct SignalTests {
    @Test(
        "a signal while the demo release rolls out: a partial report and the signal's exit status",
        arguments: [(SIGINT, Int32(130), InterruptSignal.sigint), (SIGTERM, Int32(143), InterruptSignal.sigterm)]
    )
    func signal(_ signal: Int32, _ status: Int32, _ name: InterruptSignal) throws {
        let process = Process()
        process.executableURL = try BinaryTests.binary()
        process.arguments = ["demo"]
        process.environment = ["PATH": "/usr/bin:/bin"]
        let output = Pipe()
        let error = Pipe()
        process.standardOutput = output
        process.standardError = error
        try process.run()
        // Wait for the gate's first progress line about a workload: the watches are open, the gate waits.
        var seen = Data()
        while !String(decoding: seen, as: UTF8.self).contains("\nshop/") {
            let chunk = error.fileHandleForReading.availableData
            if chunk.isEmpty { break }
            seen.append(chunk)
        }
        kill(process.processIdentifier, signal)
        let stdout = output.fileHandleForReading.readDataToEndOfFile()
        _ = error.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        let report = try ReportEncoder().decode(stdout)
        // The first progress line comes a fraction of a second in; the demo's verdict takes seconds more.
        #expect(process.terminationStatus == status)
        #expect(report.interruptedBy == name)
        #expect(report.error?.code == .program(.interrupted))
        #expect(report.results.count == 10, "the partial report lists every target")
    }
}

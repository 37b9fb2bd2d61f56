import Foundation
import KubeModel
import RolloutCoordinator
import RolloutReport
import RolloutRules
import RolloutStatusCLI
import Synchronization
import Testing

/// A runner that records the request and answers with a scripted outcome.
final class ScriptedRunner: GateRunner {
    enum Outcome: Sendable {
        case report(GateReport)
        case error(any Error)
    }

    private let outcome: Outcome
    private let recorded = Mutex<GateRequest?>(nil)

    init(_ outcome: Outcome) {
        self.outcome = outcome
    }

    var request: GateRequest? { recorded.withLock { $0 } }

    func run(_ request: GateRequest, diagnostics: any DiagnosticSink) async throws -> GateReport {
        recorded.withLock { $0 = request }
        switch outcome {
        case .report(let report): return report
        case .error(let error): throw error
        }
    }
}

/// One run of the real program: its exit code and what it wrote.
struct ProgramRun {
    var exitCode: GateExitCode
    var stdout: String
    var stderr: [String]
    var request: GateRequest?

    /// The stdout report, decoded; every report is also saved for the schema check in CI.
    func report(_ label: String = #function) throws -> GateReport {
        let data = Data(stdout.utf8)
        if let directory = ProcessInfo.processInfo.environment["ROLLOUT_STATUS_REPORT_DIR"], !directory.isEmpty {
            try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
            let name = label.filter { $0.isLetter || $0.isNumber } + "-\(UUID().uuidString.prefix(8)).json"
            try data.write(to: URL(fileURLWithPath: directory).appendingPathComponent(name))
        }
        return try ReportEncoder().decode(data)
    }
}

enum Harness {
    static let fixedDate = Date(timeIntervalSince1970: 1_780_000_000)

    static func run(
        _ arguments: [String],
        runner: ScriptedRunner = ScriptedRunner(.report(succeeded)),
        environment: [String: String] = [:],
        stdin: String = ""
    ) async -> ProgramRun {
        let stdout = CapturedOutput()
        let stderr = CapturedOutput()
        let program = GateProgram(
            environment: environment,
            standardInput: { Data(stdin.utf8) },
            standardOutput: stdout,
            standardError: stderr,
            runner: runner,
            wallClock: { fixedDate }
        )
        let code = await program.execute(arguments: arguments)
        return ProgramRun(exitCode: code, stdout: stdout.text, stderr: stderr.lines, request: runner.request)
    }

    static let timing = GateTiming(
        startedAt: .init(fixedDate),
        finishedAt: .init(fixedDate.addingTimeInterval(2)),
        duration: .seconds(2)
    )

    static let succeeded = GateReport(
        timing: timing,
        results: [
            TargetResult(
                kind: .deployment,
                namespace: "shop",
                name: "web",
                revision: "3",
                verdict: .succeeded,
                replicas: ReplicaCounts(desired: 2, updated: 2, ready: 2, available: 2)
            )
        ],
        conclusion: .completed(decisive: nil)
    )

    static let crashed = GateReport(
        timing: timing,
        results: [
            TargetResult(
                kind: .deployment,
                namespace: "shop",
                name: "api",
                verdict: .failed,
                failure: TargetFailure(
                    code: .processCrashing,
                    reason: "CrashLoopBackOff",
                    message: "Container \"main\" is in \"CrashLoopBackOff\"",
                    rule: "container.crash-loop",
                    log: LogTail(container: "main", previous: true, log: "panic: boom\n", maxLines: 50, maxBytes: 1000)
                )
            )
        ],
        conclusion: .completed(decisive: nil)
    )

    static let timedOut = GateReport(
        timing: timing,
        results: [
            TargetResult(kind: .deployment, namespace: "shop", name: "api", verdict: .progressing, waitingFor: "0 of 1")
        ],
        conclusion: .deadlineExceeded(timeout: .seconds(60))
    )

    static func interrupted(_ signal: InterruptSignal) -> GateReport {
        GateReport(
            timing: timing,
            results: [TargetResult(kind: .deployment, namespace: "shop", name: "api", verdict: .progressing)],
            conclusion: .interrupted(signal)
        )
    }
}

/// An error that knows its program code, as the client's errors will.
struct ClassifiedError: GateProgramError {
    var programErrorCode: ProgramErrorCode
    var description: String
}

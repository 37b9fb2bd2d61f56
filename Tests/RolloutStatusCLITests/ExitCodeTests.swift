import Foundation
import RolloutReport
import RolloutRules
import RolloutStatusCLI
import Testing

/// One test per exit code, through the whole program: the runner's outcome in, the exit code and the
/// report's error out.
@Suite struct ExitCodeTests {
    static func run(_ outcome: ScriptedRunner.Outcome) async -> ProgramRun {
        await Harness.run(["-l", "app=web"], runner: ScriptedRunner(outcome))
    }

    @Test func zeroWhenEveryTargetSucceeded() async throws {
        let run = await Self.run(.report(Harness.succeeded))
        #expect(run.exitCode.rawValue == 0)
        #expect(try run.report().success)
        #expect(run.stderr.isEmpty)
    }

    @Test func oneWhenARolloutFailed() async throws {
        let run = await Self.run(.report(Harness.crashed))
        #expect(run.exitCode.rawValue == 1)
        let error = try #require(try run.report().error)
        #expect(error.code == .rollout(.processCrashing))
        #expect(error.log == "panic: boom\n")
    }

    @Test func twoWhenTheDeadlinePassed() async throws {
        let run = await Self.run(.report(Harness.timedOut))
        #expect(run.exitCode.rawValue == 2)
        #expect(try run.report().error?.code == .rollout(.timeout))
    }

    @Test func threeForKubeconfigAndCredentials() async throws {
        let run = await Self.run(
            .error(ClassifiedError(programErrorCode: .kubeconfig, description: "context \"ci\" is not in /k"))
        )
        #expect(run.exitCode.rawValue == 3)
        #expect(try run.report().error == ReportError(program: .kubeconfig, message: "Context \"ci\" is not in /k."))
        #expect(run.stderr == ["rollout-status: kubeconfig: Context \"ci\" is not in /k."])
    }

    @Test(arguments: [ProgramErrorCode.unauthorized, .forbidden, .apiUnavailable])
    func fourForTheAPIServer(code: ProgramErrorCode) async throws {
        let run = await Self.run(.error(ClassifiedError(programErrorCode: code, description: "HTTP status")))
        #expect(run.exitCode.rawValue == 4)
        #expect(try run.report().error?.code == .program(code))
    }

    @Test func sixtyFourForUsage() async throws {
        let run = await Harness.run(["--timeout", "banana", "-l", "a=b"])
        #expect(run.exitCode.rawValue == 64)
        #expect(try run.report().error?.code == .program(.invalidInput))
    }

    @Test func seventyForAnUnexpectedError() async throws {
        struct Unexpected: Error {}
        let run = await Self.run(.error(Unexpected()))
        #expect(run.exitCode.rawValue == 70)
        #expect(try run.report().error?.code == .program(.internal))
        #expect(run.stderr.count == 1)
    }

    @Test func oneThirtyForSIGINTWithThePartialReport() async throws {
        let run = await Self.run(.report(Harness.interrupted(.sigint)))
        #expect(run.exitCode.rawValue == 130)
        let report = try run.report()
        #expect(report.interruptedBy == .sigint)
        #expect(report.results.count == 1)
    }

    @Test func oneThirtyForCancellation() async throws {
        let run = await Self.run(.error(CancellationError()))
        #expect(run.exitCode.rawValue == 130)
        #expect(try run.report().error?.code == .program(.interrupted))
    }

    @Test func oneFortyThreeForSIGTERM() async throws {
        let run = await Self.run(.report(Harness.interrupted(.sigterm)))
        #expect(run.exitCode.rawValue == 143)
        #expect(try run.report().interruptedBy == .sigterm)
    }

    @Test func everyCodeOfTheTableIsCovered() {
        #expect(GateExitCode.allCases.map(\.rawValue) == [0, 1, 2, 3, 4, 64, 70, 130, 143])
    }

    @Test(arguments: ProgramErrorCode.allCases)
    func everyProgramCodeMapsToItsExitCode(code: ProgramErrorCode) {
        let expected: [ProgramErrorCode: Int32] = [
            .invalidInput: 64, .kubeconfig: 3, .unauthorized: 4, .forbidden: 4, .apiUnavailable: 4,
            .interrupted: 130, .internal: 70,
        ]
        #expect(GateExitCode(error: ReportError(program: code, message: "m")).rawValue == expected[code])
    }
}

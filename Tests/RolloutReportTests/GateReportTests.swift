import Foundation
import RolloutReport
import RolloutRules
import Testing

@Suite struct GateReportTests {
    static let timing = ReportFixtures.timing(seconds: 1)

    static func failed(_ name: String, _ code: RolloutFailureCode) -> TargetResult {
        TargetResult(
            kind: .deployment,
            namespace: "ns",
            name: name,
            verdict: .failed,
            failure: TargetFailure(code: code, message: "\(name) broke", rule: "rule-\(name)")
        )
    }

    static func with(_ name: String, _ verdict: TargetVerdict, waitingFor: String? = nil) -> TargetResult {
        TargetResult(kind: .deployment, namespace: "ns", name: name, verdict: verdict, waitingFor: waitingFor)
    }

    @Test func allSucceededIsSuccessWithoutError() {
        let report = GateReport(
            timing: Self.timing,
            results: [Self.with("a", .succeeded), Self.with("b", .succeeded)],
            conclusion: .completed(decisive: nil)
        )
        #expect(report.success)
        #expect(report.error == nil)
        #expect(report.summary.total == 2)
        #expect(report.summary.succeeded == 2)
    }

    @Test func theNamedDecisiveFailureWins() throws {
        let report = GateReport(
            timing: Self.timing,
            results: [Self.failed("a", .invalidConfig), Self.failed("b", .processCrashing)],
            conclusion: .completed(decisive: TargetReference(kind: .deployment, namespace: "ns", name: "b"))
        )
        let error = try #require(report.error)
        #expect(error.code == .rollout(.processCrashing))
        #expect(error.type == .rollout)
        #expect(error.message == "Deployment ns/b: b broke")
        #expect(!report.success)
    }

    @Test func withoutADecisiveTargetTheFirstFailureInReportOrderWins() throws {
        let report = GateReport(
            timing: Self.timing,
            results: [Self.failed("z", .scheduling), Self.failed("m", .notProgressing)],
            conclusion: .completed(decisive: nil)
        )
        #expect(try #require(report.error).code == .rollout(.notProgressing))
        #expect(report.results.map(\.name) == ["m", "z"])
    }

    @Test func theFailingContainersLogIsTheTopLevelLog() throws {
        let report = ReportFixtures.crashLoop
        let error = try #require(report.error)
        #expect(error.log == ReportFixtures.crashLog)
        #expect(error.code == .rollout(.processCrashing))
    }

    @Test func aFailureWinsOverTheDeadline() throws {
        let report = GateReport(
            timing: Self.timing,
            results: [Self.failed("a", .processCrashing), Self.with("b", .progressing)],
            conclusion: .deadlineExceeded(timeout: .seconds(30))
        )
        #expect(try #require(report.error).code == .rollout(.processCrashing))
    }

    @Test func theTimeoutMessageNamesWhatEachTargetWaitedFor() throws {
        let report = GateReport(
            timing: Self.timing,
            results: [
                Self.with("a", .progressing, waitingFor: "1 of 2 updated replicas are available"),
                Self.with("b", .succeeded),
            ],
            conclusion: .deadlineExceeded(timeout: .seconds(90))
        )
        let error = try #require(report.error)
        #expect(error.code == .rollout(.timeout))
        #expect(error.message == "Timed out after 1m30s waiting for ns/a (1 of 2 updated replicas are available).")
    }

    @Test func anInterruptionIsAProgramErrorNamingTheSignal() throws {
        let report = GateReport(
            timing: Self.timing,
            results: [Self.with("a", .progressing), Self.with("b", .succeeded)],
            conclusion: .interrupted(.sigint)
        )
        let error = try #require(report.error)
        #expect(error.code == .program(.interrupted))
        #expect(error.type == .program)
        #expect(report.interruptedBy == .sigint)
        #expect(error.message == "Interrupted by SIGINT with 1 of 2 targets unfinished.")
    }

    @Test func completingWithUnfinishedTargetsAndNoFailureIsAnInternalError() throws {
        let report = GateReport(
            timing: Self.timing,
            results: [Self.with("a", .cancelled)],
            conclusion: .completed(decisive: nil)
        )
        #expect(try #require(report.error).code == .program(.internal))
        #expect(!report.success)
    }

    @Test func summaryCountsEveryVerdictAndSkippedObject() {
        let report = ReportFixtures.crashLoop
        #expect(report.summary == ReportSummary(results: report.results, skipped: report.skipped))
        #expect(report.summary.failed == 1)
        #expect(report.summary.cancelled == 1)
        #expect(report.summary.succeeded == 1)
        #expect(ReportFixtures.success.summary.skipped == 2)
    }

    @Test func decodingRejectsATypeThatContradictsTheCode() {
        let json = #"{"code":"process-crashing","message":"m","type":"program"}"#
        #expect(throws: DecodingError.self) { try JSONDecoder().decode(ReportError.self, from: Data(json.utf8)) }
    }

    @Test func decodingRejectsAnUnknownCode() {
        let json = #"{"code":"exploded","message":"m","type":"rollout"}"#
        #expect(throws: DecodingError.self) { try JSONDecoder().decode(ReportError.self, from: Data(json.utf8)) }
    }

    @Test func theErrorHasExactlyTheOriginalToolsFields() throws {
        let data = try JSONEncoder().encode(ReportFixtures.crashLoop.error)
        let object = try #require(try JSONSerialization.jsonObject(with: data) as? [String: Any])
        #expect(Set(object.keys) == ["code", "message", "type", "log"])
        let withoutLog = try JSONEncoder().encode(ReportFixtures.invalidInput.error)
        let object2 = try #require(try JSONSerialization.jsonObject(with: withoutLog) as? [String: Any])
        #expect(Set(object2.keys) == ["code", "message", "type"])
    }

    @Test(arguments: [
        (Duration.seconds(90), "1m30s"), (.seconds(300), "5m0s"), (.seconds(5400), "1h30m0s"),
        (.milliseconds(500), "500ms"), (.milliseconds(1500), "1.5s"), (.zero, "0s"), (.microseconds(3), "3µs"),
        (.nanoseconds(7), "7ns"), (.seconds(3600), "1h0m0s"),
    ])
    func durationsPrintAsGoDoes(duration: Duration, text: String) {
        #expect(DurationText.format(duration) == text)
    }

    @Test(arguments: [
        ("Deployment", "apps/v1", WorkloadKind.deployment), ("StatefulSet", "apps/v1", .statefulSet),
        ("DaemonSet", "apps/v1", .daemonSet), ("Job", "batch/v1", .job),
    ])
    func manifestKindsAreRecognisedInTheirGroup(kind: String, apiVersion: String, expected: WorkloadKind) {
        #expect(WorkloadKind(apiVersion: apiVersion, kind: kind) == expected)
    }

    @Test(arguments: [
        ("Deployment", "extensions/v1beta1"), ("Job", "apps/v1"), ("Service", "v1"), ("Deployment", "v1"),
    ])
    func otherGroupsAreNotWorkloads(kind: String, apiVersion: String) {
        #expect(WorkloadKind(apiVersion: apiVersion, kind: kind) == nil)
    }
}

@Suite struct ReportEncoderLayoutTests {
    @Test func theLayoutIsGoStyleIndentation() throws {
        let text = String(decoding: try ReportEncoder().encode(ReportFixtures.invalidInput), as: UTF8.self)
        #expect(text.hasPrefix("{\n  \"durationSeconds\": 0.002,\n  \"error\": {\n    \"code\": \"invalid-input\",\n"))
        #expect(text.contains("\"results\": [],\n"))
        #expect(text.hasSuffix("}\n}\n"))
    }

    @Test func stringsWithBracesCommasAndEscapesAreCopiedUntouched() throws {
        let report = GateReport(
            timing: ReportFixtures.timing(seconds: 1),
            results: [],
            conclusion: .error(ReportError(program: .internal, message: "a {b}, [c]: \"d\" \\ e\n"))
        )
        let data = try ReportEncoder().encode(report)
        #expect(String(decoding: data, as: UTF8.self).contains(#""message": "a {b}, [c]: \"d\" \\ e\n","#))
        #expect(try ReportEncoder().decode(data) == report)
    }
}

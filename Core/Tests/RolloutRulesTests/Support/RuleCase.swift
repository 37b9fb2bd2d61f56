import Foundation
import KubeModel
import RolloutRules
import Testing

/// One named row of the rules' table: a set of objects, "now", the thresholds, and the verdict expected.
///
/// The names are the ones `docs/failure-codes.md` cites in its "covered by" column.
struct RuleCase: Sendable, CustomTestStringConvertible {
    let name: String
    let now: String
    let thresholds: RolloutThresholds
    let expected: Expected
    let observation: @Sendable () throws -> RolloutObservation

    init(
        _ name: String,
        now: String = "10:05:00",
        thresholds: RolloutThresholds = .default,
        expect expected: Expected,
        _ observation: @escaping @Sendable () throws -> RolloutObservation
    ) {
        self.name = name
        self.now = now
        self.thresholds = thresholds
        self.expected = expected
        self.observation = observation
    }

    var testDescription: String { name }

    func verdict() throws -> RolloutVerdict {
        RolloutEvaluator(thresholds: thresholds).evaluate(try observation(), now: Build.time(now).date)
    }
}

/// What a case expects; the optional texts are golden (compared in full).
enum Expected: Sendable {
    case succeeded(RolloutRule, message: String? = nil)
    case progressing(RolloutRule, message: String? = nil, waitingFor: String? = nil)
    case failed(
        RolloutFailureCode,
        reason: String,
        rule: RolloutRule,
        pod: String? = nil,
        container: String? = nil,
        initContainer: Bool = false,
        message: String? = nil
    )

    /// Records an issue for every way `verdict` differs.
    func check(_ verdict: RolloutVerdict, sourceLocation: SourceLocation = #_sourceLocation) {
        switch (self, verdict) {
        case (.succeeded(let rule, let message), .succeeded(let summary)):
            #expect(summary.rule == rule, sourceLocation: sourceLocation)
            if let message { #expect(summary.message == message, sourceLocation: sourceLocation) }
        case (.progressing(let rule, let message, let waitingFor), .progressing(let progress)):
            #expect(progress.rule == rule, sourceLocation: sourceLocation)
            if let message { #expect(progress.message == message, sourceLocation: sourceLocation) }
            if let waitingFor { #expect(progress.waitingFor == waitingFor, sourceLocation: sourceLocation) }
        case (
            .failed(let code, let reason, let rule, let pod, let container, let initContainer, let message),
            .failed(let failure)
        ):
            #expect(failure.code == code, sourceLocation: sourceLocation)
            #expect(failure.reason == reason, sourceLocation: sourceLocation)
            #expect(failure.rule == rule, sourceLocation: sourceLocation)
            if let pod { #expect(failure.pod == pod, sourceLocation: sourceLocation) }
            if let container { #expect(failure.container == container, sourceLocation: sourceLocation) }
            #expect(failure.isInitContainer == initContainer, sourceLocation: sourceLocation)
            if let message { #expect(failure.message == message, sourceLocation: sourceLocation) }
        default:
            Issue.record("expected \(self), got \(verdict)", sourceLocation: sourceLocation)
        }
    }
}

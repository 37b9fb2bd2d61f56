import Foundation
import KubeModel
import RolloutRules
import Testing

/// Properties over random observations from a seeded generator: the evaluator never crashes, never says
/// `succeeded` unless kubectl's rule holds for the observed generation, is consistent with its own rule
/// table, and does not depend on the order objects were listed in.
@Suite struct RolloutPropertyTests {
    static let seeds: [UInt64] = [1, 2, 3, 42, 20_240_501]
    static let drawsPerSeed = 400

    /// kubectl's `DeploymentStatusViewer`, written from its rule: generation observed, no
    /// `ProgressDeadlineExceeded`, updated ≥ spec (when set), replicas ≤ updated, available ≥ updated.
    static func kubectlSaysRolledOut(_ deployment: Deployment) -> Bool {
        let status = deployment.status
        guard (deployment.metadata.generation ?? 0) <= status.observedGeneration else { return false }
        if status.conditions.first(ofType: "Progressing")?.reason == "ProgressDeadlineExceeded" { return false }
        if let desired = deployment.spec.replicas, status.updatedReplicas < desired { return false }
        return status.replicas <= status.updatedReplicas && status.availableReplicas >= status.updatedReplicas
    }

    /// kubectl's `StatefulSetStatusViewer`.
    static func kubectlSaysRolledOut(_ statefulSet: StatefulSet) -> Bool {
        let spec = statefulSet.spec
        let status = statefulSet.status
        guard (spec.updateStrategy?.type ?? .rollingUpdate) == .rollingUpdate else { return false }
        guard status.observedGeneration != 0, (statefulSet.metadata.generation ?? 0) <= status.observedGeneration else {
            return false
        }
        if let desired = spec.replicas, status.readyReplicas < desired { return false }
        if let rollingUpdate = spec.updateStrategy?.rollingUpdate {
            if let desired = spec.replicas, let partition = rollingUpdate.partition {
                return status.updatedReplicas >= desired - partition
            }
            return true
        }
        return status.updateRevision == status.currentRevision
    }

    /// kubectl's `DaemonSetStatusViewer`.
    static func kubectlSaysRolledOut(_ daemonSet: DaemonSet) -> Bool {
        let status = daemonSet.status
        guard (daemonSet.spec.updateStrategy?.type ?? .rollingUpdate) == .rollingUpdate else { return false }
        guard (daemonSet.metadata.generation ?? 0) <= status.observedGeneration else { return false }
        return status.updatedNumberScheduled >= status.desiredNumberScheduled
            && status.numberAvailable >= status.desiredNumberScheduled
    }

    /// The Job controller's own verdict: a success condition and no failure condition.
    static func jobControllerSaysComplete(_ job: Job) -> Bool {
        let isTrue = { (type: String) in job.status.conditions.contains { $0.type == type && $0.status == .isTrue } }
        return (isTrue("Complete") || isTrue("SuccessCriteriaMet")) && !isTrue("Failed") && !isTrue("FailureTarget")
    }

    @Test(arguments: seeds)
    func succeedsOnlyWhenTheControllerRuleHolds(seed: UInt64) {
        var draw = RandomObservation(random: SeededGenerator(seed: seed))
        var outcomes: [String: Int] = [:]
        for index in 0..<Self.drawsPerSeed {
            let observation: RolloutObservation
            switch index % 4 {
            case 0: observation = draw.deployment()
            case 1: observation = draw.statefulSet()
            case 2: observation = draw.daemonSet()
            default: observation = draw.job()
            }
            let thresholds = draw.thresholds()
            let now = Build.time(draw.clock()).date
            let evaluator = RolloutEvaluator(thresholds: thresholds)
            let verdict = evaluator.evaluate(observation, now: now)
            outcomes["\(observation.workload.kind.rawValue) \(verdict.rule.outcome)", default: 0] += 1

            if case .succeeded = verdict {
                let holds: Bool
                switch observation.workload {
                case .deployment(let deployment): holds = Self.kubectlSaysRolledOut(deployment)
                case .statefulSet(let statefulSet): holds = Self.kubectlSaysRolledOut(statefulSet)
                case .daemonSet(let daemonSet): holds = Self.kubectlSaysRolledOut(daemonSet)
                case .job(let job): holds = Self.jobControllerSaysComplete(job)
                }
                #expect(
                    holds,
                    "seed \(seed) draw \(index): succeeded while the controller's rule does not hold: \(observation)"
                )
            }

            // The verdict agrees with the rule table.
            switch verdict {
            case .progressing(let progress):
                #expect(progress.rule.outcome == .progress, "seed \(seed) draw \(index): \(progress.rule)")
                #expect(!progress.waitingFor.isEmpty)
            case .succeeded(let summary):
                #expect(summary.rule.outcome == .success, "seed \(seed) draw \(index): \(summary.rule)")
            case .failed(let failure):
                #expect(failure.rule.outcome == .failure, "seed \(seed) draw \(index): \(failure.rule)")
                #expect(failure.rule.codes.contains(failure.code), "seed \(seed) draw \(index): \(failure)")
                #expect(!failure.message.isEmpty && !failure.message.contains("\n"))
                if let log = failure.logSource { #expect(log.pod == failure.pod || failure.rule == .jobFailed) }
            }

            // Deterministic, and independent of the order the API server listed objects in.
            #expect(evaluator.evaluate(observation, now: now) == verdict)
            let shuffled = draw.shuffled(observation)
            #expect(
                evaluator.evaluate(shuffled, now: now) == verdict,
                "seed \(seed) draw \(index): the verdict depends on list order"
            )
        }
        // The generator reaches every outcome of every kind, so the property is not vacuous.
        for kind in Workload.Kind.allCases {
            for outcome in ["progress", "success", "failure"] {
                #expect(
                    outcomes["\(kind.rawValue) \(outcome)", default: 0] > 0,
                    "no \(kind) \(outcome) drawn: \(outcomes)"
                )
            }
        }
    }
}

import Foundation
import KubeModel
import RolloutRules

@testable import RolloutCoordinator

/// A stand-in for the rules that reads the verdict from the workload's own annotations.
///
/// The state machine's tests are about resolution, fail-fast, deadlines and wake-ups, not about rules:
/// with the verdict written on the object, each test says plainly what the rules would conclude, and the
/// verdict still travels the real path (watch change → store → observation → evaluation).
/// `test/verdict`: `succeeded`, `failed:<code>`, `succeeded-after` (once `test/reevaluate-after` has
/// passed) or absent (progressing); `test/reevaluate-after`: seconds from the base time at which the
/// verdict could change; `test/log`: `pod/container[/previous]`.
struct AnnotationEvaluator: WorkloadEvaluator {
    func evaluate(_ observation: RolloutObservation, now: Date) -> (verdict: RolloutVerdict, reevaluateAt: Date?) {
        let annotations = observation.workload.metadata.annotations ?? [:]
        let name = observation.workload.metadata.name
        let replicas = ObservedReplicas(
            desired: 3,
            current: observation.pods.count,
            updated: observation.pods.count,
            ready: 0,
            available: 0
        )
        let reevaluateAt = annotations["test/reevaluate-after"].flatMap(TimeInterval.init).map {
            Fixtures.baseTime.addingTimeInterval($0)
        }
        let progress = RolloutVerdict.progressing(
            RolloutProgress(
                rule: .deploymentReplicasPending,
                message: "Waiting for deployment \"\(name)\" rollout to finish: \(observation.pods.count) pods seen",
                replicas: replicas
            )
        )
        let success = RolloutVerdict.succeeded(
            RolloutSummary(
                rule: .deploymentComplete,
                message: "deployment \"\(name)\" successfully rolled out",
                replicas: replicas
            )
        )
        switch annotations["test/verdict"] {
        case "succeeded":
            return (success, nil)
        case let verdict? where verdict.hasPrefix("failed:"):
            let code = RolloutFailureCode(rawValue: String(verdict.dropFirst("failed:".count))) ?? .processCrashing
            let log = annotations["test/log"].map { text in
                let parts = text.split(separator: "/").map(String.init)
                return LogSource(pod: parts[0], container: parts[1], previous: parts.count > 2)
            }
            let failure = RolloutFailure(
                code: code,
                reason: "CrashLoopBackOff",
                message: "deployment \(name) failed",
                rule: .containerCrashLoop,
                pod: log?.pod,
                container: log?.container,
                replicas: replicas,
                revision: "1",
                logSource: log
            )
            return (.failed(failure), nil)
        case "succeeded-after" where reevaluateAt.map { now >= $0 } ?? false:
            return (success, nil)
        default:
            return (progress, reevaluateAt)
        }
    }
}

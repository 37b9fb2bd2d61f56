import Foundation
import RolloutCoordinator
import RolloutRules

/// Progress events as the coordinator emits them, for the display's tests.
enum ProgressEvents {
    static let start = Date(timeIntervalSince1970: 1_780_000_000)

    static func at(_ seconds: TimeInterval) -> Date { start.addingTimeInterval(seconds) }

    static func workload(_ path: String) -> TargetSubject {
        let parts = path.split(separator: "/").map(String.init)
        return .workload(WorkloadReference(kind: .deployment, namespace: parts[0], name: parts[1]))
    }

    static func listing(_ path: String) -> ProgressEvent {
        ProgressEvent(
            subject: workload(path),
            progress: TargetProgress(
                message: "Waiting for the initial list of ReplicaSets, pods and Warning events in namespace shop"
            ),
            verdict: nil
        )
    }

    static func waiting(
        _ path: String,
        ready: Int,
        updated: Int,
        desired: Int,
        blockers: [RolloutBlocker] = []
    ) -> ProgressEvent {
        ProgressEvent(
            subject: workload(path),
            progress: TargetProgress(
                replicas: ObservedReplicas(
                    desired: desired,
                    current: desired,
                    updated: updated,
                    ready: ready,
                    available: ready
                ),
                revision: "2",
                message:
                    "Waiting for deployment \"\(path.split(separator: "/")[1])\" rollout to finish: \(ready) of \(desired) updated replicas are available...",
                blockers: blockers
            ),
            verdict: nil
        )
    }

    static func succeeded(_ path: String, replicas: Int) -> ProgressEvent {
        ProgressEvent(
            subject: workload(path),
            progress: TargetProgress(
                replicas: ObservedReplicas(
                    desired: replicas,
                    current: replicas,
                    updated: replicas,
                    ready: replicas,
                    available: replicas
                ),
                revision: "2",
                message: "deployment \"\(path.split(separator: "/")[1])\" successfully rolled out"
            ),
            verdict: .succeeded
        )
    }

    static func failed(_ path: String, message: String) -> ProgressEvent {
        ProgressEvent(
            subject: workload(path),
            progress: TargetProgress(message: message),
            verdict: .failed(
                TargetFailure(
                    code: .processCrashing,
                    reason: "CrashLoopBackOff",
                    message: message,
                    rule: "container.crash-loop"
                )
            )
        )
    }

    static func cancelled(_ path: String, ready: Int, desired: Int) -> ProgressEvent {
        var event = waiting(path, ready: ready, updated: desired, desired: desired)
        event.verdict = .cancelled
        return event
    }

    static func crashing(_ pod: String, _ reason: String, restarts: Int, elapsed: Int? = nil) -> RolloutBlocker {
        RolloutBlocker(
            pod: pod,
            container: "app",
            reason: reason,
            elapsed: elapsed.map { .seconds($0) },
            detail: "restarted \(restarts) of at most 2 times",
            restartCount: restarts
        )
    }

    static func creating(_ pod: String, elapsed: Int) -> RolloutBlocker {
        RolloutBlocker(
            pod: pod,
            container: "app",
            reason: "ContainerCreating",
            elapsed: .seconds(elapsed),
            detail: "FailedMount secret \"tls\" not found",
            restartCount: 0
        )
    }
}

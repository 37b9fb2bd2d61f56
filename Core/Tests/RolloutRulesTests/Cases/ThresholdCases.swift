import KubeModel
import RolloutRules

/// Each threshold just below, exactly at, and just above its limit; and its off switch.
extension RuleCase {
    static func crashing(restarts: Int, last: String = "Error", exitCode: Int = 1) -> ContainerStatus {
        Build.waiting(
            "CrashLoopBackOff",
            "back-off restarting failed container",
            restarts: restarts,
            last: Build.exit(exitCode, last)
        )
    }

    /// A pod that has been unschedulable since `since`.
    static func unschedulable(since: String) -> RolloutObservation {
        Build.rollout(
            phase: .pending,
            scheduled: nil,
            conditions: [
                Condition(
                    type: "PodScheduled",
                    status: .isFalse,
                    reason: "Unschedulable",
                    message: "0/3 nodes are available: 3 Insufficient cpu.",
                    lastTransitionTime: Build.time(since)
                )
            ]
        )
    }

    /// A pod scheduled at `scheduled`, stuck in ContainerCreating with a FailedMount event.
    static func mountFailing(
        scheduled: String,
        message: String = #"MountVolume.SetUp failed for volume "config" : configmap "web-config" not found"#
    )
        -> RolloutObservation
    {
        Build.rollout(phase: .pending, scheduled: scheduled, containers: [Build.waiting("ContainerCreating")]) { pod in
            [Build.event(about: pod, "FailedMount", message, first: scheduled, last: scheduled)]
        }
    }

    static let thresholds: [RuleCase] = [
        // --max-restarts (default 2): fails when restartCount > 2.
        containerCase(
            "restarts 1, below --max-restarts 2: progress",
            crashing(restarts: 1),
            init: false,
            expect: .progressing(.deploymentReplicasPending)
        ),
        containerCase(
            "restarts 2, at --max-restarts 2: progress",
            crashing(restarts: 2),
            init: false,
            expect: .progressing(.deploymentReplicasPending)
        ),
        containerCase(
            "restarts 3, above --max-restarts 2: process-crashing",
            crashing(restarts: 3),
            init: false,
            expect: .failed(.processCrashing, reason: "CrashLoopBackOff", rule: .containerCrashLoop)
        ),
        containerCase(
            "OOMKilled with restarts 2, at --max-restarts 2: progress",
            crashing(restarts: 2, last: "OOMKilled", exitCode: 137),
            init: false,
            expect: .progressing(.deploymentReplicasPending)
        ),
        containerCase(
            "--max-restarts 0: the first restart fails",
            crashing(restarts: 1),
            init: false,
            thresholds: RolloutThresholds(maxRestarts: 0),
            expect: .failed(.processCrashing, reason: "CrashLoopBackOff", rule: .containerCrashLoop)
        ),
        containerCase(
            "no restart limit (-retry-limit -1): 40 restarts are progress",
            crashing(restarts: 40),
            init: false,
            thresholds: RolloutThresholds(maxRestarts: nil),
            expect: .progressing(.deploymentReplicasPending)
        ),

        // --pending-deadline (default 180 s), from PodScheduled=False's lastTransitionTime.
        RuleCase(
            "unschedulable for 179s, below --pending-deadline 180s: progress",
            now: "10:02:59",
            expect: .progressing(
                .deploymentReplicasPending,
                waitingFor:
                    #"Waiting for deployment "web" rollout to finish: 0 of 1 updated replicas are available...; "#
                    + "pod web-7c9d8f6b5-x1: Unschedulable for 2m59s: 0/3 nodes are available: 3 Insufficient cpu."
            )
        ) { unschedulable(since: "10:00:00") },
        RuleCase(
            "unschedulable for 180s, at --pending-deadline 180s: progress",
            now: "10:03:00",
            expect: .progressing(.deploymentReplicasPending)
        ) { unschedulable(since: "10:00:00") },
        RuleCase(
            "unschedulable for 181s, above --pending-deadline 180s: scheduling",
            now: "10:03:01",
            expect: .failed(
                .scheduling,
                reason: "Unschedulable",
                rule: .podUnschedulable,
                message:
                    "pod web-7c9d8f6b5-x1 is unschedulable (Unschedulable) for 3m1s, longer than --pending-deadline "
                    + "3m0s: 0/3 nodes are available: 3 Insufficient cpu."
            )
        ) { unschedulable(since: "10:00:00") },
        RuleCase(
            "pending deadline disabled: unschedulable for an hour is progress",
            now: "11:00:00",
            thresholds: RolloutThresholds(pendingDeadline: nil),
            expect: .progressing(.deploymentReplicasPending)
        ) { unschedulable(since: "10:00:00") },
        RuleCase(
            "scheduled but slow to start is never a scheduling failure",
            now: "10:30:00",
            expect: .progressing(.deploymentReplicasPending)
        ) { Build.rollout(phase: .pending, scheduled: "10:00:00", containers: [Build.waiting("ContainerCreating")]) },

        // --image-pull-grace, from when the pod was scheduled.
        containerCase(
            "image pull failing for 29s, below --image-pull-grace 30s: progress",
            Build.waiting("ErrImagePull", "rpc error: code = Unknown desc = 429 Too Many Requests"),
            init: false,
            thresholds: RolloutThresholds(imagePullGrace: .seconds(30)),
            now: "10:00:29",
            expect: .progressing(.deploymentReplicasPending)
        ),
        containerCase(
            "image pull failing for 30s, at --image-pull-grace 30s: progress",
            Build.waiting("ErrImagePull", "rpc error: code = Unknown desc = 429 Too Many Requests"),
            init: false,
            thresholds: RolloutThresholds(imagePullGrace: .seconds(30)),
            now: "10:00:30",
            expect: .progressing(.deploymentReplicasPending)
        ),
        containerCase(
            "image pull failing for 31s, above --image-pull-grace 30s: invalid-config",
            Build.waiting("ErrImagePull", "rpc error: code = Unknown desc = 429 Too Many Requests"),
            init: false,
            thresholds: RolloutThresholds(imagePullGrace: .seconds(30)),
            now: "10:00:31",
            expect: .failed(.invalidConfig, reason: "ErrImagePull", rule: .containerImagePull)
        ),
        containerCase(
            "InvalidImageName ignores --image-pull-grace",
            Build.waiting("InvalidImageName", "couldn't parse image name"),
            init: false,
            thresholds: RolloutThresholds(imagePullGrace: .seconds(300)),
            now: "10:00:01",
            expect: .failed(.invalidConfig, reason: "InvalidImageName", rule: .containerImageInvalid)
        ),
        RuleCase(
            "image pull grace of a main container runs from the end of initialisation",
            thresholds: RolloutThresholds(imagePullGrace: .seconds(30)),
            expect: .progressing(.deploymentReplicasPending)
        ) {
            Build.rollout(
                deployment: Build.deployment(initImage: "registry.example.com/web-migrate:2.1.0"),
                phase: .pending,
                initialized: "10:04:40",
                containers: [Build.waiting("ImagePullBackOff")],
                initContainers: [
                    ContainerStatus(
                        name: "migrate",
                        state: .terminated(.init(exitCode: 0, reason: "Completed")),
                    )
                ]
            )
        },

        // --mount-grace (default 60 s), from when the pod was scheduled.
        RuleCase(
            "volume mount failing for 59s, below --mount-grace 60s: progress",
            now: "10:00:59",
            expect: .progressing(
                .deploymentReplicasPending,
                waitingFor:
                    #"Waiting for deployment "web" rollout to finish: 0 of 1 updated replicas are available...; "#
                    + #"pod web-7c9d8f6b5-x1: container main ContainerCreating for 59s: FailedMount configmap "web-config" not found"#
            )
        ) { mountFailing(scheduled: "10:00:00") },
        RuleCase(
            "volume mount failing for 60s, at --mount-grace 60s: progress",
            now: "10:01:00",
            expect: .progressing(.deploymentReplicasPending)
        ) { mountFailing(scheduled: "10:00:00") },
        RuleCase(
            "volume mount failing for 61s, above --mount-grace 60s: invalid-config",
            now: "10:01:01",
            expect: .failed(.invalidConfig, reason: "FailedMount", rule: .podVolumeMount)
        ) { mountFailing(scheduled: "10:00:00") },
        RuleCase(
            "FailedAttachVolume past --mount-grace",
            now: "10:03:00",
            expect: .failed(.invalidConfig, reason: "FailedAttachVolume", rule: .podVolumeMount)
        ) {
            Build.rollout(phase: .pending, scheduled: "10:00:00", containers: [Build.waiting("ContainerCreating")]) {
                pod in
                [
                    Build.event(
                        about: pod,
                        "FailedAttachVolume",
                        #"Multi-Attach error for volume "pvc-3f2e" Volume is already used by pod(s) web-5f6d7c8b9-m4rbd"#,
                        last: "10:02:30"
                    )
                ]
            }
        },
        RuleCase(
            "an old FailedMount followed by an image pull is not a mount failure",
            now: "10:03:00",
            expect: .progressing(
                .deploymentReplicasPending,
                waitingFor:
                    #"Waiting for deployment "web" rollout to finish: 0 of 1 updated replicas are available...; "#
                    + "pod web-7c9d8f6b5-x1: container main ContainerCreating for 3m0s"
            )
        ) {
            Build.rollout(phase: .pending, scheduled: "10:00:00", containers: [Build.waiting("ContainerCreating")]) {
                pod in
                var pulling = Build.event(
                    about: pod,
                    "Pulling",
                    #"Pulling image "registry.example.com/web:2.1.0""#,
                    first: "10:01:40",
                    last: "10:01:40"
                )
                pulling.type = "Normal"
                return [
                    Build.event(
                        about: pod,
                        "FailedAttachVolume",
                        #"AttachVolume.Attach failed for volume "pvc-3f2e" : rpc error: code = Internal desc = timeout"#,
                        last: "10:01:10"
                    ),
                    pulling,
                ]
            }
        },
        RuleCase(
            "--mount-grace 0: a failed mount fails at once",
            now: "10:00:05",
            thresholds: RolloutThresholds(mountGrace: .zero),
            expect: .failed(.invalidConfig, reason: "FailedMount", rule: .podVolumeMount)
        ) { mountFailing(scheduled: "10:00:00") },
    ]
}

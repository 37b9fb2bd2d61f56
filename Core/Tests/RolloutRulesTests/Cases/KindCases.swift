import KubeModel
import RolloutRules

/// StatefulSets, DaemonSets and Jobs.
extension RuleCase {
    static let statefulSets: [RuleCase] = [
        RuleCase(
            "statefulset partitioned rollout complete; the old-revision pod below the partition is not judged",
            expect: .succeeded(
                .statefulSetComplete,
                message: "partitioned roll out complete: 2 new pods have been updated..."
            )
        ) { try Fixture.observation("statefulset-partitioned") },
        RuleCase(
            "statefulset pod of the update revision crashing past --max-restarts",
            expect: .failed(
                .processCrashing,
                reason: "Error",
                rule: .containerCrashLoop,
                pod: "queue-1",
                container: "broker"
            )
        ) { try Fixture.observation("statefulset-crashloop") },
        RuleCase(
            "statefulset with the OnDelete strategy is unsupported, never a success",
            expect: .failed(
                .notSupportedStrategy,
                reason: "OnDelete",
                rule: .statefulSetUnsupportedStrategy,
                message:
                    #"statefulset "legacy-db" uses the OnDelete update strategy: its pods change only when deleted, "#
                    + "so there is no rollout to wait for (only RollingUpdate is supported)"
            )
        ) { try Fixture.observation("statefulset-ondelete") },
        RuleCase(
            "statefulset spec update not yet observed",
            expect: .progressing(
                .generationNotObserved,
                message: "Waiting for statefulset spec update to be observed..."
            )
        ) { RolloutObservation(workload: .statefulSet(Build.statefulSet(generation: 3, observed: 2))) },
        RuleCase(
            "statefulset never observed (observedGeneration 0)",
            expect: .progressing(.generationNotObserved)
        ) { RolloutObservation(workload: .statefulSet(Build.statefulSet(generation: 0, observed: 0))) },
        RuleCase(
            "statefulset waiting for pods to be ready",
            expect: .progressing(.statefulSetReplicasPending, message: "Waiting for 1 pods to be ready...")
        ) { RolloutObservation(workload: .statefulSet(Build.statefulSet(ready: 2))) },
        RuleCase(
            "statefulset partitioned rollout not finished",
            expect: .progressing(
                .statefulSetReplicasPending,
                message: "Waiting for partitioned roll out to finish: 1 out of 2 new pods have been updated..."
            )
        ) {
            RolloutObservation(
                workload: .statefulSet(
                    Build.statefulSet(
                        strategy: .init(type: .rollingUpdate, rollingUpdate: .init(partition: 1)),
                        current: 2,
                        updated: 1,
                        currentRevision: "db-5b8c7d9f6"
                    )
                )
            )
        },
        RuleCase(
            "statefulset rolling update without rollingUpdate settings, revisions differ",
            expect: .progressing(
                .statefulSetReplicasPending,
                message: "waiting for statefulset rolling update to complete 2 pods at revision db-7f6e5d4c3..."
            )
        ) {
            RolloutObservation(
                workload: .statefulSet(
                    Build.statefulSet(
                        strategy: .init(type: .rollingUpdate),
                        current: 1,
                        updated: 2,
                        currentRevision: "db-5b8c7d9f6"
                    )
                )
            )
        },
        RuleCase(
            "statefulset rolling update without rollingUpdate settings, complete",
            expect: .succeeded(
                .statefulSetComplete,
                message: "statefulset rolling update complete 3 pods at revision db-7f6e5d4c3..."
            )
        ) { RolloutObservation(workload: .statefulSet(Build.statefulSet(strategy: nil))) },
        RuleCase(
            "statefulset scaled to zero",
            expect: .succeeded(.statefulSetComplete)
        ) {
            RolloutObservation(workload: .statefulSet(Build.statefulSet(replicas: 0, ready: 0, current: 0, updated: 0)))
        },
        RuleCase(
            "statefulset pod of the update revision unschedulable past --pending-deadline",
            expect: .failed(.scheduling, reason: "Unschedulable", rule: .podUnschedulable, pod: "db-2")
        ) {
            RolloutObservation(
                workload: .statefulSet(Build.statefulSet(ready: 2, updated: 1)),
                pods: [
                    Build.statefulSetPod(
                        2,
                        revision: "db-7f6e5d4c3",
                        phase: .pending,
                        containers: [],
                        conditions: [
                            Condition(
                                type: "PodScheduled",
                                status: .isFalse,
                                reason: "Unschedulable",
                                message: "0/3 nodes are available: pod has unbound immediate PersistentVolumeClaims.",
                                lastTransitionTime: Build.time("10:00:10")
                            )
                        ]
                    )
                ]
            )
        },
        RuleCase(
            "statefulset being deleted",
            expect: .failed(.notFound, reason: "Terminating", rule: .workloadDeleting)
        ) { RolloutObservation(workload: .statefulSet(Build.statefulSet(deleting: true))) },
    ]

    static let daemonSets: [RuleCase] = [
        RuleCase(
            "daemonset rolling update in progress; a crashing pod of the old template is not judged",
            expect: .progressing(
                .daemonSetPodsPending,
                message:
                    #"Waiting for daemon set "log-agent" rollout to finish: 2 out of 3 new pods have been updated..."#
            )
        ) { try Fixture.observation("daemonset-rolling") },
        RuleCase(
            "daemonset with the OnDelete strategy is unsupported",
            expect: .failed(.notSupportedStrategy, reason: "OnDelete", rule: .daemonSetUnsupportedStrategy)
        ) { RolloutObservation(workload: .daemonSet(Build.daemonSet(strategy: .onDelete))) },
        RuleCase(
            "daemonset spec update not yet observed",
            expect: .progressing(
                .generationNotObserved,
                message: "Waiting for daemon set spec update to be observed..."
            )
        ) { RolloutObservation(workload: .daemonSet(Build.daemonSet(generation: 6, observed: 5))) },
        RuleCase(
            "daemonset updated pods not yet available",
            expect: .progressing(
                .daemonSetPodsPending,
                message: #"Waiting for daemon set "log-agent" rollout to finish: 2 of 3 updated pods are available..."#
            )
        ) { RolloutObservation(workload: .daemonSet(Build.daemonSet(available: 2))) },
        RuleCase(
            "daemonset complete",
            expect: .succeeded(.daemonSetComplete, message: #"daemon set "log-agent" successfully rolled out"#)
        ) { RolloutObservation(workload: .daemonSet(Build.daemonSet())) },
        RuleCase(
            "daemonset pod of the current template in ImagePullBackOff",
            expect: .failed(.invalidConfig, reason: "ImagePullBackOff", rule: .containerImagePull, pod: "log-agent-c")
        ) {
            RolloutObservation(
                workload: .daemonSet(Build.daemonSet(updated: 3, available: 2)),
                pods: [
                    Build.daemonSetPod(
                        "c",
                        templateGeneration: "5",
                        containers: [Build.waiting("ImagePullBackOff", name: "agent")]
                    )
                ]
            )
        },
        RuleCase(
            "daemonset without a template-generation annotation judges all its pods",
            expect: .failed(.processCrashing, reason: "CrashLoopBackOff", rule: .containerCrashLoop, pod: "log-agent-a")
        ) {
            RolloutObservation(
                workload: .daemonSet(Build.daemonSet(templateGeneration: nil, updated: 2)),
                pods: [
                    Build.daemonSetPod(
                        "a",
                        templateGeneration: "4",
                        containers: [Build.waiting("CrashLoopBackOff", restarts: 3, name: "agent")]
                    )
                ]
            )
        },
    ]

    static let jobs: [RuleCase] = [
        RuleCase(
            "job failed with BackoffLimitExceeded names the last failed pod",
            expect: .failed(
                .processCrashing,
                reason: "BackoffLimitExceeded",
                rule: .jobFailed,
                pod: "db-migrate-z5w8c",
                container: "migrate",
                message:
                    #"job "db-migrate" failed (BackoffLimitExceeded): Job has reached the specified backoff limit; "#
                    + "last failed pod db-migrate-z5w8c: container migrate exit code 2 (Error)"
            )
        ) { try Fixture.observation("job-backoff-limit") },
        RuleCase(
            "job pod failures below backoffLimit are progress",
            expect: .progressing(
                .jobRunning,
                message: #"Waiting for job "reindex" to complete: 1 of 4 completions succeeded, 2 active, 1 failed "#
                    + "(backoffLimit 6)..."
            )
        ) { try Fixture.observation("job-running") },
        RuleCase(
            "job complete",
            expect: .succeeded(.jobComplete, message: #"job "seed" completed: 1 of 1 completions succeeded"#)
        ) { try Fixture.observation("job-complete") },
        RuleCase(
            "job failed with DeadlineExceeded",
            expect: .failed(.notProgressing, reason: "DeadlineExceeded", rule: .jobFailed)
        ) {
            RolloutObservation(
                workload: .job(
                    Build.job(
                        conditions: [
                            Condition(
                                type: "Failed",
                                status: .isTrue,
                                reason: "DeadlineExceeded",
                                message: "Job was active longer than specified deadline"
                            )
                        ],
                        active: 0
                    )
                )
            )
        },
        RuleCase(
            "job failed after its pod was OOMKilled",
            expect: .failed(
                .resourceLimitsExceeded,
                reason: "BackoffLimitExceeded",
                rule: .jobFailed,
                pod: "db-migrate-b"
            )
        ) {
            RolloutObservation(
                workload: .job(
                    Build.job(
                        conditions: [Condition(type: "Failed", status: .isTrue, reason: "BackoffLimitExceeded")],
                        active: 0,
                        failed: 3
                    )
                ),
                pods: [
                    Build.jobPod(
                        "a",
                        phase: .failed,
                        containers: [Build.failedJobContainer(1, "Error", finished: "10:01:00")]
                    ),
                    Build.jobPod(
                        "b",
                        phase: .failed,
                        containers: [Build.failedJobContainer(137, "OOMKilled", finished: "10:03:00")]
                    ),
                ]
            )
        },
        RuleCase(
            "job with FailureTarget set before Failed has already failed",
            expect: .failed(.processCrashing, reason: "PodFailurePolicy", rule: .jobFailed)
        ) {
            RolloutObservation(
                workload: .job(
                    Build.job(
                        conditions: [
                            Condition(
                                type: "FailureTarget",
                                status: .isTrue,
                                reason: "PodFailurePolicy",
                                message:
                                    "Container migrate for pod shop/db-migrate-a failed with exit code 42 matching FailJob rule at index 0"
                            )
                        ]
                    )
                )
            )
        },
        RuleCase(
            "suspended job",
            expect: .failed(.notProgressing, reason: "JobSuspended", rule: .jobSuspended)
        ) { RolloutObservation(workload: .job(Build.job(suspend: true, active: 0))) },
        RuleCase(
            "suspended job is waited for with --allow-paused",
            thresholds: RolloutThresholds(allowPaused: true),
            expect: .progressing(.jobRunning)
        ) { RolloutObservation(workload: .job(Build.job(suspend: true, active: 0))) },
        RuleCase(
            "job pod in ErrImagePull fails at once",
            expect: .failed(.invalidConfig, reason: "ErrImagePull", rule: .containerImagePull, pod: "db-migrate-a")
        ) {
            RolloutObservation(
                workload: .job(Build.job()),
                pods: [
                    Build.jobPod("a", phase: .pending, containers: [Build.waiting("ErrImagePull", name: "migrate")])
                ]
            )
        },
        RuleCase(
            "job pod unschedulable past --pending-deadline",
            expect: .failed(.scheduling, reason: "Unschedulable", rule: .podUnschedulable, pod: "db-migrate-a")
        ) {
            RolloutObservation(
                workload: .job(Build.job()),
                pods: [
                    Build.jobPod(
                        "a",
                        phase: .pending,
                        scheduled: nil,
                        containers: [],
                        conditions: [
                            Condition(
                                type: "PodScheduled",
                                status: .isFalse,
                                reason: "Unschedulable",
                                lastTransitionTime: Build.time("10:00:00")
                            )
                        ]
                    )
                ]
            )
        },
        RuleCase(
            "job being deleted",
            expect: .failed(.notFound, reason: "Terminating", rule: .workloadDeleting)
        ) { RolloutObservation(workload: .job(Build.job(deleting: true))) },
    ]
}

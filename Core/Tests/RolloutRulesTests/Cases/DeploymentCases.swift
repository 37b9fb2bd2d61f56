import KubeModel
import RolloutRules

/// Deployments: the chain from generation to kubectl's rule, mostly on the JSON fixtures.
extension RuleCase {
    static let deployments: [RuleCase] = [
        RuleCase(
            "deployment complete: kubectl's rule holds",
            expect: .succeeded(.deploymentComplete, message: #"deployment "web" successfully rolled out"#)
        ) { try Fixture.observation("deployment-complete") },
        RuleCase(
            "deployment complete, old pod still terminating, with --require-old-pods-gone",
            thresholds: RolloutThresholds(requireOldPodsGone: true),
            expect: .progressing(
                .deploymentOldPodsRemaining,
                waitingFor: #"Waiting for deployment "web" rollout to finish: 1 pod of old ReplicaSets remains...; "#
                    + "pod web-5f6d7c8b9-m4rbd: Terminating"
            )
        ) { try Fixture.observation("deployment-complete") },
        RuleCase(
            "generation race right after apply: the finished old rollout does not pass",
            expect: .progressing(
                .generationNotObserved,
                message: "Waiting for deployment spec update to be observed..."
            )
        ) { try Fixture.observation("deployment-after-apply") },
        RuleCase(
            "brand-new deployment without status or revision annotation waits",
            expect: .progressing(.generationNotObserved)
        ) { try Fixture.observation("deployment-brand-new") },
        RuleCase(
            "stale old ReplicaSet in CrashLoopBackOff while the new one is healthy succeeds",
            expect: .succeeded(.deploymentComplete)
        ) { try Fixture.observation("deployment-old-replicaset-crashing") },
        RuleCase(
            "overlapping selectors: another Deployment's crashing ReplicaSet of the same revision is ignored",
            expect: .succeeded(.deploymentComplete)
        ) { try Fixture.observation("deployment-overlapping-selectors", workload: "web") },
        RuleCase(
            "overlapping selectors: the other Deployment fails on its own pods",
            expect: .failed(
                .processCrashing,
                reason: "CrashLoopBackOff",
                rule: .containerCrashLoop,
                pod: "web-canary-6d5c4b3a2-z9kq1",
                container: "main"
            )
        ) { try Fixture.observation("deployment-overlapping-selectors", workload: "web-canary") },
        RuleCase(
            "missing revision annotations: the new ReplicaSet is found by its template",
            expect: .failed(
                .invalidConfig,
                reason: "ImagePullBackOff",
                rule: .containerImagePull,
                pod: "web-8d9e7f6a5-qp2lx",
                container: "main",
                message: #"pod web-8d9e7f6a5-qp2lx: container main cannot pull image "registry.example.com/web:2.2.0" "#
                    + #"(ImagePullBackOff): Back-off pulling image "registry.example.com/web:2.2.0""#
            )
        ) { try Fixture.observation("deployment-no-revision-annotations") },
        RuleCase(
            "crash loop past --max-restarts",
            expect: .failed(
                .processCrashing,
                reason: "CrashLoopBackOff",
                rule: .containerCrashLoop,
                pod: "web-64f9b7d8c-h7v2n",
                container: "main",
                message: "pod web-64f9b7d8c-h7v2n: container main is crashing (CrashLoopBackOff): restarted 3 times, "
                    + "more than --max-restarts 2; last exit code 1 (Error)"
            )
        ) { try Fixture.observation("deployment-crashloop") },
        RuleCase(
            "crash loop at --max-restarts 3 is progress",
            thresholds: RolloutThresholds(maxRestarts: 3),
            expect: .progressing(
                .deploymentReplicasPending,
                waitingFor:
                    #"Waiting for deployment "web" rollout to finish: 1 out of 3 new replicas have been updated...; "#
                    + "pod web-64f9b7d8c-h7v2n: container main CrashLoopBackOff: restarted 3 of at most 3 times; "
                    + "last exit code 1 (Error)"
            )
        ) { try Fixture.observation("deployment-crashloop") },
        RuleCase(
            "OOMKilled in lastState behind CrashLoopBackOff",
            expect: .failed(
                .resourceLimitsExceeded,
                reason: "OOMKilled",
                rule: .containerOOMKilled,
                pod: "search-9b8a7c6d5-k2m4p",
                container: "search",
                message: "pod search-9b8a7c6d5-k2m4p: container search was OOMKilled and restarted 4 times, more than "
                    + "--max-restarts 2; last exit code 137 (OOMKilled)"
            )
        ) { try Fixture.observation("deployment-oomkilled") },
        RuleCase(
            "ImagePullBackOff fails at once by default",
            expect: .failed(
                .invalidConfig,
                reason: "ImagePullBackOff",
                rule: .containerImagePull,
                pod: "web-77d6c5b4a-t5w9z",
                container: "main",
                message:
                    #"pod web-77d6c5b4a-t5w9z: container main cannot pull image "registry.example.com/web:2.4.0-typo" "#
                    + #"(ImagePullBackOff): Back-off pulling image "registry.example.com/web:2.4.0-typo""#
            )
        ) { try Fixture.observation("deployment-image-pull-backoff") },
        RuleCase(
            "ImagePullBackOff within --image-pull-grace is progress",
            thresholds: RolloutThresholds(imagePullGrace: .seconds(600)),
            expect: .progressing(
                .deploymentReplicasPending,
                waitingFor:
                    #"Waiting for deployment "web" rollout to finish: 1 out of 2 new replicas have been updated...; "#
                    + "pod web-77d6c5b4a-t5w9z: container main ImagePullBackOff for 5m0s: "
                    + #"Back-off pulling image "registry.example.com/web:2.4.0-typo""#
            )
        ) { try Fixture.observation("deployment-image-pull-backoff") },
        RuleCase(
            "ImagePullBackOff past --image-pull-grace",
            thresholds: RolloutThresholds(imagePullGrace: .seconds(120)),
            expect: .failed(
                .invalidConfig,
                reason: "ImagePullBackOff",
                rule: .containerImagePull,
                message:
                    #"pod web-77d6c5b4a-t5w9z: container main cannot pull image "registry.example.com/web:2.4.0-typo" "#
                    + "(ImagePullBackOff) for 5m0s, longer than --image-pull-grace 2m0s: "
                    + #"Back-off pulling image "registry.example.com/web:2.4.0-typo""#
            )
        ) { try Fixture.observation("deployment-image-pull-backoff") },
        RuleCase(
            "missing Secret: CreateContainerConfigError",
            expect: .failed(
                .invalidConfig,
                reason: "CreateContainerConfigError",
                rule: .containerConfigError,
                pod: "billing-5d8c9b7a6-r8d3f",
                container: "billing",
                message: "pod billing-5d8c9b7a6-r8d3f: container billing cannot be configured "
                    + #"(CreateContainerConfigError): secret "billing-db-credentials" not found"#
            )
        ) { try Fixture.observation("deployment-missing-secret") },
        RuleCase(
            "missing Secret is waited for with --ignore-secret-not-found",
            thresholds: RolloutThresholds(ignoreSecretNotFound: true),
            expect: .progressing(
                .deploymentReplicasPending,
                waitingFor:
                    #"Waiting for deployment "billing" rollout to finish: 1 old replicas are pending termination...; "#
                    + #"pod billing-5d8c9b7a6-r8d3f: container billing CreateContainerConfigError: secret "billing-db-credentials" not found"#
            )
        ) { try Fixture.observation("deployment-missing-secret") },
        RuleCase(
            "ReplicaSet ReplicaFailure: quota exceeded",
            expect: .failed(
                .resourceLimitsExceeded,
                reason: "FailedCreate",
                rule: .replicaSetReplicaFailure,
                message: #"ReplicaSet web-6c7d8e9f0 cannot create pods (FailedCreate): pods "web-6c7d8e9f0-5gq2k" is "#
                    + "forbidden: exceeded quota: compute-quota, requested: limits.memory=2Gi, used: limits.memory=3Gi, "
                    + "limited: limits.memory=4Gi"
            )
        ) { try Fixture.observation("deployment-quota") },
        RuleCase(
            "unschedulable past --pending-deadline",
            expect: .failed(
                .scheduling,
                reason: "Unschedulable",
                rule: .podUnschedulable,
                pod: "ml-inference-7b6a5c4d3-wq6rt",
                message: "pod ml-inference-7b6a5c4d3-wq6rt is unschedulable (Unschedulable) for 4m59s, longer than "
                    + "--pending-deadline 3m0s: 0/3 nodes are available: 1 node(s) had untolerated taint "
                    + "{node-role.kubernetes.io/control-plane: }, 2 Insufficient nvidia.com/gpu. preemption: 0/3 nodes "
                    + "are available: 1 Preemption is not helpful for scheduling, 2 No preemption victims found for "
                    + "incoming pod."
            )
        ) { try Fixture.observation("deployment-unschedulable") },
        RuleCase(
            "unschedulable within --pending-deadline is progress",
            now: "10:02:00",
            expect: .progressing(.deploymentReplicasPending)
        ) { try Fixture.observation("deployment-unschedulable") },
        RuleCase(
            "FailedMount within --mount-grace: progress names the blocker",
            now: "10:00:40",
            expect: .progressing(
                .deploymentReplicasPending,
                waitingFor:
                    #"Waiting for deployment "web" rollout to finish: 1 old replicas are pending termination...; "#
                    + #"pod web-7f9c8b6d4-x5k8m: container main ContainerCreating for 40s: FailedMount secret "tls" not found"#
            )
        ) { try Fixture.observation("deployment-failed-mount") },
        RuleCase(
            "FailedMount past --mount-grace",
            now: "10:01:01",
            expect: .failed(
                .invalidConfig,
                reason: "FailedMount",
                rule: .podVolumeMount,
                pod: "web-7f9c8b6d4-x5k8m",
                message:
                    "pod web-7f9c8b6d4-x5k8m cannot mount its volumes (FailedMount): stuck in ContainerCreating for "
                    + "1m1s, longer than --mount-grace 1m0s: "
                    + #"MountVolume.SetUp failed for volume "tls" : secret "tls" not found"#
            )
        ) { try Fixture.observation("deployment-failed-mount") },
        RuleCase(
            "FailedMount of a missing Secret is waited for with --ignore-secret-not-found",
            thresholds: RolloutThresholds(ignoreSecretNotFound: true),
            expect: .progressing(.deploymentReplicasPending)
        ) { try Fixture.observation("deployment-failed-mount") },
        RuleCase(
            "progress deadline exceeded names what is missing and the last readiness failure",
            expect: .failed(
                .notProgressing,
                reason: "ProgressDeadlineExceeded",
                rule: .deploymentProgressingFalse,
                pod: "web-58b7c6d9e-zt4lq",
                container: "main",
                message: #"deployment "web" exceeded its progress deadline: 1 old replicas are pending termination, "#
                    + "1 of 3 updated replicas are available; last readiness probe failure: pod web-58b7c6d9e-zt4lq "
                    + #"container main 2m10s ago: Readiness probe failed: Get "http://10.244.3.12:8080/ready": "#
                    + "dial tcp 10.244.3.12:8080: connect: connection refused"
            )
        ) { try Fixture.observation("deployment-progress-deadline") },
        RuleCase(
            "paused deployment with its rollout unfinished",
            expect: .failed(
                .notProgressing,
                reason: "DeploymentPaused",
                rule: .deploymentPaused,
                message: #"deployment "web" is paused with its rollout unfinished: 0 out of 3 new replicas have been "#
                    + "updated (resume it with kubectl rollout resume deployment/web, or pass --allow-paused)"
            )
        ) { try Fixture.observation("deployment-paused") },
        RuleCase(
            "paused deployment is waited for with --allow-paused",
            thresholds: RolloutThresholds(allowPaused: true),
            expect: .progressing(
                .deploymentReplicasPending,
                message:
                    #"Waiting for deployment "web" rollout to finish: 0 out of 3 new replicas have been updated..."#
            )
        ) { try Fixture.observation("deployment-paused") },
        RuleCase(
            "scaled to zero succeeds once observed",
            expect: .succeeded(.deploymentComplete, message: #"deployment "batch-ui" successfully rolled out"#)
        ) { try Fixture.observation("deployment-scaled-to-zero") },
        RuleCase(
            "init container crash loop past --max-restarts",
            expect: .failed(
                .processCrashing,
                reason: "CrashLoopBackOff",
                rule: .containerCrashLoop,
                pod: "web-6a7b8c9d0-c3n5b",
                container: "migrate",
                initContainer: true,
                message: "pod web-6a7b8c9d0-c3n5b: init container migrate is crashing (CrashLoopBackOff): restarted 4 "
                    + "times, more than --max-restarts 2; last exit code 3 (Error)"
            )
        ) { try Fixture.observation("deployment-init-crashloop") },
        RuleCase(
            "evicted pod of the new ReplicaSet is a detail, not a failure",
            expect: .succeeded(.deploymentComplete)
        ) { try Fixture.observation("deployment-evicted") },

        // Built variations.
        RuleCase(
            "deployment being deleted",
            expect: .failed(.notFound, reason: "Terminating", rule: .workloadDeleting)
        ) { Build.rollout(deployment: Build.deployment(deleting: true), containers: [Build.running()]) },
        RuleCase(
            "Deployment ReplicaFailure condition (admission webhook)",
            expect: .failed(
                .resourceLimitsExceeded,
                reason: "FailedCreate",
                rule: .deploymentReplicaFailure,
                message: #"deployment "web" cannot create pods (FailedCreate): admission webhook "policy.example.com" "#
                    + "denied the request: containers must not run as root"
            )
        ) {
            Build.rollout(
                deployment: Build.deployment(
                    updated: 0,
                    conditions: [
                        Condition(
                            type: "ReplicaFailure",
                            status: .isTrue,
                            reason: "FailedCreate",
                            message:
                                #"admission webhook "policy.example.com" denied the request: containers must not run as root"#
                        )
                    ]
                )
            )
        },
        RuleCase(
            "Progressing=False with ReplicaSetCreateError",
            expect: .failed(
                .notProgressing,
                reason: "ReplicaSetCreateError",
                rule: .deploymentProgressingFalse,
                message: #"deployment "web" cannot create its new ReplicaSet (Failed to create new replica set "#
                    + #""web-7c9d8f6b5": replicasets.apps "web-7c9d8f6b5" is forbidden: exceeded quota: objects, "#
                    + "requested: count/replicasets.apps=1, used: count/replicasets.apps=50, limited: "
                    + "count/replicasets.apps=50): 0 out of 1 new replicas have been updated"
            )
        ) {
            var deployment = Build.deployment(updated: 0)
            deployment.status.conditions = [
                Condition(
                    type: "Progressing",
                    status: .isFalse,
                    reason: "ReplicaSetCreateError",
                    message: #"Failed to create new replica set "web-7c9d8f6b5": replicasets.apps "web-7c9d8f6b5" is "#
                        + "forbidden: exceeded quota: objects, requested: count/replicasets.apps=1, used: "
                        + "count/replicasets.apps=50, limited: count/replicasets.apps=50"
                )
            ]
            return RolloutObservation(workload: .deployment(deployment))
        },
        RuleCase(
            "kubectl: updated replicas below spec",
            expect: .progressing(
                .deploymentReplicasPending,
                message:
                    #"Waiting for deployment "web" rollout to finish: 1 out of 3 new replicas have been updated..."#
            )
        ) {
            Build.rollout(
                deployment: Build.deployment(replicas: 3, current: 3, updated: 1, ready: 2, available: 2),
                containers: [Build.running()]
            )
        },
        RuleCase(
            "kubectl: old replicas pending termination",
            expect: .progressing(
                .deploymentReplicasPending,
                message: #"Waiting for deployment "web" rollout to finish: 2 old replicas are pending termination..."#
            )
        ) {
            Build.rollout(
                deployment: Build.deployment(replicas: 3, current: 5, updated: 3, ready: 5, available: 5),
                containers: [Build.running()]
            )
        },
        RuleCase(
            "kubectl: updated replicas not yet available",
            expect: .progressing(
                .deploymentReplicasPending,
                waitingFor:
                    #"Waiting for deployment "web" rollout to finish: 0 of 1 updated replicas are available...; "#
                    + "pod web-7c9d8f6b5-x1: container main NotReady: Readiness probe failed: HTTP probe failed with "
                    + "statuscode: 503"
            )
        ) {
            Build.rollout(containers: [Build.running(ready: false)]) { pod in
                [
                    Build.event(
                        about: pod,
                        "Unhealthy",
                        "Readiness probe failed: HTTP probe failed with statuscode: 503",
                        last: "10:04:55",
                        container: "main"
                    )
                ]
            }
        },
        RuleCase(
            "paused deployment whose rollout is complete succeeds",
            expect: .succeeded(.deploymentComplete)
        ) {
            Build.rollout(
                deployment: Build.deployment(ready: 1, available: 1, paused: true),
                containers: [Build.running()]
            )
        },
        RuleCase(
            "terminating new pod in CrashLoopBackOff is not judged",
            expect: .progressing(.deploymentReplicasPending)
        ) {
            let deployment = Build.deployment()
            let replicaSet = Build.replicaSet(of: deployment)
            let pod = Build.pod(
                of: replicaSet,
                containers: [Build.waiting("CrashLoopBackOff", restarts: 9, last: Build.exit(1, "Error"))],
                deleting: true
            )
            return RolloutObservation(workload: .deployment(deployment), replicaSets: [replicaSet], pods: [pod])
        },
        RuleCase(
            "ReplicaSet of the same revision controlled by another Deployment UID is never the new one",
            expect: .progressing(.deploymentReplicasPending)
        ) {
            let deployment = Build.deployment()
            let foreign = Build.replicaSet(of: deployment, ownerUID: "00000000-dead-4bee-8f00-000000000000")
            let pod = Build.pod(
                of: foreign,
                containers: [Build.waiting("CrashLoopBackOff", restarts: 9, last: Build.exit(1, "Error"))]
            )
            return RolloutObservation(workload: .deployment(deployment), replicaSets: [foreign], pods: [pod])
        },
        RuleCase(
            "revision annotation on the Deployment but none on its ReplicaSets: template equality decides",
            expect: .failed(.invalidConfig, reason: "ErrImagePull", rule: .containerImagePull, pod: "web-8a8a8a8a8-x1")
        ) {
            let deployment = Build.deployment(revision: "3", image: "registry.example.com/web:3.0.0")
            let old = Build.replicaSet(
                of: deployment,
                hash: "5b5b5b5b5",
                revision: nil,
                image: Build.image,
                created: "09:00:00"
            )
            let new = Build.replicaSet(of: deployment, hash: "8a8a8a8a8", revision: nil)
            return RolloutObservation(
                workload: .deployment(deployment),
                replicaSets: [old, new],
                pods: [
                    Build.pod(
                        of: old,
                        containers: [Build.waiting("CrashLoopBackOff", restarts: 9, last: Build.exit(1, "Error"))]
                    ),
                    Build.pod(of: new, containers: [Build.waiting("ErrImagePull", "rpc error: code = NotFound")]),
                ]
            )
        },
        RuleCase(
            "orphan pod without owner reference is judged by its pod-template-hash",
            expect: .failed(
                .processCrashing,
                reason: "RunContainerError",
                rule: .containerCrashLoop,
                pod: "web-7c9d8f6b5-x1"
            )
        ) {
            let deployment = Build.deployment()
            let replicaSet = Build.replicaSet(of: deployment)
            var pod = Build.pod(of: replicaSet, containers: [Build.waiting("RunContainerError", restarts: 3)])
            pod.metadata.ownerReferences = nil
            return RolloutObservation(workload: .deployment(deployment), replicaSets: [replicaSet], pods: [pod])
        },
        RuleCase(
            "spec.replicas unset: kubectl skips the updated-replicas check",
            expect: .succeeded(.deploymentComplete)
        ) { RolloutObservation(workload: .deployment(Build.deployment(replicas: nil, updated: 0))) },
        RuleCase(
            "of two failing pods, the certain configuration error wins over the crash loop",
            expect: .failed(
                .invalidConfig,
                reason: "InvalidImageName",
                rule: .containerImageInvalid,
                pod: "web-7c9d8f6b5-b2"
            )
        ) {
            let deployment = Build.deployment(replicas: 2, updated: 2)
            let replicaSet = Build.replicaSet(of: deployment, replicas: 2)
            return RolloutObservation(
                workload: .deployment(deployment),
                replicaSets: [replicaSet],
                pods: [
                    Build.pod(of: replicaSet, "a1", containers: [Build.waiting("CrashLoopBackOff", restarts: 5)]),
                    Build.pod(
                        of: replicaSet,
                        "b2",
                        containers: [Build.waiting("InvalidImageName", "couldn't parse image name")]
                    ),
                ]
            )
        },
    ]
}

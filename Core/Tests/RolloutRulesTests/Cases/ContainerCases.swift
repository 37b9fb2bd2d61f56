import KubeModel
import RolloutRules

/// Every failure reason, in a main container and in an init container.
extension RuleCase {
    /// A Deployment mid-rollout whose one new pod has `status` as its main container or its init container.
    static func containerCase(
        _ name: String,
        _ status: ContainerStatus,
        init isInit: Bool,
        thresholds: RolloutThresholds = .default,
        now: String = "10:05:00",
        expect expected: Expected
    ) -> RuleCase {
        RuleCase(name, now: now, thresholds: thresholds, expect: expected) {
            if isInit {
                var initStatus = status
                initStatus.name = "migrate"
                return Build.rollout(
                    deployment: Build.deployment(initImage: "registry.example.com/web-migrate:2.1.0"),
                    phase: .pending,
                    containers: [Build.waiting("PodInitializing")],
                    initContainers: [initStatus]
                )
            }
            return Build.rollout(containers: [status])
        }
    }

    /// One case per place (main, init) for a reason that fails with `code`.
    static func inBothPlaces(
        _ reason: String,
        _ status: ContainerStatus,
        code: RolloutFailureCode,
        rule: RolloutRule,
        reportedReason: String? = nil
    ) -> [RuleCase] {
        [false, true].map { isInit in
            containerCase(
                "\(reason) in \(isInit ? "an init container" : "a container")",
                status,
                init: isInit,
                expect: .failed(
                    code,
                    reason: reportedReason ?? reason,
                    rule: rule,
                    pod: "web-7c9d8f6b5-x1",
                    container: isInit ? "migrate" : "main",
                    initContainer: isInit
                )
            )
        }
    }

    static let containers: [RuleCase] =
        inBothPlaces(
            "ErrImagePull",
            Build.waiting(
                "ErrImagePull",
                #"failed to pull and unpack image "registry.example.com/web:2.1.0": not found"#
            ),
            code: .invalidConfig,
            rule: .containerImagePull
        )
        + inBothPlaces(
            "ImagePullBackOff",
            Build.waiting("ImagePullBackOff", #"Back-off pulling image "registry.example.com/web:2.1.0""#),
            code: .invalidConfig,
            rule: .containerImagePull
        )
        + inBothPlaces(
            "InvalidImageName",
            Build.waiting(
                "InvalidImageName",
                #"Failed to apply default image tag "registry.example.com/Web:2": couldn't parse image name"#
            ),
            code: .invalidConfig,
            rule: .containerImageInvalid
        )
        + inBothPlaces(
            "ErrImageNeverPull",
            Build.waiting(
                "ErrImageNeverPull",
                #"Container image "web:local" is not present with pull policy of Never"#
            ),
            code: .invalidConfig,
            rule: .containerImageInvalid
        )
        + inBothPlaces(
            "CreateContainerConfigError",
            Build.waiting(
                "CreateContainerConfigError",
                #"couldn't find key DATABASE_URL in ConfigMap shop/web-config"#
            ),
            code: .invalidConfig,
            rule: .containerConfigError
        )
        + inBothPlaces(
            "CreateContainerError",
            Build.waiting(
                "CreateContainerError",
                #"Error: failed to create containerd task: exec: "/app/start": permission denied"#
            ),
            code: .invalidConfig,
            rule: .containerCreateError
        )
        + inBothPlaces(
            "CrashLoopBackOff",
            Build.waiting(
                "CrashLoopBackOff",
                "back-off 40s restarting failed container",
                restarts: 3,
                last: Build.exit(1, "Error")
            ),
            code: .processCrashing,
            rule: .containerCrashLoop
        )
        + inBothPlaces(
            "RunContainerError",
            Build.waiting("RunContainerError", "failed to start container: OCI runtime create failed", restarts: 3),
            code: .processCrashing,
            rule: .containerCrashLoop
        )
        + inBothPlaces(
            "PostStartHookError",
            Build.waiting(
                "PostStartHookError",
                "Exec lifecycle hook ([/bin/warm-up]) for Container failed",
                restarts: 3
            ),
            code: .processCrashing,
            rule: .containerCrashLoop
        )
        + inBothPlaces(
            "terminated Error",
            Build.terminated("Error", exitCode: 2, restarts: 3),
            code: .processCrashing,
            rule: .containerCrashLoop,
            reportedReason: "Error"
        )
        + inBothPlaces(
            "terminated StartError",
            Build.terminated("StartError", exitCode: 128, restarts: 3),
            code: .processCrashing,
            rule: .containerCrashLoop,
            reportedReason: "StartError"
        )
        + inBothPlaces(
            "terminated ContainerCannotRun",
            Build.terminated("ContainerCannotRun", exitCode: 128, restarts: 3),
            code: .processCrashing,
            rule: .containerCrashLoop,
            reportedReason: "ContainerCannotRun"
        )
        + inBothPlaces(
            "OOMKilled in state",
            Build.terminated("OOMKilled", exitCode: 137, restarts: 3),
            code: .resourceLimitsExceeded,
            rule: .containerOOMKilled,
            reportedReason: "OOMKilled"
        )
        + inBothPlaces(
            "OOMKilled in lastState",
            Build.waiting("CrashLoopBackOff", restarts: 3, last: Build.exit(137, "OOMKilled")),
            code: .resourceLimitsExceeded,
            rule: .containerOOMKilled,
            reportedReason: "OOMKilled"
        )
        + [
            containerCase(
                "CreateContainerConfigError while the kubelet's cache syncs is progress",
                Build.waiting(
                    "CreateContainerConfigError",
                    "failed to sync configmap cache: timed out waiting for the condition"
                ),
                init: false,
                expect: .progressing(.deploymentReplicasPending)
            ),
            containerCase(
                "CreateContainerError on a reserved container name is progress",
                Build.waiting(
                    "CreateContainerError",
                    #"failed to reserve container name "main_web-7c9d8f6b5-x1_shop_0": name is reserved for "8f1e""#
                ),
                init: false,
                expect: .progressing(.deploymentReplicasPending)
            ),
            containerCase(
                "running but not ready container is progress",
                Build.running(ready: false),
                init: false,
                expect: .progressing(
                    .deploymentReplicasPending,
                    waitingFor:
                        #"Waiting for deployment "web" rollout to finish: 0 of 1 updated replicas are available...; "#
                        + "pod web-7c9d8f6b5-x1: container main NotReady"
                )
            ),
            containerCase(
                "running container with restarts above the limit is not a failure while it runs",
                Build.running(ready: false, restarts: 7, last: Build.exit(137, "OOMKilled")),
                init: false,
                expect: .progressing(.deploymentReplicasPending)
            ),
            containerCase(
                "running init container is progress",
                Build.running(ready: false, since: "10:04:20"),
                init: true,
                expect: .progressing(
                    .deploymentReplicasPending,
                    waitingFor:
                        #"Waiting for deployment "web" rollout to finish: 0 of 1 updated replicas are available...; "#
                        + "pod web-7c9d8f6b5-x1: init container migrate Running for 40s"
                )
            ),
        ]
}

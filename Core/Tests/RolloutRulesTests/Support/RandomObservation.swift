import Foundation
import KubeModel
import RolloutRules

/// SplitMix64: a small seeded generator, so every run draws the same observations and a failure
/// reproduces from its seed.
struct SeededGenerator: RandomNumberGenerator {
    private var state: UInt64

    init(seed: UInt64) {
        state = seed
    }

    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}

/// Draws random, often inconsistent, observations: the rules must never crash on what an API server
/// (or a buggy controller) could send, and must never call success what kubectl would not.
struct RandomObservation {
    var random: SeededGenerator

    private mutating func pick<T>(_ options: [T]) -> T {
        options[Int.random(in: 0..<options.count, using: &random)]
    }

    private mutating func chance(_ probability: Double) -> Bool {
        Double.random(in: 0..<1, using: &random) < probability
    }

    private mutating func count(_ range: ClosedRange<Int>) -> Int {
        Int.random(in: range, using: &random)
    }

    mutating func clock() -> String {
        let seconds = count(0...900)
        return String(format: "10:%02d:%02d", seconds / 60, seconds % 60)
    }

    mutating func thresholds() -> RolloutThresholds {
        RolloutThresholds(
            maxRestarts: pick([nil, 0, 1, 2, 3]),
            pendingDeadline: pick([nil, .zero, .seconds(60), .seconds(180)]),
            imagePullGrace: pick([.zero, .seconds(30)]),
            mountGrace: pick([.zero, .seconds(60)]),
            ignoreSecretNotFound: chance(0.3),
            allowPaused: chance(0.3),
            requireOldPodsGone: chance(0.3)
        )
    }

    mutating func conditions(_ types: [String], reasons: [String]) -> [Condition] {
        types.compactMap { type in
            guard chance(0.5) else { return nil }
            return Condition(
                type: type,
                status: pick(ConditionStatus.allCases),
                reason: pick(reasons + [""]),
                message: pick([nil, "something happened"]),
                lastTransitionTime: chance(0.8) ? Build.time(clock()) : nil
            )
        }
    }

    mutating func terminated() -> ContainerState.Terminated {
        ContainerState.Terminated(
            exitCode: pick([0, 1, 2, 127, 128, 137, 139]),
            signal: pick([nil, 9, 11]),
            reason: pick([
                nil, "Error", "OOMKilled", "Completed", "StartError", "ContainerCannotRun", "ContainerStatusUnknown",
            ]),
            finishedAt: chance(0.7) ? Build.time(clock()) : nil
        )
    }

    mutating func state() -> ContainerState {
        switch count(0...3) {
        case 0: .unknown
        case 1: .running(.init(startedAt: chance(0.8) ? Build.time(clock()) : nil))
        case 2: .terminated(terminated())
        default:
            .waiting(
                .init(
                    reason: pick([
                        nil, "ContainerCreating", "PodInitializing", "CrashLoopBackOff", "ImagePullBackOff",
                        "ErrImagePull",
                        "InvalidImageName", "ErrImageNeverPull", "CreateContainerConfigError", "CreateContainerError",
                        "RunContainerError", "PostStartHookError", "RegistryUnavailable", "SomethingNew",
                    ]),
                    message: pick([
                        nil, #"secret "db" not found"#, "failed to sync configmap cache: timed out",
                        "failed to reserve container name", "back-off 40s restarting failed container",
                    ])
                )
            )
        }
    }

    mutating func containerStatuses(_ names: [String]) -> [ContainerStatus] {
        names.compactMap { name in
            guard chance(0.85) else { return nil }
            return ContainerStatus(
                name: name,
                ready: chance(0.5),
                started: pick([nil, true, false]),
                restartCount: count(0...6),
                state: state(),
                lastState: chance(0.4) ? .terminated(terminated()) : .unknown
            )
        }
    }

    /// A pod controlled by `owner`, unique by `name`.
    mutating func pod(name: String, owner: OwnerReference?, labels: [String: String]) -> Pod {
        let initNames = chance(0.3) ? ["migrate"] : []
        var podConditions = conditions(
            ["PodScheduled", "Initialized", "Ready", "DisruptionTarget"],
            reasons: ["Unschedulable", "SchedulingGated", "PreemptionByScheduler", "ContainersNotReady"]
        )
        if chance(0.1) { podConditions.append(contentsOf: podConditions) }
        return Pod(
            metadata: ObjectMeta(
                name: name,
                namespace: Build.namespace,
                uid: chance(0.95) ? "pod-\(name)" : nil,
                creationTimestamp: chance(0.9) ? Build.time(clock()) : nil,
                deletionTimestamp: chance(0.15) ? Build.time(clock()) : nil,
                labels: labels,
                ownerReferences: owner.map { [$0] }
            ),
            spec: PodSpec(
                containers: [Container(name: "main"), Container(name: "sidecar")],
                initContainers: initNames.map { Container(name: $0) },
                nodeName: pick([nil, "node-a"])
            ),
            status: PodStatus(
                phase: pick([nil, .pending, .running, .succeeded, .failed, .unknown]),
                reason: pick([nil, "Evicted", "Preempting", "NodeLost"]),
                conditions: podConditions,
                containerStatuses: containerStatuses(["main", "sidecar"]),
                initContainerStatuses: containerStatuses(initNames)
            )
        )
    }

    mutating func events(about pods: [Pod]) -> [Event] {
        pods.flatMap { pod -> [Event] in
            (0..<count(0...2)).map { index in
                Event(
                    metadata: ObjectMeta(name: "\(pod.metadata.name).\(index)", namespace: Build.namespace),
                    involvedObject: ObjectReference(
                        kind: "Pod",
                        namespace: Build.namespace,
                        name: pod.metadata.name,
                        uid: chance(0.8) ? pod.metadata.uid : nil,
                        fieldPath: pick([nil, "spec.containers{main}"])
                    ),
                    reason: pick(["FailedMount", "FailedAttachVolume", "Unhealthy", "BackOff", "FailedScheduling"]),
                    message: pick([
                        #"MountVolume.SetUp failed for volume "tls" : secret "tls" not found"#,
                        "Readiness probe failed: HTTP probe failed with statuscode: 503", "Back-off pulling image",
                    ]),
                    type: pick(["Warning", "Normal"]),
                    lastTimestamp: chance(0.8) ? Build.time(clock()) : nil,
                    eventTime: chance(0.3) ? Build.time(clock()) : nil
                )
            }
        }
    }

    mutating func deployment() -> RolloutObservation {
        let deployment = Build.deployment(
            generation: Int64(count(1...4)),
            observed: Int64(count(0...4)),
            revision: pick([nil, "1", "2", "3"]),
            replicas: pick([nil, 0, 1, 2, 3, 4]),
            current: count(0...5),
            updated: count(0...5),
            ready: count(0...5),
            available: count(0...5),
            conditions: conditions(
                ["Progressing", "Available", "ReplicaFailure"],
                reasons: [
                    "ProgressDeadlineExceeded", "ReplicaSetCreateError", "NewReplicaSetAvailable", "FailedCreate",
                ]
            ),
            paused: chance(0.2),
            deleting: chance(0.05),
            image: pick([Build.image, "registry.example.com/web:9.9.9"])
        )
        var replicaSets: [ReplicaSet] = []
        var pods: [Pod] = []
        for index in 0..<count(0...3) {
            let hash = "\(index)a\(index)b\(index)c\(index)d"
            let replicaSet = Build.replicaSet(
                of: deployment,
                hash: hash,
                revision: pick([nil, "1", "2", "3"]),
                image: pick([Build.image, "registry.example.com/web:9.9.9", "registry.example.com/web:0.1"]),
                conditions: conditions(["ReplicaFailure"], reasons: ["FailedCreate"]),
                created: clock(),
                ownerUID: chance(0.8) ? nil : "00000000-0000-4000-8000-00000000beef"
            )
            replicaSets.append(replicaSet)
            for podIndex in 0..<count(0...3) {
                let owner =
                    chance(0.9)
                    ? OwnerReference(
                        apiVersion: "apps/v1",
                        kind: "ReplicaSet",
                        name: replicaSet.metadata.name,
                        uid: replicaSet.metadata.uid ?? "",
                        controller: true
                    ) : nil
                pods.append(
                    pod(
                        name: "\(replicaSet.metadata.name)-p\(podIndex)",
                        owner: owner,
                        labels: replicaSet.spec.template.metadata.labels ?? [:]
                    )
                )
            }
        }
        return RolloutObservation(
            workload: .deployment(deployment),
            replicaSets: replicaSets,
            pods: pods,
            events: events(about: pods)
        )
    }

    mutating func statefulSet() -> RolloutObservation {
        let revisions = ["db-1111", "db-2222"]
        let statefulSet = Build.statefulSet(
            generation: Int64(count(0...3)),
            observed: Int64(count(0...3)),
            replicas: pick([nil, 0, 1, 3]),
            strategy: pick([
                nil, .init(type: .rollingUpdate),
                .init(type: .rollingUpdate, rollingUpdate: .init(partition: count(0...3))),
                .init(type: .rollingUpdate, rollingUpdate: .init()), .init(type: .onDelete), .init(type: nil),
            ]),
            ready: count(0...4),
            current: count(0...4),
            updated: count(0...4),
            currentRevision: pick(revisions),
            updateRevision: pick(revisions),
            deleting: chance(0.05)
        )
        let owner = OwnerReference(
            apiVersion: "apps/v1",
            kind: "StatefulSet",
            name: "db",
            uid: Build.statefulSetUID,
            controller: true
        )
        let pods = (0..<count(0...3)).map { index in
            pod(name: "db-\(index)", owner: owner, labels: [StatefulSet.controllerRevisionHashLabel: pick(revisions)])
        }
        return RolloutObservation(workload: .statefulSet(statefulSet), pods: pods, events: events(about: pods))
    }

    mutating func daemonSet() -> RolloutObservation {
        let daemonSet = Build.daemonSet(
            generation: Int64(count(1...3)),
            observed: Int64(count(0...3)),
            templateGeneration: pick([nil, "1", "2"]),
            strategy: pick([.rollingUpdate, .onDelete]),
            desired: count(0...4),
            updated: count(0...4),
            available: count(0...4)
        )
        let owner = OwnerReference(
            apiVersion: "apps/v1",
            kind: "DaemonSet",
            name: "log-agent",
            uid: Build.daemonSetUID,
            controller: true
        )
        let pods = (0..<count(0...3)).map { index in
            pod(
                name: "log-agent-\(index)",
                owner: owner,
                labels: [DaemonSet.podTemplateGenerationLabel: pick(["1", "2"])]
            )
        }
        return RolloutObservation(workload: .daemonSet(daemonSet), pods: pods, events: events(about: pods))
    }

    mutating func job() -> RolloutObservation {
        let job = Build.job(
            completions: pick([nil, 1, 3]),
            backoffLimit: pick([nil, 0, 2, 6]),
            suspend: chance(0.2),
            conditions: conditions(
                ["Complete", "Failed", "FailureTarget", "SuccessCriteriaMet", "Suspended"],
                reasons: ["BackoffLimitExceeded", "DeadlineExceeded", "PodFailurePolicy", "CompletionsReached"]
            ),
            active: count(0...3),
            succeeded: count(0...3),
            failed: count(0...3),
            deleting: chance(0.05)
        )
        let owner = OwnerReference(
            apiVersion: "batch/v1",
            kind: "Job",
            name: "db-migrate",
            uid: Build.jobUID,
            controller: true
        )
        let pods = (0..<count(0...3)).map { index in pod(name: "db-migrate-\(index)", owner: owner, labels: [:]) }
        return RolloutObservation(workload: .job(job), pods: pods, events: events(about: pods))
    }

    /// The same observation with its lists in another order: the verdict must not change.
    mutating func shuffled(_ observation: RolloutObservation) -> RolloutObservation {
        var copy = observation
        copy.replicaSets.shuffle(using: &random)
        copy.pods.shuffle(using: &random)
        copy.events.shuffle(using: &random)
        for index in copy.pods.indices { copy.pods[index].status.conditions.shuffle(using: &random) }
        return copy
    }
}

import Foundation
import KubeModel
import RolloutRules

extension Build {
    static let statefulSetUID = "3c4d5e6f-7a8b-4c9d-8e0f-1a2b3c4d5e6f"
    static let daemonSetUID = "7e8f9a0b-1c2d-4e3f-a4b5-c6d7e8f9a0b1"
    static let jobUID = "1f2e3d4c-5b6a-4798-8a7b-6c5d4e3f2a1b"

    static func statefulSet(
        generation: Int64 = 2,
        observed: Int64 = 2,
        replicas: Int? = 3,
        strategy: StatefulSetSpec.UpdateStrategy? = .init(type: .rollingUpdate, rollingUpdate: .init(partition: 0)),
        ready: Int = 3,
        current: Int = 3,
        updated: Int = 3,
        currentRevision: String = "db-7f6e5d4c3",
        updateRevision: String = "db-7f6e5d4c3",
        deleting: Bool = false
    ) -> StatefulSet {
        StatefulSet(
            metadata: ObjectMeta(
                name: "db",
                namespace: namespace,
                uid: statefulSetUID,
                generation: generation,
                deletionTimestamp: deleting ? time("10:04:00") : nil
            ),
            spec: StatefulSetSpec(
                replicas: replicas,
                selector: LabelSelectorSpec(matchLabels: ["app": "db"]),
                template: template(app: "db", image: "postgres:16.3", initImage: nil, hash: nil),
                updateStrategy: strategy,
                podManagementPolicy: "OrderedReady"
            ),
            status: StatefulSetStatus(
                observedGeneration: observed,
                replicas: replicas ?? 1,
                readyReplicas: ready,
                currentReplicas: current,
                updatedReplicas: updated,
                availableReplicas: ready,
                currentRevision: currentRevision,
                updateRevision: updateRevision
            )
        )
    }

    /// A pod of the StatefulSet `db`, ordinal `index`, at `revision`.
    static func statefulSetPod(
        _ index: Int,
        revision: String,
        phase: PodPhase = .running,
        containers: [ContainerStatus],
        conditions: [Condition] = []
    ) -> Pod {
        Pod(
            metadata: ObjectMeta(
                name: "db-\(index)",
                namespace: namespace,
                uid: "pod-db-\(index)",
                creationTimestamp: time("10:00:00"),
                labels: ["app": "db", StatefulSet.controllerRevisionHashLabel: revision],
                ownerReferences: [
                    OwnerReference(
                        apiVersion: "apps/v1",
                        kind: "StatefulSet",
                        name: "db",
                        uid: statefulSetUID,
                        controller: true
                    )
                ]
            ),
            spec: PodSpec(containers: [Container(name: "postgres", image: "postgres:16.3")], nodeName: "node-a"),
            status: PodStatus(phase: phase, conditions: conditions, containerStatuses: containers)
        )
    }

    static func daemonSet(
        generation: Int64 = 5,
        observed: Int64 = 5,
        templateGeneration: String? = "5",
        strategy: UpdateStrategyType = .rollingUpdate,
        desired: Int = 3,
        updated: Int = 3,
        available: Int = 3
    ) -> DaemonSet {
        DaemonSet(
            metadata: ObjectMeta(
                name: "log-agent",
                namespace: "observability",
                uid: daemonSetUID,
                generation: generation,
                annotations: templateGeneration.map { [DaemonSet.templateGenerationAnnotation: $0] }
            ),
            spec: DaemonSetSpec(
                selector: LabelSelectorSpec(matchLabels: ["app": "log-agent"]),
                template: template(app: "log-agent", image: "fluent/fluent-bit:3.0.5", initImage: nil, hash: nil),
                updateStrategy: .init(type: strategy)
            ),
            status: DaemonSetStatus(
                observedGeneration: observed,
                desiredNumberScheduled: desired,
                currentNumberScheduled: desired,
                numberReady: available,
                updatedNumberScheduled: updated,
                numberAvailable: available,
                numberUnavailable: desired - available
            )
        )
    }

    static func daemonSetPod(_ suffix: String, templateGeneration: String?, containers: [ContainerStatus]) -> Pod {
        var labels = ["app": "log-agent", StatefulSet.controllerRevisionHashLabel: "7a9e8d6c4"]
        labels[DaemonSet.podTemplateGenerationLabel] = templateGeneration
        return Pod(
            metadata: ObjectMeta(
                name: "log-agent-\(suffix)",
                namespace: "observability",
                uid: "pod-log-agent-\(suffix)",
                creationTimestamp: time("10:00:00"),
                labels: labels,
                ownerReferences: [
                    OwnerReference(
                        apiVersion: "apps/v1",
                        kind: "DaemonSet",
                        name: "log-agent",
                        uid: daemonSetUID,
                        controller: true
                    )
                ]
            ),
            spec: PodSpec(
                containers: [Container(name: "agent", image: "fluent/fluent-bit:3.0.5")],
                nodeName: "node-\(suffix)"
            ),
            status: PodStatus(
                phase: .running,
                conditions: [Condition(type: "PodScheduled", status: .isTrue, lastTransitionTime: time("10:00:00"))],
                containerStatuses: containers
            )
        )
    }

    static func job(
        completions: Int? = 1,
        backoffLimit: Int? = 2,
        suspend: Bool = false,
        conditions: [Condition] = [],
        active: Int = 1,
        succeeded: Int = 0,
        failed: Int = 0,
        deleting: Bool = false
    ) -> Job {
        Job(
            metadata: ObjectMeta(
                name: "db-migrate",
                namespace: namespace,
                uid: jobUID,
                generation: 1,
                deletionTimestamp: deleting ? time("10:04:00") : nil
            ),
            spec: JobSpec(
                parallelism: 1,
                completions: completions,
                backoffLimit: backoffLimit,
                template: PodTemplateSpec(
                    metadata: ObjectMeta(name: "", labels: ["job-name": "db-migrate"]),
                    spec: PodSpec(
                        containers: [Container(name: "migrate", image: "registry.example.com/migrate:7")],
                        restartPolicy: "Never"
                    )
                ),
                suspend: suspend
            ),
            status: JobStatus(
                conditions: conditions,
                startTime: time("10:00:00"),
                active: active,
                succeeded: succeeded,
                failed: failed
            )
        )
    }

    static func jobPod(
        _ suffix: String,
        phase: PodPhase,
        scheduled: String? = "10:00:00",
        containers: [ContainerStatus],
        conditions: [Condition] = []
    ) -> Pod {
        var allConditions = conditions
        if let scheduled {
            allConditions.append(Condition(type: "PodScheduled", status: .isTrue, lastTransitionTime: time(scheduled)))
        }
        return Pod(
            metadata: ObjectMeta(
                name: "db-migrate-\(suffix)",
                namespace: namespace,
                uid: "pod-db-migrate-\(suffix)",
                creationTimestamp: time("10:00:00"),
                labels: ["job-name": "db-migrate"],
                ownerReferences: [
                    OwnerReference(
                        apiVersion: "batch/v1",
                        kind: "Job",
                        name: "db-migrate",
                        uid: jobUID,
                        controller: true
                    )
                ]
            ),
            spec: PodSpec(
                containers: [Container(name: "migrate", image: "registry.example.com/migrate:7")],
                nodeName: scheduled == nil ? nil : "node-a",
                restartPolicy: "Never"
            ),
            status: PodStatus(phase: phase, conditions: allConditions, containerStatuses: containers)
        )
    }

    static func failedJobContainer(_ exitCode: Int, _ reason: String, finished: String) -> ContainerStatus {
        ContainerStatus(
            name: "migrate",
            state: .terminated(
                .init(exitCode: exitCode, reason: reason, startedAt: time("10:00:01"), finishedAt: time(finished))
            )
        )
    }
}

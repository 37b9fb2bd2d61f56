import Foundation
import KubeModel
import RolloutRules

/// Compact builders for variations of the fixtures: the objects have the fields and links a real API
/// server sets (UIDs, owner references, revision annotations, pod-template-hash labels, conditions with
/// transition times), only fewer of them.
enum Build {
    static let namespace = "shop"
    static let deploymentUID = "6b1e8a52-3c0d-4f7e-9a41-2d5c7e8f9a01"
    static let image = "registry.example.com/web:2.1.0"

    /// `10:02:30` on the fixtures' day, 2024-05-01, in UTC.
    static func time(_ clock: String) -> KubeTime {
        guard let time = KubeTime(rfc3339: "2024-05-01T\(clock)Z") else {
            preconditionFailure("bad clock time \(clock) in a test")
        }
        return time
    }

    static func deployment(
        name: String = "web",
        uid: String = deploymentUID,
        generation: Int64 = 2,
        observed: Int64 = 2,
        revision: String? = "2",
        replicas: Int? = 1,
        current: Int? = nil,
        updated: Int = 1,
        ready: Int = 0,
        available: Int = 0,
        conditions: [Condition] = [],
        paused: Bool = false,
        deleting: Bool = false,
        image: String = image,
        initImage: String? = nil
    ) -> Deployment {
        Deployment(
            metadata: ObjectMeta(
                name: name,
                namespace: namespace,
                uid: uid,
                generation: generation,
                creationTimestamp: time("09:00:00"),
                deletionTimestamp: deleting ? time("10:04:00") : nil,
                labels: ["app": name],
                annotations: revision.map { [Deployment.revisionAnnotation: $0] }
            ),
            spec: DeploymentSpec(
                replicas: replicas,
                selector: LabelSelectorSpec(matchLabels: ["app": name]),
                template: template(app: name, image: image, initImage: initImage, hash: nil),
                strategy: DeploymentStrategy(
                    type: .rollingUpdate,
                    rollingUpdate: .init(maxSurge: .string("25%"), maxUnavailable: .string("25%"))
                ),
                progressDeadlineSeconds: 600,
                paused: paused,
                revisionHistoryLimit: 10
            ),
            status: DeploymentStatus(
                observedGeneration: observed,
                replicas: current ?? updated,
                updatedReplicas: updated,
                readyReplicas: ready,
                availableReplicas: available,
                unavailableReplicas: max(0, (replicas ?? 1) - available),
                conditions: conditions
            )
        )
    }

    static func template(app: String, image: String, initImage: String?, hash: String?) -> PodTemplateSpec {
        var labels = ["app": app]
        if let hash { labels[ReplicaSet.podTemplateHashLabel] = hash }
        return PodTemplateSpec(
            metadata: ObjectMeta(name: "", labels: labels),
            spec: PodSpec(
                containers: [Container(name: "main", image: image)],
                initContainers: initImage.map { [Container(name: "migrate", image: $0)] } ?? []
            )
        )
    }

    static func replicaSet(
        of deployment: Deployment,
        hash: String = "7c9d8f6b5",
        revision: String? = "2",
        image: String? = nil,
        replicas: Int = 1,
        conditions: [Condition] = [],
        created: String = "10:00:00",
        ownerUID: String? = nil
    ) -> ReplicaSet {
        let app = deployment.metadata.name
        let image = image ?? deployment.spec.template.spec.containers.first?.image ?? Build.image
        return ReplicaSet(
            metadata: ObjectMeta(
                name: "\(app)-\(hash)",
                namespace: namespace,
                uid: "\(hash.prefix(8))-0001-4a2b-8c3d-\(String(repeating: "0", count: 12))",
                creationTimestamp: time(created),
                labels: ["app": app, ReplicaSet.podTemplateHashLabel: hash],
                annotations: revision.map { [Deployment.revisionAnnotation: $0] },
                ownerReferences: [
                    OwnerReference(
                        apiVersion: "apps/v1",
                        kind: "Deployment",
                        name: app,
                        uid: ownerUID ?? deployment.metadata.uid ?? "",
                        controller: true
                    )
                ]
            ),
            spec: ReplicaSetSpec(
                replicas: replicas,
                selector: LabelSelectorSpec(matchLabels: ["app": app, ReplicaSet.podTemplateHashLabel: hash]),
                template: template(
                    app: app,
                    image: image,
                    initImage: deployment.spec.template.spec.initContainers.first?.image,
                    hash: hash
                )
            ),
            status: ReplicaSetStatus(replicas: replicas, conditions: conditions)
        )
    }

    static func pod(
        of replicaSet: ReplicaSet,
        _ suffix: String = "x1",
        phase: PodPhase = .running,
        scheduled: String? = "10:00:00",
        initialized: String? = nil,
        containers: [ContainerStatus] = [],
        initContainers: [ContainerStatus] = [],
        conditions: [Condition] = [],
        deleting: Bool = false,
        reason: String? = nil,
        message: String? = nil,
        labels extraLabels: [String: String] = [:],
        owner: (kind: String, name: String, uid: String)? = nil
    ) -> Pod {
        var labels = replicaSet.spec.template.metadata.labels ?? [:]
        labels.merge(extraLabels) { $1 }
        let name = "\(replicaSet.metadata.name)-\(suffix)"
        let ownerReference = owner ?? ("ReplicaSet", replicaSet.metadata.name, replicaSet.metadata.uid ?? "")
        var allConditions = conditions
        if let scheduled {
            allConditions.append(Condition(type: "PodScheduled", status: .isTrue, lastTransitionTime: time(scheduled)))
        }
        if let initialized {
            allConditions.append(Condition(type: "Initialized", status: .isTrue, lastTransitionTime: time(initialized)))
        }
        return Pod(
            metadata: ObjectMeta(
                name: name,
                namespace: namespace,
                uid: "pod-\(name)",
                creationTimestamp: time("10:00:00"),
                deletionTimestamp: deleting ? time("10:04:30") : nil,
                labels: labels,
                ownerReferences: [
                    OwnerReference(
                        apiVersion: "apps/v1",
                        kind: ownerReference.kind,
                        name: ownerReference.name,
                        uid: ownerReference.uid,
                        controller: true
                    )
                ]
            ),
            spec: PodSpec(
                containers: replicaSet.spec.template.spec.containers,
                initContainers: replicaSet.spec.template.spec.initContainers,
                nodeName: scheduled == nil ? nil : "node-a",
                restartPolicy: "Always"
            ),
            status: PodStatus(
                phase: phase,
                reason: reason,
                message: message,
                conditions: allConditions,
                containerStatuses: containers,
                initContainerStatuses: initContainers
            )
        )
    }

    static func waiting(
        _ reason: String,
        _ message: String? = nil,
        restarts: Int = 0,
        last: ContainerState.Terminated? = nil,
        name: String = "main",
        image: String = image
    ) -> ContainerStatus {
        ContainerStatus(
            name: name,
            image: image,
            ready: false,
            started: false,
            restartCount: restarts,
            state: .waiting(.init(reason: reason, message: message)),
            lastState: last.map { .terminated($0) } ?? .unknown
        )
    }

    static func terminated(
        _ reason: String,
        exitCode: Int = 1,
        restarts: Int = 0,
        last: ContainerState.Terminated? = nil,
        name: String = "main"
    ) -> ContainerStatus {
        ContainerStatus(
            name: name,
            image: image,
            ready: false,
            started: false,
            restartCount: restarts,
            state: .terminated(
                .init(exitCode: exitCode, reason: reason, startedAt: time("10:04:50"), finishedAt: time("10:04:55"))
            ),
            lastState: last.map { .terminated($0) } ?? .unknown
        )
    }

    static func running(
        ready: Bool = true,
        restarts: Int = 0,
        last: ContainerState.Terminated? = nil,
        name: String = "main",
        since: String = "10:00:05"
    ) -> ContainerStatus {
        ContainerStatus(
            name: name,
            image: image,
            ready: ready,
            started: true,
            restartCount: restarts,
            state: .running(.init(startedAt: time(since))),
            lastState: last.map { .terminated($0) } ?? .unknown
        )
    }

    static func exit(_ code: Int, _ reason: String) -> ContainerState.Terminated {
        .init(exitCode: code, reason: reason, startedAt: time("10:04:00"), finishedAt: time("10:04:20"))
    }

    static func event(
        about pod: Pod,
        _ reason: String,
        _ message: String,
        first: String = "10:00:01",
        last: String,
        count: Int = 1,
        container: String? = nil
    ) -> Event {
        Event(
            metadata: ObjectMeta(name: "\(pod.metadata.name).\(reason.lowercased())", namespace: namespace),
            involvedObject: ObjectReference(
                kind: "Pod",
                namespace: namespace,
                name: pod.metadata.name,
                uid: pod.metadata.uid,
                apiVersion: "v1",
                fieldPath: container.map { "spec.containers{\($0)}" }
            ),
            reason: reason,
            message: message,
            type: "Warning",
            count: count,
            firstTimestamp: time(first),
            lastTimestamp: time(last),
            source: Event.Source(component: "kubelet", host: "node-a")
        )
    }

    /// A Deployment of one replica mid-rollout (nothing available yet) with its new ReplicaSet and the
    /// given pods of it; `containers` and `initContainers` describe the one pod.
    static func rollout(
        deployment: Deployment = deployment(),
        phase: PodPhase = .running,
        scheduled: String? = "10:00:00",
        initialized: String? = nil,
        containers: [ContainerStatus] = [],
        initContainers: [ContainerStatus] = [],
        conditions: [Condition] = [],
        events: (Pod) -> [Event] = { _ in [] }
    ) -> RolloutObservation {
        let replicaSet = replicaSet(of: deployment)
        let pod = pod(
            of: replicaSet,
            phase: phase,
            scheduled: scheduled,
            initialized: initialized,
            containers: containers,
            initContainers: initContainers,
            conditions: conditions
        )
        return RolloutObservation(
            workload: .deployment(deployment),
            replicaSets: [replicaSet],
            pods: [pod],
            events: events(pod)
        )
    }
}

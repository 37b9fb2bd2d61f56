import Foundation
import KubeModel

/// Kubernetes objects in the shape the API server returns them, decoded through the model's own decoders.
///
/// Each builder writes the JSON an apps/v1 or core/v1 object has on the wire (only the fields a test
/// varies are parameters) and decodes it, so the tests exercise the same decoding path as production.
enum Fixtures {
    static let baseTime = Date(timeIntervalSince1970: 1_780_000_000)

    static func timestamp(_ offset: TimeInterval) -> String {
        KubeTime(baseTime.addingTimeInterval(offset)).rfc3339
    }

    static func decode<T: Decodable>(_ type: T.Type, _ json: [String: Any]) throws -> T {
        let data = try JSONSerialization.data(withJSONObject: json)
        return try JSONDecoder().decode(T.self, from: data)
    }

    /// A Deployment; by default rolled out completely at revision 1.
    static func deploymentJSON(
        _ name: String,
        namespace: String = "prod",
        uid: String? = nil,
        labels: [String: String] = ["app": "web"],
        replicas: Int = 3,
        generation: Int = 1,
        observedGeneration: Int? = nil,
        revision: String = "1",
        updated: Int? = nil,
        ready: Int? = nil,
        available: Int? = nil,
        conditions: [[String: Any]]? = nil,
        annotations: [String: String] = [:]
    ) -> [String: Any] {
        let updated = updated ?? replicas
        let ready = ready ?? updated
        let available = available ?? ready
        let conditions =
            conditions ?? [
                [
                    "type": "Available", "status": available >= replicas ? "True" : "False",
                    "reason": available >= replicas ? "MinimumReplicasAvailable" : "MinimumReplicasUnavailable",
                    "message": "Deployment has minimum availability.",
                    "lastUpdateTime": timestamp(0), "lastTransitionTime": timestamp(0),
                ],
                [
                    "type": "Progressing", "status": "True",
                    "reason": available >= replicas ? "NewReplicaSetAvailable" : "ReplicaSetUpdated",
                    "message": "ReplicaSet \"\(name)-5d8f7c9b6\" is progressing.",
                    "lastUpdateTime": timestamp(0), "lastTransitionTime": timestamp(0),
                ],
            ]
        return [
            "apiVersion": "apps/v1",
            "kind": "Deployment",
            "metadata": [
                "name": name, "namespace": namespace, "uid": uid ?? "uid-deploy-\(namespace)-\(name)",
                "resourceVersion": "1001", "generation": generation,
                "creationTimestamp": timestamp(-3600), "labels": labels,
                "annotations": annotations.merging(["deployment.kubernetes.io/revision": revision]) { $1 },
            ],
            "spec": [
                "replicas": replicas,
                "selector": ["matchLabels": ["app": name]],
                "template": [
                    "metadata": ["labels": ["app": name]],
                    "spec": ["containers": [["name": "app", "image": "registry.example/\(name):2.0"]]],
                ],
                "strategy": [
                    "type": "RollingUpdate", "rollingUpdate": ["maxSurge": "25%", "maxUnavailable": "25%"],
                ],
                "revisionHistoryLimit": 10,
                "progressDeadlineSeconds": 600,
            ],
            "status": [
                "observedGeneration": observedGeneration ?? generation,
                "replicas": updated, "updatedReplicas": updated, "readyReplicas": ready,
                "availableReplicas": available, "unavailableReplicas": max(replicas - available, 0),
                "conditions": conditions,
            ],
        ]
    }

    /// A Deployment; by default rolled out completely at revision 1.
    static func deployment(
        _ name: String,
        namespace: String = "prod",
        uid: String? = nil,
        labels: [String: String] = ["app": "web"],
        replicas: Int = 3,
        generation: Int = 1,
        observedGeneration: Int? = nil,
        revision: String = "1",
        updated: Int? = nil,
        ready: Int? = nil,
        available: Int? = nil,
        conditions: [[String: Any]]? = nil,
        annotations: [String: String] = [:]
    ) throws -> Deployment {
        try decode(
            Deployment.self,
            deploymentJSON(
                name,
                namespace: namespace,
                uid: uid,
                labels: labels,
                replicas: replicas,
                generation: generation,
                observedGeneration: observedGeneration,
                revision: revision,
                updated: updated,
                ready: ready,
                available: available,
                conditions: conditions,
                annotations: annotations
            )
        )
    }

    /// The ReplicaSet a Deployment controls for one revision.
    static func replicaSetJSON(
        of deployment: Deployment,
        hash: String = "5d8f7c9b6",
        revision: String = "1",
        replicas: Int? = nil,
        ready: Int? = nil
    ) -> [String: Any] {
        let name = deployment.metadata.name
        let namespace = deployment.metadata.namespace ?? ""
        let replicas = replicas ?? deployment.spec.replicas ?? 1
        return [
            "apiVersion": "apps/v1",
            "kind": "ReplicaSet",
            "metadata": [
                "name": "\(name)-\(hash)", "namespace": namespace, "uid": "uid-rs-\(namespace)-\(name)-\(hash)",
                "resourceVersion": "1002", "generation": 1, "creationTimestamp": timestamp(-60),
                "labels": ["app": name, "pod-template-hash": hash],
                "annotations": [
                    "deployment.kubernetes.io/revision": revision,
                    "deployment.kubernetes.io/desired-replicas": "\(replicas)",
                    "deployment.kubernetes.io/max-replicas": "\(replicas + 1)",
                ],
                "ownerReferences": [
                    [
                        "apiVersion": "apps/v1", "kind": "Deployment", "name": name,
                        "uid": deployment.metadata.uid ?? "", "controller": true, "blockOwnerDeletion": true,
                    ]
                ],
            ],
            "spec": [
                "replicas": replicas,
                "selector": ["matchLabels": ["app": name, "pod-template-hash": hash]],
                "template": [
                    "metadata": ["labels": ["app": name, "pod-template-hash": hash]],
                    "spec": ["containers": [["name": "app", "image": "registry.example/\(name):2.0"]]],
                ],
            ],
            "status": [
                "replicas": replicas, "fullyLabeledReplicas": replicas, "readyReplicas": ready ?? replicas,
                "availableReplicas": ready ?? replicas, "observedGeneration": 1,
            ],
        ]
    }

    /// The ReplicaSet a Deployment controls for one revision.
    static func replicaSet(
        of deployment: Deployment,
        hash: String = "5d8f7c9b6",
        revision: String = "1",
        replicas: Int? = nil,
        ready: Int? = nil
    ) throws -> ReplicaSet {
        try decode(
            ReplicaSet.self,
            replicaSetJSON(of: deployment, hash: hash, revision: revision, replicas: replicas, ready: ready)
        )
    }

    /// A running, ready pod of a ReplicaSet.
    static func readyPod(_ suffix: String, of replicaSet: ReplicaSet) throws -> Pod {
        try decode(Pod.self, readyPodJSON(suffix, of: replicaSet))
    }

    /// The JSON of a running, ready pod of a ReplicaSet.
    static func readyPodJSON(_ suffix: String, of replicaSet: ReplicaSet) -> [String: Any] {
        podJSON(
            suffix,
            of: replicaSet,
            phase: "Running",
            ready: true,
            containerStatus: [
                "name": "app", "ready": true, "started": true, "restartCount": 0,
                "image": "registry.example/app:2.0", "imageID": "registry.example/app@sha256:0a1b",
                "containerID": "containerd://4f1c",
                "state": ["running": ["startedAt": timestamp(-50)]], "lastState": [:],
            ]
        )
    }

    /// A pod whose container keeps crashing: waiting in CrashLoopBackOff, the last instance exited 1.
    static func crashLoopingPod(_ suffix: String, of replicaSet: ReplicaSet, restarts: Int = 5) throws -> Pod {
        try decode(Pod.self, crashLoopingPodJSON(suffix, of: replicaSet, restarts: restarts))
    }

    /// The JSON of a pod whose container keeps crashing.
    static func crashLoopingPodJSON(_ suffix: String, of replicaSet: ReplicaSet, restarts: Int = 5) -> [String: Any] {
        let name = "\(replicaSet.metadata.name)-\(suffix)"
        return podJSON(
            suffix,
            of: replicaSet,
            phase: "Running",
            ready: false,
            containerStatus: [
                "name": "app", "ready": false, "started": false, "restartCount": restarts,
                "image": "registry.example/app:2.0", "imageID": "registry.example/app@sha256:0a1b",
                "containerID": "containerd://9e2d",
                "state": [
                    "waiting": [
                        "reason": "CrashLoopBackOff",
                        "message":
                            "back-off 40s restarting failed container=app pod=\(name)_\(replicaSet.metadata.namespace ?? "")(uid-pod-\(name))",
                    ]
                ],
                "lastState": [
                    "terminated": [
                        "exitCode": 1, "reason": "Error", "startedAt": timestamp(-20), "finishedAt": timestamp(-15),
                        "containerID": "containerd://8d1c",
                    ]
                ],
            ]
        )
    }

    static func podJSON(
        _ suffix: String,
        of replicaSet: ReplicaSet,
        phase: String,
        ready: Bool,
        containerStatus: [String: Any]
    ) -> [String: Any] {
        let name = "\(replicaSet.metadata.name)-\(suffix)"
        let namespace = replicaSet.metadata.namespace ?? ""
        let status = ready ? "True" : "False"
        return [
            "apiVersion": "v1",
            "kind": "Pod",
            "metadata": [
                "name": name, "namespace": namespace, "uid": "uid-pod-\(name)", "resourceVersion": "1003",
                "creationTimestamp": timestamp(-55), "labels": replicaSet.metadata.labels ?? [:],
                "ownerReferences": [
                    [
                        "apiVersion": "apps/v1", "kind": "ReplicaSet", "name": replicaSet.metadata.name,
                        "uid": replicaSet.metadata.uid ?? "", "controller": true, "blockOwnerDeletion": true,
                    ]
                ],
            ],
            "spec": [
                "containers": [["name": "app", "image": "registry.example/app:2.0"]],
                "nodeName": "node-1", "restartPolicy": "Always",
            ],
            "status": [
                "phase": phase,
                "conditions": [
                    ["type": "PodScheduled", "status": "True", "lastTransitionTime": timestamp(-55)],
                    ["type": "Initialized", "status": "True", "lastTransitionTime": timestamp(-54)],
                    ["type": "ContainersReady", "status": status, "lastTransitionTime": timestamp(-50)],
                    ["type": "Ready", "status": status, "lastTransitionTime": timestamp(-50)],
                ],
                "hostIP": "10.0.0.11", "podIP": "10.244.1.17", "startTime": timestamp(-55),
                "containerStatuses": [containerStatus],
                "qosClass": "BestEffort",
            ],
        ]
    }

    static func pod(
        _ suffix: String,
        of replicaSet: ReplicaSet,
        phase: String,
        ready: Bool,
        containerStatus: [String: Any]
    ) throws -> Pod {
        try decode(
            Pod.self,
            podJSON(suffix, of: replicaSet, phase: phase, ready: ready, containerStatus: containerStatus)
        )
    }

    /// A Warning event about an object, as the kubelet or a controller records it.
    static func warningJSON(
        _ reason: String,
        _ message: String,
        about kind: String,
        name: String,
        namespace: String = "prod",
        uid: String,
        count: Int = 1,
        at offset: TimeInterval = 0
    ) -> [String: Any] {
        [
            "apiVersion": "v1",
            "kind": "Event",
            "metadata": [
                "name": "\(name).\(String(Int(offset * 1000 + 1_000_000), radix: 16))", "namespace": namespace,
                "uid": "uid-event-\(name)-\(reason)-\(offset)", "resourceVersion": "1004",
                "creationTimestamp": timestamp(offset),
            ],
            "involvedObject": [
                "kind": kind, "namespace": namespace, "name": name, "uid": uid,
                "apiVersion": kind == "Pod" ? "v1" : "apps/v1",
                "fieldPath": kind == "Pod" ? "spec.containers{app}" : "",
            ],
            "reason": reason,
            "message": message,
            "source": ["component": kind == "Pod" ? "kubelet" : "deployment-controller", "host": "node-1"],
            "firstTimestamp": timestamp(offset - 30), "lastTimestamp": timestamp(offset),
            "count": count,
            "type": "Warning",
            "eventTime": NSNull(),
            "reportingComponent": kind == "Pod" ? "kubelet" : "deployment-controller",
            "reportingInstance": "node-1",
        ]
    }

    /// A Warning event about an object, as the kubelet or a controller records it.
    static func warning(
        _ reason: String,
        _ message: String,
        about kind: String,
        name: String,
        namespace: String = "prod",
        uid: String,
        count: Int = 1,
        at offset: TimeInterval = 0
    ) throws -> Event {
        try decode(
            Event.self,
            warningJSON(
                reason,
                message,
                about: kind,
                name: name,
                namespace: namespace,
                uid: uid,
                count: count,
                at: offset
            )
        )
    }
}

extension Fixtures {
    /// A pod the scheduler cannot place: Pending, `PodScheduled=False` since `offset`.
    static func unschedulablePodJSON(
        _ suffix: String,
        of replicaSet: ReplicaSet,
        since offset: TimeInterval
    ) -> [String: Any] {
        let name = "\(replicaSet.metadata.name)-\(suffix)"
        return [
            "apiVersion": "v1",
            "kind": "Pod",
            "metadata": [
                "name": name, "namespace": replicaSet.metadata.namespace ?? "", "uid": "uid-pod-\(name)",
                "resourceVersion": "1005", "creationTimestamp": timestamp(offset),
                "labels": replicaSet.metadata.labels ?? [:],
                "ownerReferences": [
                    [
                        "apiVersion": "apps/v1", "kind": "ReplicaSet", "name": replicaSet.metadata.name,
                        "uid": replicaSet.metadata.uid ?? "", "controller": true, "blockOwnerDeletion": true,
                    ]
                ],
            ],
            "spec": [
                "containers": [["name": "app", "image": "registry.example/app:2.0"]], "restartPolicy": "Always",
            ],
            "status": [
                "phase": "Pending",
                "conditions": [
                    [
                        "type": "PodScheduled", "status": "False", "reason": "Unschedulable",
                        "message":
                            "0/3 nodes are available: 3 Insufficient cpu. preemption: 0/3 nodes are available: 3 No preemption victims found for incoming pod.",
                        "lastProbeTime": NSNull(), "lastTransitionTime": timestamp(offset),
                    ]
                ],
                "qosClass": "Burstable",
            ],
        ]
    }

    /// A pod the scheduler cannot place: Pending, `PodScheduled=False` since `offset`.
    static func unschedulablePod(_ suffix: String, of replicaSet: ReplicaSet, since offset: TimeInterval) throws -> Pod
    {
        try decode(Pod.self, unschedulablePodJSON(suffix, of: replicaSet, since: offset))
    }

    /// A Deployment of `replicas` pods, its ReplicaSet and its pods: all ready, or `ready` of them.
    static func release(
        _ name: String,
        namespace: String = "prod",
        labels: [String: String] = ["app": "web"],
        replicas: Int = 2,
        ready: Int? = nil
    ) throws -> (deployment: Deployment, replicaSet: ReplicaSet, pods: [Pod]) {
        let ready = ready ?? replicas
        let deployment = try Fixtures.deployment(
            name,
            namespace: namespace,
            labels: labels,
            replicas: replicas,
            updated: replicas,
            ready: ready,
            available: ready
        )
        let replicaSet = try Fixtures.replicaSet(of: deployment, replicas: replicas, ready: ready)
        let pods = try (0..<ready).map { try Fixtures.readyPod("r\($0)", of: replicaSet) }
        return (deployment, replicaSet, pods)
    }
}

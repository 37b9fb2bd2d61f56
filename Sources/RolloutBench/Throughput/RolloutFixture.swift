import Foundation
import KubeModel

/// The objects of a synthetic rollout, in the JSON shape an API server sends: Deployments mid-rollout,
/// their new ReplicaSets, and the pod watch events of every new pod from creation to ready.
///
/// Written from the API reference (core/v1 Pod, apps/v1 Deployment and ReplicaSet) with the fields a
/// real server fills in: owner references, the projected service-account volume, default tolerations,
/// five pod conditions, container statuses with image IDs. Each pod passes through five states
/// (created, scheduled, container creating, running, ready); the very last event is one pod of the last
/// Deployment crash-looping past `--max-restarts`, so a gate fed the whole sequence judges every event and
/// stops at the last one.
public struct RolloutFixture: Sendable {
    /// Deployments.
    public var deployments: Int
    /// Pods per Deployment.
    public var replicas: Int
    /// The namespace.
    public var namespace = "throughput"
    /// The creation instant of every object.
    public var created = Date(timeIntervalSince1970: 1_800_000_000)

    /// Creates a fixture.
    public init(deployments: Int, replicas: Int) {
        self.deployments = deployments
        self.replicas = replicas
    }

    /// Pod watch events per sequence: five per pod, and the decisive crash.
    public var podEventCount: Int { deployments * replicas * 5 + 1 }

    /// The UID of Deployment `index`.
    func deploymentUID(_ index: Int) -> String { uid("d", index, 0) }
    /// The UID of ReplicaSet `index` (the new revision of Deployment `index`).
    func replicaSetUID(_ index: Int) -> String { uid("r", index, 0) }

    func uid(_ kind: Character, _ index: Int, _ pod: Int) -> String {
        let digits = String(index * 1000 + pod)
        let hex = String(repeating: "0", count: max(0, 12 - digits.count)) + digits
        return "6f1c2e4a-\(kind == "d" ? "0d0d" : kind == "r" ? "0e0e" : "0f0f")-4b7c-9a1e-\(hex)"
    }

    func name(_ index: Int) -> String { "svc-\(index)" }
    let hash = "5d8f7c9b4"

    func timestamp(_ offset: Int) -> String {
        KubeTime(created.addingTimeInterval(Double(offset))).rfc3339
    }

    /// Deployment `index` as a list item: revision 2 observed, every replica updated, none available.
    public func deployment(_ index: Int) -> [String: Any] {
        let labels: [String: Any] = ["app": name(index), "tier": "bench"]
        return [
            "apiVersion": "apps/v1", "kind": "Deployment",
            "metadata": [
                "name": name(index), "namespace": namespace, "uid": deploymentUID(index), "resourceVersion": "100",
                "generation": 2, "creationTimestamp": timestamp(-600), "labels": labels,
                "annotations": ["deployment.kubernetes.io/revision": "2"],
            ],
            "spec": [
                "replicas": replicas, "selector": ["matchLabels": labels],
                "template": podTemplate(index),
                "strategy": ["type": "RollingUpdate", "rollingUpdate": ["maxSurge": "25%", "maxUnavailable": "25%"]],
                "revisionHistoryLimit": 10, "progressDeadlineSeconds": 600,
            ],
            "status": [
                "observedGeneration": 2, "replicas": replicas, "updatedReplicas": replicas, "readyReplicas": 0,
                "availableReplicas": 0, "unavailableReplicas": replicas,
                "conditions": [
                    [
                        "type": "Available", "status": "False", "reason": "MinimumReplicasUnavailable",
                        "message": "Deployment does not have minimum availability.",
                        "lastUpdateTime": timestamp(0), "lastTransitionTime": timestamp(0),
                    ],
                    [
                        "type": "Progressing", "status": "True", "reason": "ReplicaSetUpdated",
                        "message": "ReplicaSet \"\(name(index))-\(hash)\" is progressing.",
                        "lastUpdateTime": timestamp(0), "lastTransitionTime": timestamp(-600),
                    ],
                ],
            ],
        ]
    }

    /// The new ReplicaSet of Deployment `index`.
    public func replicaSet(_ index: Int) -> [String: Any] {
        var labels: [String: Any] = ["app": name(index), "tier": "bench"]
        labels["pod-template-hash"] = hash
        return [
            "apiVersion": "apps/v1", "kind": "ReplicaSet",
            "metadata": [
                "name": "\(name(index))-\(hash)", "namespace": namespace, "uid": replicaSetUID(index),
                "resourceVersion": "101", "generation": 1, "creationTimestamp": timestamp(0), "labels": labels,
                "annotations": [
                    "deployment.kubernetes.io/revision": "2",
                    "deployment.kubernetes.io/desired-replicas": "\(replicas)",
                    "deployment.kubernetes.io/max-replicas": "\(replicas + 1)",
                ],
                "ownerReferences": [
                    [
                        "apiVersion": "apps/v1", "kind": "Deployment", "name": name(index), "uid": deploymentUID(index),
                        "controller": true, "blockOwnerDeletion": true,
                    ]
                ],
            ],
            "spec": ["replicas": replicas, "selector": ["matchLabels": labels], "template": podTemplate(index)],
            "status": ["replicas": replicas, "fullyLabeledReplicas": replicas, "observedGeneration": 1],
        ]
    }

    func podTemplate(_ index: Int) -> [String: Any] {
        [
            "metadata": ["labels": ["app": name(index), "tier": "bench", "pod-template-hash": hash]],
            "spec": ["containers": [container(index)], "restartPolicy": "Always"],
        ]
    }

    func container(_ index: Int) -> [String: Any] {
        [
            "name": "app", "image": "registry.example.com/bench/\(name(index)):2.0.0",
            "ports": [["name": "http", "containerPort": 8080, "protocol": "TCP"]],
            "env": [
                ["name": "LOG_LEVEL", "value": "info"],
                ["name": "POD_NAME", "valueFrom": ["fieldRef": ["apiVersion": "v1", "fieldPath": "metadata.name"]]],
            ],
            "resources": ["requests": ["cpu": "100m", "memory": "128Mi"], "limits": ["memory": "256Mi"]],
            "readinessProbe": [
                "httpGet": ["path": "/healthz", "port": 8080, "scheme": "HTTP"], "periodSeconds": 5,
                "timeoutSeconds": 1, "successThreshold": 1, "failureThreshold": 3,
            ],
            "volumeMounts": [
                [
                    "name": "kube-api-access-x7k2p", "readOnly": true,
                    "mountPath": "/var/run/secrets/kubernetes.io/serviceaccount",
                ]
            ],
            "terminationMessagePath": "/dev/termination-log", "terminationMessagePolicy": "File",
            "imagePullPolicy": "IfNotPresent",
        ]
    }

    /// The states a pod passes through, in order; `crashing` is the decisive one.
    public enum PodState: Int, Sendable, CaseIterable {
        /// Created, not scheduled.
        case created
        /// Bound to a node.
        case scheduled
        /// The container is being created.
        case containerCreating
        /// Running, readiness probe not passed yet.
        case running
        /// Ready.
        case ready
        /// Crash-looping past `--max-restarts` (only the very last event).
        case crashing
    }

    /// Pod `pod` of Deployment `index` in `state`, with resourceVersion `version`.
    public func pod(_ index: Int, _ pod: Int, _ state: PodState, version: Int) -> [String: Any] {
        let podName = "\(name(index))-\(hash)-p\(pod)"
        var spec: [String: Any] = [
            "containers": [container(index)], "restartPolicy": "Always", "terminationGracePeriodSeconds": 30,
            "dnsPolicy": "ClusterFirst", "serviceAccountName": "default", "serviceAccount": "default",
            "securityContext": [:], "schedulerName": "default-scheduler", "enableServiceLinks": true,
            "preemptionPolicy": "PreemptLowerPriority", "priority": 0,
            "tolerations": [
                [
                    "key": "node.kubernetes.io/not-ready", "operator": "Exists", "effect": "NoExecute",
                    "tolerationSeconds": 300,
                ],
                [
                    "key": "node.kubernetes.io/unreachable", "operator": "Exists", "effect": "NoExecute",
                    "tolerationSeconds": 300,
                ],
            ],
            "volumes": [
                [
                    "name": "kube-api-access-x7k2p",
                    "projected": [
                        "defaultMode": 420,
                        "sources": [
                            ["serviceAccountToken": ["expirationSeconds": 3607, "path": "token"]],
                            [
                                "configMap": [
                                    "name": "kube-root-ca.crt", "items": [["key": "ca.crt", "path": "ca.crt"]],
                                ]
                            ],
                            [
                                "downwardAPI": [
                                    "items": [
                                        [
                                            "path": "namespace",
                                            "fieldRef": ["apiVersion": "v1", "fieldPath": "metadata.namespace"],
                                        ]
                                    ]
                                ]
                            ],
                        ],
                    ],
                ]
            ],
        ]
        if state != .created { spec["nodeName"] = "node-\(pod % 3 + 1)" }
        var status: [String: Any] = ["phase": "Pending", "qosClass": "Burstable"]
        func condition(_ type: String, _ value: Bool, _ offset: Int) -> [String: Any] {
            [
                "type": type, "status": value ? "True" : "False", "lastProbeTime": NSNull(),
                "lastTransitionTime": timestamp(offset),
            ]
        }
        let containerReady = state == .ready
        switch state {
        case .created:
            break
        case .scheduled:
            status["conditions"] = [condition("PodScheduled", true, 1)]
        case .containerCreating, .running, .ready, .crashing:
            let started = state != .containerCreating
            status["conditions"] = [
                condition("PodReadyToStartContainers", started, 2), condition("Initialized", true, 1),
                condition("Ready", containerReady, 3), condition("ContainersReady", containerReady, 3),
                condition("PodScheduled", true, 1),
            ]
            status["hostIP"] = "10.0.0.\(pod % 3 + 1)"
            status["hostIPs"] = [["ip": "10.0.0.\(pod % 3 + 1)"]]
            status["startTime"] = timestamp(1)
            var containerStatus: [String: Any] = [
                "name": "app", "image": "registry.example.com/bench/\(name(index)):2.0.0", "ready": containerReady,
                "restartCount": state == .crashing ? 3 : 0, "started": state == .running || state == .ready,
                "imageID": "", "lastState": [:],
            ]
            switch state {
            case .containerCreating:
                containerStatus["state"] = ["waiting": ["reason": "ContainerCreating"]]
            case .crashing:
                status["phase"] = "Running"
                containerStatus["state"] = [
                    "waiting": [
                        "reason": "CrashLoopBackOff",
                        "message": "back-off 40s restarting failed container=app pod=\(podName)_\(namespace)",
                    ]
                ]
                containerStatus["lastState"] = [
                    "terminated": [
                        "exitCode": 1, "reason": "Error", "startedAt": timestamp(20), "finishedAt": timestamp(21),
                        "containerID": "containerd://\(uid("p", index, pod))",
                    ]
                ]
            default:
                status["phase"] = "Running"
                status["podIP"] = "10.244.\(index % 250).\(pod + 2)"
                status["podIPs"] = [["ip": "10.244.\(index % 250).\(pod + 2)"]]
                containerStatus["state"] = ["running": ["startedAt": timestamp(2)]]
                containerStatus["imageID"] =
                    "registry.example.com/bench/\(name(index))@sha256:" + String(repeating: "ab", count: 32)
                containerStatus["containerID"] = "containerd://\(uid("p", index, pod))"
            }
            status["containerStatuses"] = [containerStatus]
        }
        return [
            "apiVersion": "v1", "kind": "Pod",
            "metadata": [
                "name": podName, "generateName": "\(name(index))-\(hash)-", "namespace": namespace,
                "uid": uid("p", index, pod), "resourceVersion": String(version), "creationTimestamp": timestamp(0),
                "labels": ["app": name(index), "tier": "bench", "pod-template-hash": hash],
                "ownerReferences": [
                    [
                        "apiVersion": "apps/v1", "kind": "ReplicaSet", "name": "\(name(index))-\(hash)",
                        "uid": replicaSetUID(index), "controller": true, "blockOwnerDeletion": true,
                    ]
                ],
            ],
            "spec": spec,
            "status": status,
        ]
    }

    /// The pod watch stream: one JSON event per line, every pod of every Deployment through its states
    /// (pods of one Deployment interleaved, Deployments one after another), then the decisive crash.
    public func podWatchStream() throws -> [UInt8] {
        var bytes: [UInt8] = []
        var version = 1000
        for index in 1...deployments {
            for state in PodState.allCases where state != .crashing {
                for pod in 0..<replicas {
                    version += 1
                    let event: [String: Any] = [
                        "type": state == .created ? "ADDED" : "MODIFIED",
                        "object": self.pod(index, pod, state, version: version),
                    ]
                    bytes += try JSONSerialization.data(withJSONObject: event)
                    bytes.append(UInt8(ascii: "\n"))
                }
            }
        }
        version += 1
        let decisive: [String: Any] = ["type": "MODIFIED", "object": pod(deployments, 0, .crashing, version: version)]
        bytes += try JSONSerialization.data(withJSONObject: decisive)
        bytes.append(UInt8(ascii: "\n"))
        return bytes
    }

    /// A list document of `items`, as a list response carries them.
    public func list(kind: String, apiVersion: String, items: [[String: Any]]) throws -> Data {
        try JSONSerialization.data(
            withJSONObject: [
                "apiVersion": apiVersion, "kind": kind, "metadata": ["resourceVersion": "1000"], "items": items,
            ] as [String: Any]
        )
    }
}

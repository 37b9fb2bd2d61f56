import Foundation

/// The objects a declaration stands for, written as `kubectl apply` would send them (plus the defaults
/// the API server adds to pod templates), shaped so the spec explains the behaviour: a `missing-configmap`
/// workload refers to the ConfigMap, an `unschedulable` one requests more CPU than a node has, a
/// `never-ready` one has the readiness probe that fails.
enum WorkloadTemplates {
    struct Shape {
        var kind: WorkloadKind
        var name: String
        var namespace: String
        var labels: [String: String]
        var annotations: [String: String]
        var containerName: String
        var image: String
        var behaviour: PodBehaviour
        var restartPolicy: String?
    }

    /// The default image of a declared workload: one that makes sense for its behaviour.
    static func defaultImage(name: String, behaviour: PodBehaviour) -> String {
        switch behaviour.kind {
        case .invalidImageName: "registry.example.com/shop/\(name.uppercased()):1.0.0"
        case .imagePullError: "registry.example.com/shop/\(name):does-not-exist"
        default: "registry.example.com/shop/\(name):1.0.0"
        }
    }

    /// The pod template (`metadata` and `spec`) for a declared workload.
    static func podTemplate(_ shape: Shape) -> JSONValue {
        var container: [String: JSONValue] = [
            "name": .string(shape.containerName),
            "image": .string(shape.image),
            "imagePullPolicy": .string(Naming.defaultPullPolicy(shape.image)),
            "ports": [["containerPort": 8080, "protocol": "TCP"]],
            "resources": .object([:]),
            "terminationMessagePath": "/dev/termination-log",
            "terminationMessagePolicy": "File",
        ]
        var spec: [String: JSONValue] = [
            "restartPolicy": .string(shape.restartPolicy ?? "Always"),
            "terminationGracePeriodSeconds": 30,
            "dnsPolicy": "ClusterFirst",
            "securityContext": .object([:]),
            "schedulerName": "default-scheduler",
        ]
        let behaviour = shape.behaviour
        switch behaviour.kind {
        case .missingConfigMap:
            container["envFrom"] = [["configMapRef": ["name": .string(behaviour.resource ?? "\(shape.name)-config")]]]
        case .missingSecret:
            container["env"] = [
                [
                    "name": "DATABASE_PASSWORD",
                    "valueFrom": [
                        "secretKeyRef": [
                            "name": .string(behaviour.resource ?? "\(shape.name)-secret"), "key": "password",
                        ]
                    ],
                ]
            ]
        case .failedMount:
            let volume = behaviour.resource ?? "tls"
            container["volumeMounts"] = [["name": .string(volume), "mountPath": "/etc/tls", "readOnly": true]]
            spec["volumes"] = [
                ["name": .string(volume), "secret": ["secretName": .string(volume), "defaultMode": 420]]
            ]
        case .neverReady, .slowStart:
            container["readinessProbe"] = [
                "httpGet": ["path": "/ready", "port": 8080, "scheme": "HTTP"],
                "periodSeconds": 10, "timeoutSeconds": 1, "successThreshold": 1, "failureThreshold": 3,
            ]
        case .unschedulable:
            let resource = behaviour.resource ?? "cpu"
            container["resources"] = ["requests": .object([resource: resource == "memory" ? "512Gi" : "64"])]
        case .quotaExceeded:
            container["resources"] = [
                "requests": ["cpu": "2", "memory": "1Gi"], "limits": ["cpu": "2", "memory": "1Gi"],
            ]
        case .limitRange:
            container["resources"] = ["limits": ["cpu": "2", "memory": "512Mi"]]
        case .oom:
            container["resources"] = ["limits": ["memory": "64Mi"], "requests": ["memory": "64Mi"]]
        case .runContainerError:
            container["command"] = ["/app/server"]
        case .initCrash:
            spec["initContainers"] = [
                [
                    "name": "wait-for-db",
                    "image": "busybox:1.36",
                    "imagePullPolicy": "IfNotPresent",
                    "command": ["sh", "-c", "nc -z db 5432"],
                    "resources": .object([:]),
                    "terminationMessagePath": "/dev/termination-log",
                    "terminationMessagePolicy": "File",
                ]
            ]
        default:
            break
        }
        spec["containers"] = [.object(container)]
        var metadata: [String: JSONValue] = ["labels": .strings(shape.labels)]
        if !shape.annotations.isEmpty { metadata["annotations"] = .strings(shape.annotations) }
        return ["metadata": .object(metadata), "spec": .object(spec)]
    }

    /// The whole object for a declaration; `extra` holds the kind-specific spec fields.
    static func object(_ shape: Shape, replicas: Int?, extra: [String: JSONValue]) -> JSONValue {
        let template = podTemplate(shape)
        let metadata: JSONValue = [
            "name": .string(shape.name), "namespace": .string(shape.namespace), "labels": .strings(shape.labels),
        ]
        switch shape.kind {
        case .pod:
            return [
                "apiVersion": "v1", "kind": "Pod",
                "metadata": metadata.setting(["labels"], .strings(shape.labels)),
                "spec": template["spec"] ?? .object([:]),
            ]
        case .job:
            var spec = extra
            spec["template"] = template
            return ["apiVersion": "batch/v1", "kind": "Job", "metadata": metadata, "spec": .object(spec)]
        case .deployment, .statefulSet, .daemonSet:
            var spec = extra
            spec["selector"] = ["matchLabels": .strings(shape.labels)]
            spec["template"] = template
            if let replicas, shape.kind != .daemonSet { spec["replicas"] = .integer(replicas) }
            return [
                "apiVersion": "apps/v1", "kind": .string(shape.kind.rawValue), "metadata": metadata,
                "spec": .object(spec),
            ]
        }
    }
}

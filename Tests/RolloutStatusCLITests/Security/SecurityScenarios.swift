import Foundation
import KubeSimulator

/// Hand-written clusters for the security tests: `shop/web` whose new pod crash-loops, with a previous
/// log and a Warning event whose texts the test chooses (terminal escapes, megabytes, canaries).
///
/// Objects carry their own status, so the behaviour model leaves them as written; the UIDs are fixed so
/// the event's `involvedObject` names the pod as a real kubelet's event does.
enum SecurityScenarios {
    /// `text` as a YAML double-quoted scalar in which only printable ASCII appears raw: YAML refuses raw
    /// control characters, so ESC, C1 and the bidirectional overrides are written as `\uXXXX` escapes.
    static func quoted(_ text: String) -> String {
        var result = "\""
        for scalar in text.unicodeScalars {
            switch scalar {
            case "\"": result += "\\\""
            case "\\": result += "\\\\"
            case "\n": result += "\\n"
            case " "..."~": result.unicodeScalars.append(scalar)
            default:
                let hex = String(scalar.value, radix: 16, uppercase: true)
                result +=
                    scalar.value <= 0xFFFF
                    ? "\\u" + String(repeating: "0", count: 4 - hex.count) + hex
                    : "\\U" + String(repeating: "0", count: 8 - hex.count) + hex
            }
        }
        return result + "\""
    }

    /// The crash-looping release; `log` is the previous instance's output, `eventMessage` a BackOff event's.
    static func crashLoop(log: String, eventMessage: String) throws -> Scenario {
        try Scenario.parse(
            yaml: """
                name: untrusted-text
                objects:
                - apiVersion: apps/v1
                  kind: Deployment
                  metadata:
                    name: web
                    namespace: shop
                    uid: 5e0c4f1e-1111-4a1b-9c2d-3e4f5a6b7c01
                    generation: 2
                    labels: {app: web}
                    annotations: {deployment.kubernetes.io/revision: "2"}
                  spec:
                    replicas: 1
                    selector: {matchLabels: {app: web}}
                    template:
                      metadata: {labels: {app: web}}
                      spec: {containers: [{name: app, image: "registry.example.com/shop/web:2.0.0"}]}
                  status:
                    observedGeneration: 2
                    replicas: 1
                    updatedReplicas: 1
                    unavailableReplicas: 1
                    conditions:
                    - {type: Progressing, status: "True", reason: ReplicaSetUpdated, message: "ReplicaSet \\"web-7c9d8b6f5\\" is progressing.", lastUpdateTime: "2026-01-01T10:00:00Z", lastTransitionTime: "2026-01-01T10:00:00Z"}
                - apiVersion: apps/v1
                  kind: ReplicaSet
                  metadata:
                    name: web-7c9d8b6f5
                    namespace: shop
                    uid: 5e0c4f1e-2222-4a1b-9c2d-3e4f5a6b7c02
                    labels: {app: web, pod-template-hash: 7c9d8b6f5}
                    annotations: {deployment.kubernetes.io/revision: "2"}
                    ownerReferences:
                    - {apiVersion: apps/v1, kind: Deployment, name: web, uid: 5e0c4f1e-1111-4a1b-9c2d-3e4f5a6b7c01, controller: true, blockOwnerDeletion: true}
                  spec:
                    replicas: 1
                    selector: {matchLabels: {app: web, pod-template-hash: 7c9d8b6f5}}
                    template:
                      metadata: {labels: {app: web, pod-template-hash: 7c9d8b6f5}}
                      spec: {containers: [{name: app, image: "registry.example.com/shop/web:2.0.0"}]}
                  status: {replicas: 1, fullyLabeledReplicas: 1, observedGeneration: 1}
                timeline:
                - at: 500ms
                  log:
                    namespace: shop
                    pod: web-7c9d8b6f5-k2x9q
                    container: app
                    current: ""
                    previous: \(quoted(log))
                - at: 500ms
                  create:
                    apiVersion: v1
                    kind: Event
                    metadata: {name: web-7c9d8b6f5-k2x9q.1800a1b2c3d4e5f6, namespace: shop}
                    type: Warning
                    reason: BackOff
                    message: \(quoted(eventMessage))
                    count: 4
                    involvedObject: {apiVersion: v1, kind: Pod, name: web-7c9d8b6f5-k2x9q, namespace: shop, uid: 5e0c4f1e-4444-4a1b-9c2d-3e4f5a6b7c04}
                    source: {component: kubelet, host: sim-node-1}
                    firstTimestamp: "2026-01-01T10:00:31Z"
                    lastTimestamp: "2026-01-01T10:00:41Z"
                - at: 1s
                  create:
                    apiVersion: v1
                    kind: Pod
                    metadata:
                      name: web-7c9d8b6f5-k2x9q
                      namespace: shop
                      uid: 5e0c4f1e-4444-4a1b-9c2d-3e4f5a6b7c04
                      labels: {app: web, pod-template-hash: 7c9d8b6f5}
                      ownerReferences:
                      - {apiVersion: apps/v1, kind: ReplicaSet, name: web-7c9d8b6f5, uid: 5e0c4f1e-2222-4a1b-9c2d-3e4f5a6b7c02, controller: true, blockOwnerDeletion: true}
                    spec:
                      nodeName: sim-node-1
                      containers: [{name: app, image: "registry.example.com/shop/web:2.0.0"}]
                    status:
                      phase: Running
                      conditions:
                      - {type: PodScheduled, status: "True", lastTransitionTime: "2026-01-01T10:00:01Z"}
                      - {type: Ready, status: "False", reason: ContainersNotReady, lastTransitionTime: "2026-01-01T10:00:01Z"}
                      containerStatuses:
                      - name: app
                        image: registry.example.com/shop/web:2.0.0
                        ready: false
                        started: false
                        restartCount: 4
                        state:
                          waiting: {reason: CrashLoopBackOff, message: "back-off 40s restarting failed container=app pod=web-7c9d8b6f5-k2x9q_shop(5e0c4f1e-4444-4a1b-9c2d-3e4f5a6b7c04)"}
                        lastState:
                          terminated: {exitCode: 2, reason: Error, startedAt: "2026-01-01T10:00:30Z", finishedAt: "2026-01-01T10:00:31Z"}
                """,
            file: "untrusted-text.yaml"
        )
    }

    /// A kubeconfig for `sim` whose only user is `userYAML`: the body of its `user:` mapping, without indentation.
    static func kubeconfig(_ sim: KubeSimulator, user userYAML: String, insecure: Bool = false) -> String {
        let trust =
            insecure
            ? "insecure-skip-tls-verify: true"
            : "certificate-authority-data: \(Data(sim.pki.caCertificatePEM.utf8).base64EncodedString())"
        let user = userYAML.split(separator: "\n").map { "    " + $0 }.joined(separator: "\n")
        return """
            apiVersion: v1
            kind: Config
            current-context: gate
            clusters:
            - name: sim
              cluster:
                server: \(sim.url)
                \(trust)
            contexts:
            - name: gate
              context: {cluster: sim, user: gate, namespace: shop}
            users:
            - name: gate
              user:
            \(user)
            """
    }
}

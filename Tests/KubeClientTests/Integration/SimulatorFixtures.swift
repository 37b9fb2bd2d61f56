import Foundation
import KubeClient
import KubeModel
import KubeSimulator
import Synchronization
import TestSupport

/// The slice of a Pod these tests read.
struct SimPod: KubeObject, Equatable {
    static let resource = APIResource(group: "", version: "v1", plural: "pods", kind: "Pod")
    var metadata: ObjectMeta
    var status: Status?

    struct Status: Codable, Sendable, Equatable {
        var phase: String?
    }
}

extension SimulatedAPIServer {
    /// Creates or replaces a pod from outside the API, as a controller would.
    func putPod(
        _ name: String,
        namespace: String = "default",
        phase: String = "Pending",
        labels: [String: String] = [:]
    ) {
        var metadata: JSONValue = ["name": .string(name), "namespace": .string(namespace)]
        if !labels.isEmpty { metadata["labels"] = .object(labels.mapValues { .string($0) }) }
        simulator.cluster.apply([
            .upsert(
                [
                    "apiVersion": "v1", "kind": "Pod", "metadata": metadata,
                    "spec": ["containers": [["name": "app", "image": "app:1"]]],
                    "status": ["phase": .string(phase)],
                ]
            )
        ])
    }

    func deletePod(_ name: String, namespace: String = "default") {
        simulator.cluster.apply([.delete(kind: "Pod", namespace: namespace, name: name)])
    }

    /// The server's pods in a namespace: name → resourceVersion.
    func podVersions(namespace: String = "default") -> [String: String] {
        var versions: [String: String] = [:]
        for pod in simulator.cluster.objects(kind: "Pod", namespace: namespace) {
            if let name = pod[path: ["metadata", "name"]]?.stringValue,
                let version = pod[path: ["metadata", "resourceVersion"]]?.stringValue
            {
                versions[name] = version
            }
        }
        return versions
    }

    /// A kubeconfig with a cluster entry for this simulator and the given `user:` body (YAML lines, indented
    /// by four spaces).
    func kubeconfigText(user: String, cluster extra: String = "", caPEM: String? = nil, trust: Bool = true) -> String {
        var cluster = "    server: \(url)\n"
        if trust {
            let pem = caPEM ?? caCertificatePEM
            cluster += "    certificate-authority-data: \(Data(pem.utf8).base64EncodedString())\n"
        }
        cluster += extra
        return """
            apiVersion: v1
            kind: Config
            current-context: sim
            clusters:
            - name: sim
              cluster:
            \(cluster)contexts:
            - name: sim
              context: {cluster: sim, user: me, namespace: default}
            users:
            - name: me
              user:
            \(user)
            """
    }
}

/// A client environment over the real file system and process runner, with the given KUBECONFIG and
/// nothing else from the machine.
func simEnvironment(
    kubeconfig: String,
    diagnostics: DiagnosticsRecorder = DiagnosticsRecorder(),
    now: @escaping @Sendable () -> Date = { Date() },
    extra: [String: String] = [:],
    inClusterRoot: String = "/nonexistent"
) -> KubeClientEnvironment {
    var variables = ["KUBECONFIG": kubeconfig, "PATH": "/usr/bin:/bin"]
    variables.merge(extra) { _, new in new }
    return KubeClientEnvironment(
        variables: variables,
        homeDirectory: nil,
        now: now,
        diagnostics: diagnostics.sink,
        inClusterRoot: inClusterRoot
    )
}

/// Fast retries for tests: recovery is exercised, not waited for.
///
/// The idle limit stays generous, since a loaded CI machine can be silent for seconds; only the stall test shortens it.
let fastTransport = TransportOptions(
    idleTimeout: .seconds(60),
    retry: RetryPolicy(initialDelay: .milliseconds(20), maximumDelay: .milliseconds(300), maximumAttempts: 50)
)

/// The consumer's view of a pod watch, checked for the property the coordinator relies on: no update
/// duplicates one already applied, none refers to an object the view does not hold.
final class PodView: Sendable {
    private struct State {
        var pods: [String: String] = [:]
        var synced = false
        var problems: [String] = []
        var updates = 0
    }

    private let state = Mutex(State())

    func apply(_ update: WatchUpdate<SimPod>) {
        state.withLock { state in
            state.updates += 1
            switch update {
            case .added(let pod):
                if state.pods[pod.metadata.name] != nil { state.problems.append("added twice: \(pod.metadata.name)") }
                state.pods[pod.metadata.name] = pod.metadata.resourceVersion
            case .modified(let pod):
                if state.pods[pod.metadata.name] == nil {
                    state.problems.append("modified unknown: \(pod.metadata.name)")
                }
                if state.pods[pod.metadata.name] == pod.metadata.resourceVersion {
                    state.problems.append("duplicate: \(pod.metadata.name)@\(pod.metadata.resourceVersion ?? "")")
                }
                state.pods[pod.metadata.name] = pod.metadata.resourceVersion
            case .deleted(let pod):
                if state.pods.removeValue(forKey: pod.metadata.name) == nil {
                    state.problems.append("deleted unknown: \(pod.metadata.name)")
                }
            case .synced:
                if state.synced { state.problems.append("synced twice") }
                state.synced = true
            }
        }
    }

    var pods: [String: String] { state.withLock { $0.pods } }
    var synced: Bool { state.withLock { $0.synced } }
    var problems: [String] { state.withLock { $0.problems } }
    var updates: Int { state.withLock { $0.updates } }
}

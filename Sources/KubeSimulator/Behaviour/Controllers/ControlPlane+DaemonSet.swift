import Foundation

/// The DaemonSet controller (`pkg/controller/daemon`): one pod per simulated node, labelled with the
/// template's hash and generation, replaced node by node within `maxUnavailable` on a rolling update.
extension ControlPlane {
    mutating func syncDaemonSet(_ key: ObjectKey, _ workspace: inout Workspace, queue: inout WorkQueue) {
        guard let daemonSet = workspace.get(key) else { return }
        guard let uid = daemonSet.metaUID else {
            carry.insert(key)
            return
        }
        keyOfUID[uid] = key
        if unmanagedUIDs.contains(uid) || daemonSet.isTerminating { return }
        let now = workspace.now
        let spec = daemonSet["spec"] ?? .object([:])
        let template = spec["template"] ?? .object([:])
        let hash = Naming.templateHash(template)
        let generation = workspace.predictedGeneration(key)
        let rolling = (spec[path: ["updateStrategy", "type"]]?.stringValue ?? "RollingUpdate") == "RollingUpdate"
        let nodes = configuration.nodeNames
        let maxUnavailable =
            (IntOrPercent(spec[path: ["updateStrategy", "rollingUpdate", "maxUnavailable"]]) ?? .int(1))
            .scaled(total: nodes.count, roundUp: true)
        let minReadySeconds = Double(spec["minReadySeconds"]?.intValue ?? 0)

        var byNode: [String: [JSONValue]] = [:]
        for podKey in podsByOwner[uid] ?? [] {
            guard let pod = workspace.get(podKey) else { continue }
            let node = pod[path: ["spec", "nodeName"]]?.stringValue ?? Self.affinityNode(pod) ?? ""
            byNode[node, default: []].append(pod)
        }
        func available(_ pod: JSONValue) -> Bool {
            guard !pod.isTerminating, let since = PodRanking.readySince(pod) else { return false }
            return minReadySeconds == 0 || since + minReadySeconds < now
        }

        var unavailable = nodes.filter { node in !(byNode[node] ?? []).contains(where: available) }.count
        for (index, node) in nodes.enumerated() {
            let pods = byNode[node] ?? []
            for pod in pods where pod[path: ["status", "phase"]]?.stringValue == "Failed" && !pod.isTerminating {
                deletePod(pod.objectKey(kind: "Pod"), &workspace, queue: &queue)
                recorder.record(
                    about: daemonSet,
                    type: "Warning",
                    reason: "FailedDaemonPod",
                    message:
                        "Found failed daemon pod \(pod.metaNamespace ?? "default")/\(pod.metaName) on node \(node), will try to kill it",
                    source: .controller("daemonset-controller"),
                    at: now,
                    into: &workspace
                )
            }
            let live = pods.filter { !$0.isTerminating && $0[path: ["status", "phase"]]?.stringValue != "Failed" }
            if pods.filter({ !$0.isTerminating }).isEmpty || (live.isEmpty && !pods.contains(where: \.isTerminating)) {
                createDaemonPod(
                    on: node,
                    index: index,
                    template: template,
                    hash: hash,
                    generation: generation,
                    of: daemonSet,
                    &workspace
                )
                continue
            }
            guard rolling else { continue }
            for pod in live where pod.metaLabels["controller-revision-hash"] != hash {
                if !available(pod) || unavailable < maxUnavailable {
                    if available(pod) { unavailable += 1 }
                    deletePod(pod.objectKey(kind: "Pod"), &workspace, queue: &queue)
                    recorder.record(
                        about: daemonSet,
                        type: "Normal",
                        reason: "SuccessfulDelete",
                        message: "Deleted pod: \(pod.metaName)",
                        source: .controller("daemonset-controller"),
                        at: now,
                        into: &workspace
                    )
                }
            }
        }

        var scheduled = 0
        var ready = 0
        var availableCount = 0
        var updated = 0
        var nextAvailable: Date?
        for node in nodes {
            guard let pod = (byNode[node] ?? []).first(where: { !$0.isTerminating }) else { continue }
            let podKey = pod.objectKey(kind: "Pod")
            guard let stored = workspace.get(podKey), !workspace.isPendingCreate(podKey) else { continue }
            scheduled += 1
            if stored.metaLabels["controller-revision-hash"] == hash { updated += 1 }
            if let since = PodRanking.readySince(stored) {
                ready += 1
                if minReadySeconds == 0 || since + minReadySeconds < now {
                    availableCount += 1
                } else {
                    nextAvailable = earliest(nextAvailable, since + minReadySeconds + 0.001)
                }
            }
        }
        if let nextAvailable { wake(key, at: nextAvailable) }
        let status = JSONValue.compact([
            "currentNumberScheduled": .integer(scheduled),
            "numberMisscheduled": 0,
            "desiredNumberScheduled": .integer(nodes.count),
            "numberReady": .integer(ready),
            "observedGeneration": .int(generation),
            "updatedNumberScheduled": .nonZero(updated),
            "numberAvailable": .nonZero(availableCount),
            "numberUnavailable": .nonZero(nodes.count - availableCount),
        ])
        let latest = workspace.get(key) ?? daemonSet
        if latest["status"] != status { workspace.put(latest.setting(["status"], status), as: key) }
    }

    /// The node a daemon pod is pinned to before the scheduler binds it: its node affinity's `metadata.name`.
    static func affinityNode(_ pod: JSONValue) -> String? {
        let terms =
            pod[
                path: [
                    "spec", "affinity", "nodeAffinity", "requiredDuringSchedulingIgnoredDuringExecution",
                    "nodeSelectorTerms",
                ]
            ]?.arrayValue ?? []
        for term in terms {
            for field in term["matchFields"]?.arrayValue ?? [] where field["key"]?.stringValue == "metadata.name" {
                if let node = field["values"]?.arrayValue?.first?.stringValue { return node }
            }
        }
        return nil
    }

    mutating func createDaemonPod(
        on node: String,
        index: Int,
        template: JSONValue,
        hash: String,
        generation: Int64,
        of daemonSet: JSONValue,
        _ workspace: inout Workspace
    ) {
        let name = generatedPodName(owner: daemonSet, workspace: workspace)
        let affinity: JSONValue = [
            "nodeAffinity": [
                "requiredDuringSchedulingIgnoredDuringExecution": [
                    "nodeSelectorTerms": [
                        ["matchFields": [["key": "metadata.name", "operator": "In", "values": [.string(node)]]]]
                    ]
                ]
            ]
        ]
        let (pod, record) = makePod(
            name: name,
            template: template,
            owner: daemonSet,
            extraLabels: ["controller-revision-hash": hash, "pod-template-generation": String(generation)],
            bornAt: settling.contains(daemonSet.objectKey(kind: "DaemonSet"))
                ? settledSince : workspace.now,
            nodeIndex: index,
            extraSpec: ["affinity": affinity]
        )
        createPod(pod, record: record, &workspace)
        recorder.record(
            about: daemonSet,
            type: "Normal",
            reason: "SuccessfulCreate",
            message: "Created pod: \(name)",
            source: .controller("daemonset-controller"),
            at: workspace.now,
            into: &workspace
        )
    }
}

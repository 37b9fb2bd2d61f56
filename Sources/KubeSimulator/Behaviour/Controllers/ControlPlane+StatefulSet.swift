import Foundation

/// The StatefulSet controller (`pkg/controller/statefulset`): ordered pods `name-0 … name-N-1`, revisions
/// as `controller-revision-hash` labels, rolling updates from the highest ordinal down to the partition,
/// or none at all with `OnDelete`.
extension ControlPlane {
    mutating func syncStatefulSet(_ key: ObjectKey, _ workspace: inout Workspace, queue: inout WorkQueue) {
        guard let statefulSet = workspace.get(key) else { return }
        guard let uid = statefulSet.metaUID else {
            carry.insert(key)
            return
        }
        keyOfUID[uid] = key
        if unmanagedUIDs.contains(uid) || statefulSet.isTerminating { return }
        let now = workspace.now
        let spec = statefulSet["spec"] ?? .object([:])
        let replicas = Int(spec["replicas"]?.intValue ?? 1)
        let template = spec["template"] ?? .object([:])
        let ordered = (spec["podManagementPolicy"]?.stringValue ?? "OrderedReady") == "OrderedReady"
        let rolling = (spec[path: ["updateStrategy", "type"]]?.stringValue ?? "RollingUpdate") == "RollingUpdate"
        let partition = Int(spec[path: ["updateStrategy", "rollingUpdate", "partition"]]?.intValue ?? 0)
        let minReadySeconds = Double(spec["minReadySeconds"]?.intValue ?? 0)
        let updateRevision = "\(key.name)-\(Naming.templateHash(template))"
        let previousStatus = statefulSet["status"]
        var currentRevision = previousStatus?["currentRevision"]?.stringValue ?? updateRevision
        revisionTemplates[uid, default: [:]][updateRevision] = template
        if revisionTemplates[uid]?[currentRevision] == nil { currentRevision = updateRevision }

        func podKey(_ ordinal: Int) -> ObjectKey {
            ObjectKey(kind: "Pod", namespace: key.namespace, name: "\(key.name)-\(ordinal)")
        }
        func revision(_ pod: JSONValue) -> String? { pod.metaLabels["controller-revision-hash"] }
        func healthy(_ pod: JSONValue) -> Bool {
            pod[path: ["status", "phase"]]?.stringValue == "Running" && PodRanking.readySince(pod) != nil
        }

        // Pods beyond the replica count go, highest ordinal first.
        let owned = (podsByOwner[uid] ?? []).compactMap { workspace.get($0) }
        let condemned = owned.compactMap { pod -> (Int, JSONValue)? in
            guard let ordinal = Int(pod.metaName.split(separator: "-").last ?? ""), ordinal >= replicas else {
                return nil
            }
            return (ordinal, pod)
        }.sorted { $0.0 > $1.0 }
        var waiting = false
        for (_, pod) in condemned {
            if pod.isTerminating {
                waiting = ordered
            } else {
                deleteStatefulPod(pod, of: statefulSet, &workspace, queue: &queue)
                waiting = ordered
            }
            if waiting { break }
        }

        // Create missing pods in order; with OrderedReady each waits for the one before it.
        var allHealthy = true
        if !waiting {
            for ordinal in 0..<replicas {
                let podKey = podKey(ordinal)
                guard let pod = workspace.get(podKey) else {
                    let revision = rolling && ordinal < partition ? currentRevision : updateRevision
                    createStatefulPod(ordinal, revision: revision, of: statefulSet, &workspace)
                    allHealthy = false
                    if ordered { break } else { continue }
                }
                if pod[path: ["status", "phase"]]?.stringValue == "Failed" && !pod.isTerminating {
                    deleteStatefulPod(pod, of: statefulSet, &workspace, queue: &queue)
                }
                if !healthy(pod) || pod.isTerminating {
                    allHealthy = false
                    if ordered { break }
                }
            }
        }

        // Rolling update: replace the highest-ordinal outdated pod, one at a time, down to the partition.
        if rolling && !waiting && allHealthy {
            for ordinal in stride(from: replicas - 1, through: max(0, partition), by: -1) {
                guard let pod = workspace.get(podKey(ordinal)) else { break }
                if revision(pod) != updateRevision {
                    if !pod.isTerminating { deleteStatefulPod(pod, of: statefulSet, &workspace, queue: &queue) }
                    break
                }
            }
        }

        var created = 0
        var ready = 0
        var available = 0
        var current = 0
        var updated = 0
        var nextAvailable: Date?
        for podKey in podsByOwner[uid] ?? [] {
            // Pods created in this call are not in the store yet; upstream counts them on the next sync too.
            guard let pod = workspace.get(podKey), !workspace.isPendingCreate(podKey) else { continue }
            created += 1
            if let readySince = PodRanking.readySince(pod), pod[path: ["status", "phase"]]?.stringValue == "Running" {
                ready += 1
                if minReadySeconds == 0 || readySince + minReadySeconds < now {
                    available += 1
                } else {
                    nextAvailable = earliest(nextAvailable, readySince + minReadySeconds + 0.001)
                }
            }
            guard !pod.isTerminating else { continue }
            if revision(pod) == currentRevision { current += 1 }
            if revision(pod) == updateRevision { updated += 1 }
        }
        if let nextAvailable { wake(key, at: nextAvailable) }
        if rolling && updated == replicas && ready == replicas && created == replicas {
            currentRevision = updateRevision
            current = updated
        }
        let status = JSONValue.compact([
            "observedGeneration": .int(workspace.predictedGeneration(key)),
            "replicas": .integer(created),
            "readyReplicas": .nonZero(ready),
            "currentReplicas": .nonZero(current),
            "updatedReplicas": .nonZero(updated),
            "currentRevision": .string(currentRevision),
            "updateRevision": .string(updateRevision),
            "collisionCount": 0,
            "availableReplicas": .integer(available),
        ])
        let latest = workspace.get(key) ?? statefulSet
        if latest["status"] != status { workspace.put(latest.setting(["status"], status), as: key) }
    }

    mutating func createStatefulPod(
        _ ordinal: Int,
        revision: String,
        of statefulSet: JSONValue,
        _ workspace: inout Workspace
    ) {
        let uid = statefulSet.metaUID ?? ""
        let name = "\(statefulSet.metaName)-\(ordinal)"
        let template = revisionTemplates[uid]?[revision] ?? statefulSet[path: ["spec", "template"]] ?? .object([:])
        let owner = statefulSet.objectKey(kind: "StatefulSet")
        var extraSpec: [String: JSONValue] = ["hostname": .string(name)]
        if let service = statefulSet[path: ["spec", "serviceName"]]?.stringValue, !service.isEmpty {
            extraSpec["subdomain"] = .string(service)
        }
        let (pod, record) = makePod(
            name: name,
            template: template,
            owner: statefulSet,
            extraLabels: [
                "controller-revision-hash": revision,
                "statefulset.kubernetes.io/pod-name": name,
                "apps.kubernetes.io/pod-index": String(ordinal),
            ],
            bornAt: settling.contains(owner) ? settledSince : workspace.now,
            extraSpec: extraSpec
        )
        createPod(pod, record: record, &workspace)
        recorder.record(
            about: statefulSet,
            type: "Normal",
            reason: "SuccessfulCreate",
            message: "create Pod \(name) in StatefulSet \(statefulSet.metaName) successful",
            source: .controller("statefulset-controller"),
            at: workspace.now,
            into: &workspace
        )
    }

    mutating func deleteStatefulPod(
        _ pod: JSONValue,
        of statefulSet: JSONValue,
        _ workspace: inout Workspace,
        queue: inout WorkQueue
    ) {
        deletePod(pod.objectKey(kind: "Pod"), &workspace, queue: &queue)
        recorder.record(
            about: statefulSet,
            type: "Normal",
            reason: "SuccessfulDelete",
            message: "delete Pod \(pod.metaName) in StatefulSet \(statefulSet.metaName) successful",
            source: .controller("statefulset-controller"),
            at: workspace.now,
            into: &workspace
        )
    }
}

import Foundation

/// The ReplicaSet controller: keeps `spec.replicas` pods alive and reports how many are ready and available.
///
/// Follows `pkg/controller/replicaset`: pods that are terminating, succeeded or failed are not active
/// and are replaced; surplus pods are deleted in rank order (unscheduled, pending and unready first,
/// then the most restarted and the newest); a pod creation that admission rejects (ResourceQuota,
/// LimitRange) is a `FailedCreate` warning on the ReplicaSet and a `ReplicaFailure` condition, retried
/// with back-off. The status counts the pods found at the start of the sync, as upstream does.
extension ControlPlane {
    mutating func syncReplicaSet(_ key: ObjectKey, _ workspace: inout Workspace, queue: inout WorkQueue) {
        guard let replicaSet = workspace.get(key) else { return }
        guard let uid = replicaSet.metaUID else {
            carry.insert(key)
            return
        }
        let owner = replicaSet.controllerReference?.uid
        if replicaSets[key]?.uid != uid {
            replicaSets[key] = (uid, owner)
            keyOfUID[uid] = key
            if let owner { replicaSetsByOwner[owner, default: []].insert(key) }
        }
        if unmanagedUIDs.contains(uid) || owner.map(unmanagedUIDs.contains) == true {
            unmanagedUIDs.insert(uid)
            return
        }
        if replicaSet.isTerminating { return }
        let now = workspace.now
        let desired = Int(replicaSet[path: ["spec", "replicas"]]?.intValue ?? 1)
        let minReadySeconds = Double(replicaSet[path: ["spec", "minReadySeconds"]]?.intValue ?? 0)

        var active: [(key: ObjectKey, pod: JSONValue)] = []
        var terminating = 0
        for podKey in podsByOwner[uid] ?? [] {
            guard let pod = workspace.get(podKey) else { continue }
            if pod.isTerminating {
                terminating += 1
                continue
            }
            let phase = pod[path: ["status", "phase"]]?.stringValue
            if phase == "Succeeded" || phase == "Failed" { continue }
            active.append((podKey, pod))
        }
        active.sort { $0.key.name < $1.key.name }

        var failure: String?
        let difference = active.count - desired
        if difference < 0 {
            failure = createPods(count: min(-difference, 500), for: replicaSet, key: key, &workspace)
        } else if difference > 0 {
            for victim in PodRanking.deletionOrder(active.map(\.pod), now: now).prefix(difference) {
                let podKey = victim.objectKey(kind: "Pod")
                deletePod(podKey, &workspace, queue: &queue)
                recorder.record(
                    about: replicaSet,
                    type: "Normal",
                    reason: "SuccessfulDelete",
                    message: "Deleted pod: \(podKey.name)",
                    source: .controller("replicaset-controller"),
                    at: now,
                    into: &workspace
                )
            }
        }

        var ready = 0
        var available = 0
        var nextAvailable: Date?
        for (_, pod) in active {
            guard let readySince = PodRanking.readySince(pod) else { continue }
            ready += 1
            if minReadySeconds == 0 || readySince + minReadySeconds < now {
                available += 1
            } else {
                nextAvailable = earliest(nextAvailable, readySince + minReadySeconds + 0.001)
            }
        }
        if let nextAvailable { wake(key, at: nextAvailable) }

        let templateLabels = replicaSet[path: ["spec", "template", "metadata", "labels"]]?.stringDictionary ?? [:]
        let fullyLabeled = active.filter { entry in
            let labels = entry.pod.metaLabels
            return templateLabels.allSatisfy { labels[$0.key] == $0.value }
        }.count
        var conditions = replicaSet[path: ["status", "conditions"]]?.arrayValue ?? []
        let hasFailure = conditions.contains { $0["type"]?.stringValue == "ReplicaFailure" }
        if let failure, !hasFailure {
            conditions.append([
                "type": "ReplicaFailure",
                "status": "True",
                "lastTransitionTime": .string(KubeTimestamp.seconds(now)),
                "reason": "FailedCreate",
                "message": .string(failure),
            ])
        } else if failure == nil && hasFailure {
            conditions.removeAll { $0["type"]?.stringValue == "ReplicaFailure" }
        }
        let status = JSONValue.compact([
            "replicas": .integer(active.count),
            "fullyLabeledReplicas": .nonZero(fullyLabeled),
            "readyReplicas": .nonZero(ready),
            "availableReplicas": .nonZero(available),
            "terminatingReplicas": .integer(terminating),
            "observedGeneration": .int(workspace.predictedGeneration(key)),
            "conditions": conditions.isEmpty ? nil : .array(conditions),
        ])
        let current = workspace.get(key) ?? replicaSet
        if current["status"] != status {
            workspace.put(current.setting(["status"], status), as: key)
            if let owner, let ownerKey = keyOfUID[owner] { queue.add(ownerKey) }
        }
    }

    /// Creates up to `count` pods; returns the admission error that stopped it, if one did.
    mutating func createPods(
        count: Int,
        for replicaSet: JSONValue,
        key: ObjectKey,
        _ workspace: inout Workspace
    )
        -> String?
    {
        let uid = replicaSet.metaUID ?? ""
        let now = workspace.now
        let template = replicaSet[path: ["spec", "template"]] ?? .object([:])
        let owner = topOwner(of: replicaSet, workspace: workspace)
        let behaviour = declaredBehaviour(
            owner: owner,
            containers: template[path: ["spec", "containers"]]?.arrayValue ?? []
        )
        let born = settling.contains(owner) ? settledSince : now
        for _ in 0..<count {
            let name = generatedPodName(owner: replicaSet, workspace: workspace)
            if behaviour.kind.rejectsPodCreation && podsCreated[uid, default: 0] >= (behaviour.allowed ?? 0) {
                let message = Admission.rejection(behaviour, podName: name, template: template)
                recorder.record(
                    about: replicaSet,
                    type: "Warning",
                    reason: "FailedCreate",
                    message: "Error creating: \(message)",
                    source: .controller("replicaset-controller"),
                    at: now,
                    into: &workspace
                )
                let attempts = rejections[uid, default: 0] + 1
                rejections[uid] = attempts
                wake(key, at: now + scaled(min(pow(2, Double(attempts - 1)), 60)))
                return message
            }
            let (pod, record) = makePod(
                name: name,
                template: template,
                owner: replicaSet,
                extraLabels: [:],
                bornAt: born
            )
            createPod(pod, record: record, &workspace)
            recorder.record(
                about: replicaSet,
                type: "Normal",
                reason: "SuccessfulCreate",
                message: "Created pod: \(name)",
                source: .controller("replicaset-controller"),
                at: now,
                into: &workspace
            )
        }
        rejections[uid] = nil
        return nil
    }
}

/// Admission plugins' rejection messages, as the API server returns them and the controller reports them.
enum Admission {
    static func rejection(_ behaviour: PodBehaviour, podName: String, template: JSONValue) -> String {
        let prefix = "pods \"\(podName)\" is forbidden: "
        if let message = behaviour.message { return prefix + message }
        let container = template[path: ["spec", "containers"]]?.arrayValue?.first
        switch behaviour.kind {
        case .limitRange:
            let limit = container?[path: ["resources", "limits", "cpu"]]?.stringValue ?? "2"
            return prefix + "maximum cpu usage per Container is 1, but limit is \(limit)"
        default:
            let requested = container?[path: ["resources", "requests", "cpu"]]?.stringValue ?? "1"
            let quota = behaviour.resource ?? "compute-quota"
            return prefix + "exceeded quota: \(quota), requested: cpu=\(requested), used: cpu=8, limited: cpu=8"
        }
    }
}

/// How controllers rank pods: which to delete first, and since when a pod is ready.
enum PodRanking {
    /// When the pod's Ready condition last became True, if it is ready.
    static func readySince(_ pod: JSONValue) -> Date? {
        for condition in pod[path: ["status", "conditions"]]?.arrayValue ?? []
        where condition["type"]?.stringValue == "Ready" {
            guard condition["status"]?.stringValue == "True" else { return nil }
            return condition["lastTransitionTime"]?.stringValue.flatMap(KubeTimestamp.parse) ?? .distantPast
        }
        return nil
    }

    static func restarts(_ pod: JSONValue) -> Int64 {
        (pod[path: ["status", "containerStatuses"]]?.arrayValue ?? []).reduce(0) { total, status in
            total + (status["restartCount"]?.intValue ?? 0)
        }
    }

    /// `controller.ActivePodsWithRanks`: unscheduled before scheduled, pending before running, unready
    /// before ready, ready for less time first, more restarts first, newer first.
    static func deletionOrder(_ pods: [JSONValue], now: Date) -> [JSONValue] {
        func phaseRank(_ pod: JSONValue) -> Int {
            switch pod[path: ["status", "phase"]]?.stringValue {
            case "Pending": 0
            case "Unknown": 1
            case "Running": 2
            default: 0
            }
        }
        func key(_ pod: JSONValue) -> (Int, Int, Int, Double, Int64, String, String) {
            let scheduled = pod[path: ["spec", "nodeName"]] == nil ? 0 : 1
            let ready = readySince(pod)
            let created = pod[path: ["metadata", "creationTimestamp"]]?.stringValue ?? ""
            return (
                scheduled, phaseRank(pod), ready == nil ? 0 : 1,
                -(ready?.timeIntervalSince1970 ?? 0), -restarts(pod), created, pod.metaName
            )
        }
        return pods.sorted { lhs, rhs in
            let left = key(lhs)
            let right = key(rhs)
            if left.0 != right.0 { return left.0 < right.0 }
            if left.1 != right.1 { return left.1 < right.1 }
            if left.2 != right.2 { return left.2 < right.2 }
            if left.3 != right.3 { return left.3 < right.3 }
            if left.4 != right.4 { return left.4 < right.4 }
            if left.5 != right.5 { return left.5 > right.5 }
            return left.6 > right.6
        }
    }
}

import Foundation
import KubeModel

extension RolloutObservation {
    /// The Warning events about this workload, its ReplicaSets and its pods, most recent first (ties by
    /// object, then event name), at most `limit`: the "recent events" of the report.
    ///
    /// Ownership is by controller reference, as for the rules, so another workload's events never show
    /// up in this one's report; an event without a UID matches by kind and name.
    public func warningEvents(limit: Int = 10) -> [Event] {
        let workloadMeta = workload.metadata
        let kind = workload.kind.kind
        var owners: [(kind: String, meta: ObjectMeta)] = [(kind, workloadMeta)]
        if case .deployment = workload {
            for replicaSet in replicaSets where replicaSet.metadata.isControlled(by: workloadMeta, kind: kind) {
                owners.append(("ReplicaSet", replicaSet.metadata))
            }
        }
        let podOwners = owners.filter { $0.kind == (kind == "Deployment" ? "ReplicaSet" : kind) }
        for pod in pods where podOwners.contains(where: { pod.metadata.isControlled(by: $0.meta, kind: $0.kind) }) {
            owners.append(("Pod", pod.metadata))
        }
        let related = events.filter { event in
            guard event.isWarning else { return false }
            let object = event.involvedObject
            return owners.contains { owner in
                guard object.kind == owner.kind else { return false }
                if let namespace = object.namespace, let ownerNamespace = owner.meta.namespace,
                    namespace != ownerNamespace
                {
                    return false
                }
                if let uid = object.uid, let ownerUID = owner.meta.uid { return uid == ownerUID }
                return object.name == owner.meta.name
            }
        }
        let sorted = related.sorted { lhs, rhs in
            let left = lhs.lastSeen?.date ?? .distantPast
            let right = rhs.lastSeen?.date ?? .distantPast
            if left != right { return left > right }
            return (lhs.involvedObject.name ?? "", lhs.metadata.name) < (
                rhs.involvedObject.name ?? "", rhs.metadata.name
            )
        }
        return Array(sorted.prefix(max(0, limit)))
    }
}

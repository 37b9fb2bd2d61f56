import Foundation

/// The scenario's own actions: creating the declared workloads at the start and changing them later,
/// as a user running `kubectl apply`, `kubectl scale` or `kubectl rollout restart` would.
extension ControlPlane {
    /// When the revision 1 of `rolled-out` workloads was created: ten minutes before the scenario starts.
    var settledSince: Date { (startedAt ?? Date(timeIntervalSince1970: 0)) - 600 }

    mutating func bootstrap(_ workspace: inout Workspace, queue: inout WorkQueue) {
        let namespaces = Set(configuration.workloads.map { $0.key.namespace ?? "default" })
        for namespace in namespaces.sorted() {
            let key = ObjectKey(kind: "Namespace", namespace: nil, name: namespace)
            guard workspace.get(key) == nil else { continue }
            workspace.put(
                [
                    "apiVersion": "v1",
                    "kind": "Namespace",
                    "metadata": [
                        "name": .string(namespace), "labels": ["kubernetes.io/metadata.name": .string(namespace)],
                    ],
                    "spec": ["finalizers": ["kubernetes"]],
                    "status": ["phase": "Active"],
                ],
                as: key
            )
        }
        for workload in configuration.workloads {
            let key = workload.key
            // An object of the same name in the scenario's `objects` wins; the declaration still gives behaviour.
            guard workspace.get(key) == nil else { continue }
            var object = workload.object
            if workload.start == .rolledOut {
                settling.insert(key)
                object.set(["metadata", "creationTimestamp"], .string(KubeTimestamp.seconds(settledSince)))
            }
            workspace.put(object, as: key)
        }
    }

    /// Applies the declared updates that are due, each workload's as separate writes.
    ///
    /// Two updates of one workload due at once (the simulator woke late on a loaded machine) are still
    /// two writes, one per call: a pipeline's two `kubectl apply`s are two generations, and a scenario
    /// that waits for the second generation must see it. The next call comes in the same transaction's
    /// next reconcile round, or at once after it, as the wake-up is already due.
    mutating func applyDueUpdates(_ workspace: inout Workspace, queue: inout WorkQueue) {
        guard let startedAt else { return }
        var updated: Set<ObjectKey> = []
        while nextUpdateIndex < scheduledUpdates.count,
            startedAt + scheduledUpdates[nextUpdateIndex].at <= workspace.now
        {
            let scheduled = scheduledUpdates[nextUpdateIndex]
            let workload = configuration.workloads[scheduled.workload]
            let key = workload.key
            if updated.contains(key) { break }
            updated.insert(key)
            nextUpdateIndex += 1
            let update = scheduled.update
            settling.remove(key)
            guard var object = workspace.get(key) else { continue }
            if update.delete {
                workspace.remove(key)
                continue
            }
            let isPod = workload.kind == .pod
            if let image = update.image, !isPod {
                let path = ["spec", "template", "spec", "containers"]
                let containers = (object[path: path]?.arrayValue ?? []).map { container -> JSONValue in
                    guard container["name"]?.stringValue == workload.containerName else { return container }
                    return container.setting(["image"], .string(image))
                }
                object.set(path, .array(containers))
            }
            if let replicas = update.replicas, !isPod { object.set(["spec", "replicas"], .integer(replicas)) }
            if let paused = update.paused { object.set(["spec", "paused"], paused ? .bool(true) : nil) }
            if update.restart && !isPod {
                object.set(
                    ["spec", "template", "metadata", "annotations", "kubectl.kubernetes.io/restartedAt"],
                    .string(KubeTimestamp.seconds(workspace.now))
                )
            }
            workspace.put(object, as: key)
            queue.add(key)
        }
    }
}

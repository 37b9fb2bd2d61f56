import Foundation

/// Plays a scenario against the cluster: seeds the initial objects, applies timeline steps when their
/// offsets arrive, and calls the behaviour model when it asked to be woken.
///
/// Time comes from the cluster's `SimulationClock` (an injected clock), so a test with a manual clock
/// decides exactly when each step happens.
struct ScenarioRunner: Sendable {
    let cluster: SimulatedCluster
    let timeline: [TimelineStep]
    /// Where problems found while playing (a patch of an object that is gone) are reported.
    let diagnostics: @Sendable (String) -> Void
    let file: String

    /// The namespaces every cluster has.
    static let standardNamespaces = ["default", "kube-node-lease", "kube-public", "kube-system"]

    /// Creates the standard namespaces and the scenario's objects (and any namespace they name).
    func seed(_ objects: [JSONValue]) {
        cluster.transaction { (store: inout ObjectStore, now: Date) -> Void in
            for namespace in Self.standardNamespaces {
                Self.ensureNamespace(namespace, in: &store, now: now)
            }
            for object in objects {
                Self.upsert(object, in: &store, now: now)
            }
        }
    }

    /// Plays the timeline until cancelled.
    func run() async {
        var next = 0
        cluster.reconcileNow()
        while !Task.isCancelled {
            let elapsed = cluster.clock.elapsed
            while next < timeline.count, timeline[next].at <= elapsed {
                apply(timeline[next])
                next += 1
            }
            if let wake = cluster.nextWake, cluster.clock.offset(of: wake) <= elapsed {
                cluster.reconcileNow(lateness: elapsed - cluster.clock.offset(of: wake))
                if let again = cluster.nextWake, cluster.clock.offset(of: again) <= elapsed {
                    // The behaviour asked for a time already past twice in a row: wait a little instead of spinning.
                    await waitForChange(until: elapsed + .milliseconds(10))
                }
                continue
            }
            var deadline: Duration? = next < timeline.count ? timeline[next].at : nil
            if let wake = cluster.nextWake {
                let offset = cluster.clock.offset(of: wake)
                deadline = min(deadline ?? offset, offset)
            }
            await waitForChange(until: deadline)
        }
    }

    /// Sleeps until the deadline (forever when nil), or until the cluster signals an earlier wake-up.
    private func waitForChange(until deadline: Duration?) async {
        let clock = cluster.clock
        let signal = cluster.wakeSignal
        await withTaskGroup(of: Void.self) { group in
            if let deadline {
                group.addTask {
                    do {
                        try await clock.sleep(untilOffset: deadline)
                    } catch {
                        // Cancelled because the signal won the race or the scenario is stopping.
                    }
                }
            }
            group.addTask { await signal.wait() }
            _ = await group.next()
            group.cancelAll()
        }
    }

    /// Applies one step in one transaction.
    func apply(_ step: TimelineStep) {
        let warning = cluster.transaction { (store: inout ObjectStore, now: Date) -> String? in
            Self.apply(step.action, to: &store, now: now)
        }
        if let warning {
            diagnostics("\(file):\(step.line.map(String.init) ?? "?"): timeline step at \(step.at): \(warning)")
        }
    }

    /// Applies an action to the store; returns a warning when it could not be applied.
    static func apply(_ action: TimelineAction, to store: inout ObjectStore, now: Date) -> String? {
        switch action {
        case .create(let object), .replace(let object):
            upsert(object, in: &store, now: now)
            return nil
        case .mergePatch(let patch):
            let kind = patch["kind"]?.stringValue ?? ""
            guard let type = ResourceType.storing(kind: kind) else { return "unknown kind \(kind)" }
            let namespace = type.namespaced ? patch[path: ["metadata", "namespace"]]?.stringValue ?? "default" : ""
            let name = patch[path: ["metadata", "name"]]?.stringValue ?? ""
            guard let existing = store.get(kind: kind, namespace: namespace, name: name) else {
                return "merge-patch of \(kind) \(namespace)/\(name), which does not exist"
            }
            var patched = Patch.merge(existing.value, patch)
            ObjectDefaults.apply(&patched, type: type)
            _ = store.upsert(patched, type: type, now: now)
            return nil
        case .delete(let kind, let namespace, let name):
            guard let type = ResourceType.storing(kind: kind) else { return "unknown kind \(kind)" }
            let namespaceKey = type.namespaced ? namespace ?? "default" : ""
            guard store.get(kind: kind, namespace: namespaceKey, name: name) != nil else {
                return "delete of \(kind) \(namespaceKey)/\(name), which does not exist"
            }
            do throws(APIError) {
                _ = try store.delete(type: type, namespace: namespaceKey, name: name, now: now)
            } catch {
                return "delete of \(kind) \(namespaceKey)/\(name) failed: \(error.message)"
            }
            return nil
        case .log(let namespace, let pod, let container, let current, let previous):
            let existing = store.log(namespace: namespace, pod: pod, container: container)
            store.setLog(
                namespace: namespace,
                pod: pod,
                container: container,
                current: current ?? existing?.current ?? "",
                previous: previous ?? existing?.previous
            )
            return nil
        }
    }

    /// Creates or replaces a scenario object with defaults, creating its namespace if needed.
    static func upsert(_ object: JSONValue, in store: inout ObjectStore, now: Date) {
        let apiVersion = object["apiVersion"]?.stringValue ?? ""
        let kind = object["kind"]?.stringValue ?? ""
        guard let type = ResourceType.of(apiVersion: apiVersion, kind: kind) ?? ResourceType.storing(kind: kind)
        else { return }
        var value = type.isView ? EventConversion.toCore(object) : object
        let storage = type.isView ? ResourceType.storing(kind: type.storageKind) ?? type : type
        if storage.namespaced {
            let namespace = value[path: ["metadata", "namespace"]]?.stringValue ?? "default"
            value.setValue(.string(namespace), at: ["metadata", "namespace"])
            ensureNamespace(namespace, in: &store, now: now)
        }
        ObjectDefaults.apply(&value, type: storage)
        _ = store.upsert(value, type: storage, now: now)
    }

    static func ensureNamespace(_ name: String, in store: inout ObjectStore, now: Date) {
        guard store.get(kind: "Namespace", namespace: "", name: name) == nil else { return }
        let namespace: JSONValue = ["apiVersion": "v1", "kind": "Namespace", "metadata": ["name": .string(name)]]
        _ = store.upsert(namespace, type: APIHandler.namespaceType, now: now)
    }
}

import Foundation

/// The scheduler and the kubelet: pods are placed on a node and played by `PodLifecycle`.
extension ControlPlane {
    /// Syncs one pod: writes its status as of now, records its events and logs, and sets its next timer.
    mutating func syncPod(_ key: ObjectKey, _ workspace: inout Workspace, queue: inout WorkQueue) {
        guard let pod = workspace.get(key) else {
            forgetPod(key, &workspace, queue: &queue)
            return
        }
        guard let uid = pod.metaUID else {
            carry.insert(key)
            return
        }
        var record = pods[key] ?? adopt(pod, now: workspace.now)
        if record.uid == nil { record.uid = uid }
        let now = workspace.now
        guard record.managed else {
            // The scenario plays this pod's containers, but a deletion still needs a kubelet to finish it.
            if pod.isTerminating {
                let deleted = record.deletionRequestedAt ?? now
                record.deletionRequestedAt = deleted
                if now >= deleted + scaled(KubeletTiming.termination) {
                    pods[key] = record
                    workspace.remove(key)
                    forgetPod(key, &workspace, queue: &queue)
                    return
                }
                wake(key, at: deleted + scaled(KubeletTiming.termination))
            }
            pods[key] = record
            return
        }
        if record.behaviour == nil {
            record.behaviour = effectiveBehaviour(for: pod, record: record, workspace: workspace)
            if record.podIP.isEmpty { place(&record) }
        }
        if pod.isTerminating && record.deletionRequestedAt == nil {
            record.deletionRequestedAt = now
        }
        if let deleted = record.deletionRequestedAt, now >= deleted + scaled(KubeletTiming.termination) {
            // The containers have stopped: the kubelet removes the pod for good.
            emitEvents(for: pod, record: &record, upTo: now, workspace: &workspace)
            pods[key] = record
            workspace.remove(key)
            forgetPod(key, &workspace, queue: &queue)
            return
        }

        let facts = podFacts(pod, record: record)
        let life = PodLifecycle(facts: facts).evaluate(at: now)
        var updated = pod
        if life.scheduled && pod[path: ["spec", "nodeName"]] == nil {
            updated.set(["spec", "nodeName"], .string(facts.nodeName))
        }
        updated.set(["status"], life.statusJSON(facts: facts, previous: pod["status"]))
        if updated != pod {
            workspace.put(updated, as: key)
            if let ownerUID = record.ownerUID, let ownerKey = keyOfUID[ownerUID] { queue.add(ownerKey) }
        }
        emitEvents(life.events, for: updated, record: &record, upTo: now, node: facts.nodeName, workspace: &workspace)
        writeLogs(life, pod: updated, record: &record, workspace: &workspace)

        var next = life.nextChange
        if let deleted = record.deletionRequestedAt {
            next = earliest(next, deleted + scaled(KubeletTiming.termination))
        }
        if let next { wake(key, at: next) }
        pods[key] = record
    }

    // MARK: Facts and placement

    /// Chooses a node round-robin and an address on it, as a scheduler spreading pods would.
    mutating func place(_ record: inout PodRecord) {
        let nodes = max(1, configuration.nodeCount)
        record.nodeIndex = nodeCursor % nodes
        nodeCursor += 1
        let host = addressCursor[record.nodeIndex, default: 0]
        addressCursor[record.nodeIndex] = host + 1
        record.podIP = "10.244.\(record.nodeIndex + 1).\(host % 250 + 2)"
    }

    func podFacts(_ pod: JSONValue, record: PodRecord) -> PodFacts {
        let spec = pod["spec"]
        func containers(_ key: String, isInit: Bool) -> [ContainerFacts] {
            (spec?[key]?.arrayValue ?? []).map { container in
                let image = container["image"]?.stringValue ?? ""
                return ContainerFacts(
                    name: container["name"]?.stringValue ?? "app",
                    image: image,
                    pullPolicy: container["imagePullPolicy"]?.stringValue ?? Naming.defaultPullPolicy(image),
                    isInit: isInit
                )
            }
        }
        let nodes = configuration.nodeNames
        let nodeName =
            spec?["nodeName"]?.stringValue ?? nodes[min(record.nodeIndex, nodes.count - 1)]
        let nodeIndex = nodes.firstIndex(of: nodeName) ?? record.nodeIndex
        return PodFacts(
            namespace: pod.metaNamespace ?? "default",
            name: pod.metaName,
            uid: pod.metaUID ?? "",
            nodeName: nodeName,
            hostIP: "172.18.0.\(nodeIndex + 2)",
            podIP: record.podIP.isEmpty ? "10.244.\(nodeIndex + 1).2" : record.podIP,
            containers: containers("containers", isInit: false),
            initContainers: containers("initContainers", isInit: true),
            restartPolicy: spec?["restartPolicy"]?.stringValue ?? "Always",
            bornAt: record.bornAt,
            behaviour: record.behaviour ?? configuration.defaultBehaviour,
            scale: configuration.timeScale,
            nodeCount: configuration.nodeCount,
            deletionRequestedAt: record.deletionRequestedAt
        )
    }

    // MARK: Behaviour resolution

    /// The top-level workload a pod (or pod template) belongs to: kind and name, for rules and declarations.
    func topOwner(of object: JSONValue, workspace: Workspace) -> ObjectKey {
        let namespace = object.metaNamespace
        guard let owner = object.controllerReference else {
            return ObjectKey(
                kind: object.metaKind.isEmpty ? "Pod" : object.metaKind,
                namespace: namespace,
                name: object.metaName
            )
        }
        if owner.kind == "ReplicaSet",
            let replicaSet = workspace.get(ObjectKey(kind: "ReplicaSet", namespace: namespace, name: owner.name)),
            let deployment = replicaSet.controllerReference
        {
            return ObjectKey(kind: deployment.kind, namespace: namespace, name: deployment.name)
        }
        return ObjectKey(kind: owner.kind, namespace: namespace, name: owner.name)
    }

    /// What pods with these containers, belonging to `owner`, do: the declaration's behaviour for
    /// the image, else the first matching rule, else the scenario's default.
    func declaredBehaviour(owner: ObjectKey, containers: [JSONValue]) -> PodBehaviour {
        let images = containers.compactMap { $0["image"]?.stringValue }
        if let byImage = declaredBehaviours[owner] {
            for image in images {
                if let behaviour = byImage[image] { return behaviour }
            }
        }
        for rule in configuration.rules
        where rule.matches(kind: owner.kind, namespace: owner.namespace ?? "default", name: owner.name, images: images)
        {
            return rule.behaviour
        }
        return configuration.defaultBehaviour
    }

    /// The behaviour this pod plays.
    ///
    /// Some behaviours touch one pod per owner: `evicted` evicts the first pod its owner created; the
    /// replacement, like the others, is healthy.
    func effectiveBehaviour(for pod: JSONValue, record: PodRecord, workspace: Workspace) -> PodBehaviour {
        let owner = topOwner(of: pod, workspace: workspace)
        var behaviour = declaredBehaviour(
            owner: owner,
            containers: pod[path: ["spec", "containers"]]?.arrayValue ?? []
        )
        if behaviour.kind == .evicted && record.ordinal != 0 {
            behaviour = PodBehaviour(kind: .healthy, after: behaviour.after)
        }
        if behaviour.kind.rejectsPodCreation {
            // Admission let this pod through (it was within the allowance): it runs.
            behaviour = PodBehaviour(kind: .healthy)
        }
        return behaviour
    }

    // MARK: Events and logs

    mutating func emitEvents(
        _ events: [TimedEvent],
        for pod: JSONValue,
        record: inout PodRecord,
        upTo now: Date,
        node: String,
        workspace: inout Workspace
    ) {
        let since = record.emittedThrough
        for event in events where event.time <= now {
            if let since, event.time <= since { continue }
            recorder.record(
                about: pod,
                type: event.type,
                reason: event.reason,
                message: event.message,
                source: event.component == .scheduler ? .scheduler : .kubelet(node: node),
                fieldPath: event.fieldPath,
                at: event.time,
                into: &workspace
            )
        }
        record.emittedThrough = now
    }

    /// Records what happened since the last sync of a pod about to be removed (its Killing events).
    mutating func emitEvents(for pod: JSONValue, record: inout PodRecord, upTo now: Date, workspace: inout Workspace) {
        let facts = podFacts(pod, record: record)
        let life = PodLifecycle(facts: facts).evaluate(at: now)
        emitEvents(life.events, for: pod, record: &record, upTo: now, node: facts.nodeName, workspace: &workspace)
    }

    /// Writes each container's log when a new instance has started, or the current one has stopped,
    /// since the last write.
    ///
    /// An instance's last lines (its crash) are written in the same transaction that shows it
    /// terminated, as a container runtime's log file holds them by the time the kubelet reports the exit:
    /// a client that reads the log on seeing the termination finds the crash in it.
    mutating func writeLogs(_ life: PodLifeState, pod: JSONValue, record: inout PodRecord, workspace: inout Workspace) {
        let statuses = life.initContainerStatuses + life.containerStatuses
        for status in statuses {
            let name = status.facts.name
            let starts = life.instanceStarts[name] ?? []
            guard let current = status.segment.currentInstance, current < starts.count else { continue }
            let running = isRunning(status.segment)
            // Which instances `logs` and `logs --previous` serve, and whether the current one still runs.
            let previous = (status.segment.previousInstance ?? -1) + 1
            let signature = ((current * (KubeletTiming.maxInstances + 1) + previous) * 2) + (running ? 0 : 1)
            if record.loggedInstances[name] == signature + 1 { continue }
            record.loggedInstances[name] = signature + 1
            let failing = name == (record.behaviour?.container ?? life.containerStatuses.first?.facts.name)
            let behaviour = failing ? (record.behaviour ?? configuration.defaultBehaviour) : PodBehaviour.healthy
            func text(_ instance: Int) -> String {
                ContainerOutput.text(
                    behaviour: behaviour,
                    container: name,
                    image: status.facts.image,
                    startedAt: starts[instance],
                    crashes: instance < starts.count - 1 || !running
                )
            }
            workspace.setLog(
                namespace: pod.metaNamespace ?? "default",
                pod: pod.metaName,
                container: name,
                current: text(current),
                previous: status.segment.previousInstance.flatMap { $0 < starts.count ? text($0) : nil }
            )
        }
    }

    func isRunning(_ segment: ContainerSegment) -> Bool {
        if case .running = segment.state { return true }
        return false
    }

    // MARK: Creating and deleting pods

    /// A pod for `owner` from its template, as the API server stores it after defaulting and admission.
    mutating func makePod(
        name: String,
        template: JSONValue,
        owner: JSONValue,
        extraLabels: [String: String],
        bornAt: Date,
        nodeIndex: Int? = nil,
        extraSpec: [String: JSONValue] = [:]
    ) -> (JSONValue, PodRecord) {
        let namespace = owner.metaNamespace ?? "default"
        var labels = template[path: ["metadata", "labels"]]?.stringDictionary ?? [:]
        for (key, value) in extraLabels { labels[key] = value }
        var metadata: [String: JSONValue] = [
            "name": .string(name),
            "namespace": .string(namespace),
            "labels": .strings(labels),
            "ownerReferences": [
                [
                    "apiVersion": owner["apiVersion"] ?? "apps/v1",
                    "kind": owner["kind"] ?? "ReplicaSet",
                    "name": .string(owner.metaName),
                    "uid": .string(owner.metaUID ?? ""),
                    "controller": true,
                    "blockOwnerDeletion": true,
                ]
            ],
        ]
        if let annotations = template[path: ["metadata", "annotations"]], annotations != .object([:]) {
            metadata["annotations"] = annotations
        }
        if owner.metaKind != "StatefulSet" { metadata["generateName"] = .string(owner.metaName + "-") }
        if let now = startedAt, bornAt < now {
            // A pod of an already rolled-out workload: it has existed since it was born.
            metadata["creationTimestamp"] = .string(KubeTimestamp.seconds(bornAt))
        }
        var spec = PodDefaults.spec(template["spec"] ?? .object([:]))
        for (key, value) in extraSpec { spec[key] = value }
        let pod: JSONValue = [
            "apiVersion": "v1",
            "kind": "Pod",
            "metadata": .object(metadata),
            "spec": spec,
            "status": ["phase": "Pending", "qosClass": .string(PodDefaults.qosClass(spec))],
        ]
        let ownerUID = owner.metaUID ?? ""
        let ordinal = podsCreated[ownerUID, default: 0]
        podsCreated[ownerUID] = ordinal + 1
        var record = PodRecord(
            uid: nil,
            ownerKey: owner.objectKey(kind: owner.metaKind),
            ownerUID: ownerUID,
            bornAt: bornAt,
            ordinal: ordinal,
            nodeIndex: 0,
            podIP: "",
            managed: true
        )
        if let nodeIndex {
            record.nodeIndex = nodeIndex
            let host = addressCursor[nodeIndex, default: 0]
            addressCursor[nodeIndex] = host + 1
            record.podIP = "10.244.\(nodeIndex + 1).\(host % 250 + 2)"
        } else {
            place(&record)
        }
        return (pod, record)
    }

    /// Stores a new pod and indexes it under its owner; the kubelet takes it up once the store names it.
    mutating func createPod(_ pod: JSONValue, record: PodRecord, _ workspace: inout Workspace) {
        let key = pod.objectKey(kind: "Pod")
        workspace.put(pod, as: key)
        pods[key] = record
        if let ownerUID = record.ownerUID { podsByOwner[ownerUID, default: []].insert(key) }
        carry.insert(key)
    }

    /// A unique `<owner>-xxxxx` name for the next pod of `owner`.
    func generatedPodName(owner: JSONValue, workspace: Workspace) -> String {
        let base = owner.metaName
        var attempt = podsCreated[owner.metaUID ?? "", default: 0]
        while true {
            let name = "\(base)-\(Naming.suffix("\(base)#\(attempt)"))"
            let key = ObjectKey(kind: "Pod", namespace: owner.metaNamespace, name: name)
            if workspace.get(key) == nil && pods[key] == nil { return name }
            attempt += 1
        }
    }

    /// Deletes a pod gracefully: the API server sets `deletionTimestamp`; the kubelet stops it and removes it.
    ///
    /// As the API server decides (`ObjectStore.gracePeriod`), a pod that never reached a node or has
    /// finished has nothing to stop and is removed at once.
    mutating func deletePod(_ key: ObjectKey, _ workspace: inout Workspace, queue: inout WorkQueue) {
        guard var pod = workspace.get(key), !pod.isTerminating else { return }
        let grace = ObjectStore.gracePeriod(of: pod, requested: nil)
        if grace == 0 {
            workspace.remove(key)
            forgetPod(key, &workspace, queue: &queue)
            return
        }
        pod.set(["metadata", "deletionTimestamp"], .string(KubeTimestamp.seconds(workspace.now + Double(grace))))
        pod.set(["metadata", "deletionGracePeriodSeconds"], .int(grace))
        workspace.put(pod, as: key)
        if var record = pods[key] {
            record.deletionRequestedAt = workspace.now
            pods[key] = record
        }
        queue.add(key)
    }
}

/// What the API server adds to a pod spec on creation (defaulting), so created pods look as a real
/// cluster shows them.
enum PodDefaults {
    static func spec(_ template: JSONValue) -> JSONValue {
        var spec = template.objectValue ?? [:]
        func containers(_ key: String) {
            guard let list = spec[key]?.arrayValue else { return }
            spec[key] = .array(
                list.map { container in
                    var container = container
                    let image = container["image"]?.stringValue ?? ""
                    if container["imagePullPolicy"] == nil {
                        container["imagePullPolicy"] = .string(Naming.defaultPullPolicy(image))
                    }
                    if container["terminationMessagePath"] == nil {
                        container["terminationMessagePath"] = "/dev/termination-log"
                    }
                    if container["terminationMessagePolicy"] == nil { container["terminationMessagePolicy"] = "File" }
                    if container["resources"] == nil { container["resources"] = .object([:]) }
                    return container
                }
            )
        }
        containers("containers")
        containers("initContainers")
        let defaults: [(String, JSONValue)] = [
            ("restartPolicy", "Always"), ("dnsPolicy", "ClusterFirst"), ("schedulerName", "default-scheduler"),
            ("securityContext", .object([:])), ("terminationGracePeriodSeconds", 30),
            ("serviceAccountName", "default"), ("serviceAccount", "default"), ("enableServiceLinks", true),
            ("preemptionPolicy", "PreemptLowerPriority"), ("priority", 0),
        ]
        for (key, value) in defaults where spec[key] == nil { spec[key] = value }
        if spec["tolerations"] == nil {
            spec["tolerations"] = [
                [
                    "key": "node.kubernetes.io/not-ready", "operator": "Exists", "effect": "NoExecute",
                    "tolerationSeconds": 300,
                ],
                [
                    "key": "node.kubernetes.io/unreachable", "operator": "Exists", "effect": "NoExecute",
                    "tolerationSeconds": 300,
                ],
            ]
        }
        return .object(spec)
    }

    /// `Guaranteed` when every container's requests equal its limits for cpu and memory, `BestEffort`
    /// when none sets any, else `Burstable`.
    static func qosClass(_ spec: JSONValue) -> String {
        let containers = spec["containers"]?.arrayValue ?? []
        var any = false
        var guaranteed = !containers.isEmpty
        for container in containers {
            let requests = container[path: ["resources", "requests"]]?.objectValue ?? [:]
            let limits = container[path: ["resources", "limits"]]?.objectValue ?? [:]
            if !requests.isEmpty || !limits.isEmpty { any = true }
            for resource in ["cpu", "memory"] {
                guard let limit = limits[resource] else {
                    guaranteed = false
                    continue
                }
                if let request = requests[resource], request != limit { guaranteed = false }
            }
        }
        if !any { return "BestEffort" }
        return guaranteed ? "Guaranteed" : "Burstable"
    }
}

/// The text a simulated container prints, so `kubectl logs` (and `--previous`) have something true to show.
enum ContainerOutput {
    static func text(
        behaviour: PodBehaviour,
        container: String,
        image: String,
        startedAt: Date,
        crashes: Bool
    ) -> String {
        let time = KubeTimestamp.seconds(startedAt)
        var lines = ["\(time) INFO starting \(container) (\(image))"]
        switch behaviour.kind {
        case .crashLoop, .crashThenRecover, .initCrash:
            if crashes {
                lines.append(
                    "\(time) ERROR "
                        + (behaviour.log
                            ?? "panic: failed to connect to database: dial tcp 10.96.0.12:5432: connect: connection refused")
                )
            } else {
                lines.append("\(time) INFO listening on :8080")
            }
        case .oom:
            lines.append("\(time) INFO loading dataset into memory")
            if let log = behaviour.log { lines.append("\(time) INFO \(log)") }
        case .neverReady, .slowStart:
            lines.append("\(time) INFO listening on :8080")
            lines.append(
                "\(time) WARN "
                    + (behaviour.log ?? "dependency check failed: upstream unavailable, reporting not ready")
            )
        default:
            lines.append("\(time) INFO " + (behaviour.log ?? "listening on :8080"))
        }
        return lines.joined(separator: "\n") + "\n"
    }
}

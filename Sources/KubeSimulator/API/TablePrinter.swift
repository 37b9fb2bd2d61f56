import Foundation

/// Server-side printing: the `meta.k8s.io/v1` Table rows `kubectl get` shows without `-o`.
///
/// Columns and cell rules follow kube-apiserver's printers for each kind (the Pod STATUS column, for one,
/// shows the waiting reason such as `CrashLoopBackOff` rather than the phase), so a person watching a
/// demo with `kubectl get pods -w` sees what a real cluster would show.
struct TablePrinter {
    let type: ResourceType
    let now: Date

    private struct Column {
        var name: String
        var type = "string"
        var format = ""
        var priority = 0
        var description = ""
    }

    private var columns: [Column] {
        let name = Column(name: "Name", format: "name", description: "Name must be unique within a namespace.")
        let age = Column(
            name: "Age",
            description: "CreationTimestamp is a timestamp representing the server time when this object was created."
        )
        switch type.storageKind {
        case "Pod":
            return [
                name,
                Column(name: "Ready", description: "The aggregate readiness state of this pod for accepting traffic."),
                Column(name: "Status", description: "The aggregate status of the containers in this pod."),
                Column(
                    name: "Restarts",
                    description:
                        "The number of times the containers in this pod have been restarted and when the last container in this pod has restarted."
                ),
                age, Column(name: "IP", priority: 1, description: "IP address allocated to the pod."),
                Column(name: "Node", priority: 1, description: "Name of the node the pod is assigned to."),
                Column(name: "Nominated Node", priority: 1, description: "Name of the node the pod is nominated to."),
                Column(name: "Readiness Gates", priority: 1, description: "Readiness gates of the pod."),
            ]
        case "Deployment":
            return [
                name, Column(name: "Ready", description: "Number of the pod with ready state"),
                Column(
                    name: "Up-to-date",
                    type: "integer",
                    description:
                        "Total number of non-terminated pods targeted by this deployment that have the desired template spec."
                ),
                Column(
                    name: "Available",
                    type: "integer",
                    description:
                        "Total number of available pods (ready for at least minReadySeconds) targeted by this deployment."
                ),
                age, Column(name: "Containers", priority: 1, description: "Names of each container in the template."),
                Column(
                    name: "Images",
                    priority: 1,
                    description: "Images referenced by each container in the template."
                ),
                Column(name: "Selector", priority: 1, description: "Label selector for pods."),
            ]
        case "ReplicaSet":
            return [
                name,
                Column(name: "Desired", type: "integer", description: "Replicas is the number of desired replicas."),
                Column(
                    name: "Current",
                    type: "integer",
                    description: "Replicas is the most recently observed number of replicas."
                ),
                Column(
                    name: "Ready",
                    type: "integer",
                    description: "The number of ready replicas for this replica set."
                ),
                age, Column(name: "Containers", priority: 1, description: "Names of each container in the template."),
                Column(
                    name: "Images",
                    priority: 1,
                    description: "Images referenced by each container in the template."
                ),
                Column(name: "Selector", priority: 1, description: "Selector is a label query over pods."),
            ]
        case "StatefulSet":
            return [
                name, Column(name: "Ready", description: "Number of the pod with ready state"), age,
                Column(name: "Containers", priority: 1, description: "Names of each container in the template."),
                Column(
                    name: "Images",
                    priority: 1,
                    description: "Images referenced by each container in the template."
                ),
            ]
        case "DaemonSet":
            return [
                name,
                Column(
                    name: "Desired",
                    type: "integer",
                    description: "The total number of nodes that should be running the daemon pod."
                ),
                Column(
                    name: "Current",
                    type: "integer",
                    description: "The number of nodes that are running at least 1 daemon pod."
                ),
                Column(
                    name: "Ready",
                    type: "integer",
                    description:
                        "The number of nodes that should be running the daemon pod and have one or more of the daemon pod running and ready."
                ),
                Column(
                    name: "Up-to-date",
                    type: "integer",
                    description: "The total number of nodes that are running updated daemon pod"
                ),
                Column(
                    name: "Available",
                    type: "integer",
                    description:
                        "The number of nodes that should be running the daemon pod and have one or more of the daemon pod running and available."
                ),
                Column(
                    name: "Node Selector",
                    description: "NodeSelector is a selector which must be true for the pod to fit on a node."
                ),
                age, Column(name: "Containers", priority: 1, description: "Names of each container in the template."),
                Column(
                    name: "Images",
                    priority: 1,
                    description: "Images referenced by each container in the template."
                ),
                Column(
                    name: "Selector",
                    priority: 1,
                    description: "A label query over pods that are managed by the daemon set."
                ),
            ]
        case "Job":
            return [
                name, Column(name: "Status", description: "Status of the job."),
                Column(
                    name: "Completions",
                    description: "The desired number of successfully finished pods the job should be run with."
                ),
                Column(name: "Duration", description: "Time required to complete the job."), age,
                Column(name: "Containers", priority: 1, description: "Names of each container in the template."),
                Column(
                    name: "Images",
                    priority: 1,
                    description: "Images referenced by each container in the template."
                ),
                Column(
                    name: "Selector",
                    priority: 1,
                    description: "A label query over pods that should match the pod count."
                ),
            ]
        case "Namespace":
            return [name, Column(name: "Status", description: "The status of the namespace"), age]
        case "Event":
            return [
                Column(name: "Last Seen", description: "Time when last this event was seen"),
                Column(
                    name: "Type",
                    description: "Type of this event (Normal, Warning), new types could be added in the future."
                ),
                Column(
                    name: "Reason",
                    description:
                        "This should be a short, machine understandable string that gives the reason for this event being generated."
                ),
                Column(name: "Object", description: "The object that this event is about."),
                Column(name: "Subobject", priority: 1, description: "The subobject this event is about."),
                Column(name: "Source", priority: 1, description: "The component reporting this event."),
                Column(name: "Message", description: "A human-readable description of the status of this operation."),
                Column(name: "First Seen", priority: 1, description: "The time at which the event was first recorded."),
                Column(name: "Count", priority: 1, description: "The number of times this event has occurred."),
                Column(name: "Name", format: "name", priority: 1, description: "Name of the event."),
            ]
        case "Node":
            return [
                name, Column(name: "Status", description: "The status of the node"),
                Column(name: "Roles", description: "The roles of the node"), age,
                Column(name: "Version", description: "Kubelet Version reported by the node."),
            ]
        default:
            return [name, age]
        }
    }

    /// The `columnDefinitions` of the table.
    var columnDefinitions: [JSONValue] {
        columns.map { column in
            [
                "name": .string(column.name), "type": .string(column.type), "format": .string(column.format),
                "description": .string(column.description), "priority": .int(Int64(column.priority)),
            ]
        }
    }

    /// One row for an object.
    func row(_ object: JSONValue, include: ObjectEncoding.IncludeObject) -> JSONValue {
        var row: [String: JSONValue] = ["cells": .array(cells(object))]
        switch include {
        case .none: break
        case .object: row["object"] = object
        case .metadata:
            row["object"] = [
                "kind": "PartialObjectMetadata", "apiVersion": "meta.k8s.io/v1", "metadata": object["metadata"] ?? [:],
            ]
        }
        return .object(row)
    }

    private func cells(_ object: JSONValue) -> [JSONValue] {
        let name = JSONValue.string(object[path: ["metadata", "name"]]?.stringValue ?? "")
        let age = JSONValue.string(Self.age(object[path: ["metadata", "creationTimestamp"]]?.stringValue, now: now))
        func int(_ path: [String]) -> JSONValue { .int(object[path: path]?.intValue ?? 0) }
        let template = object[path: ["spec", "template", "spec"]]
        let containers = template?["containers"]?.arrayValue ?? []
        let containerNames = JSONValue.string(containers.compactMap { $0["name"]?.stringValue }.joined(separator: ","))
        let images = JSONValue.string(containers.compactMap { $0["image"]?.stringValue }.joined(separator: ","))
        let selector = JSONValue.string(LabelSelector(object: object[path: ["spec", "selector"]]).description)
        switch type.storageKind {
        case "Pod":
            return podCells(object, name: name, age: age)
        case "Deployment":
            let ready =
                "\(object[path: ["status", "readyReplicas"]]?.intValue ?? 0)/\(object[path: ["spec", "replicas"]]?.intValue ?? 0)"
            return [
                name, .string(ready), int(["status", "updatedReplicas"]), int(["status", "availableReplicas"]), age,
                containerNames, images, selector,
            ]
        case "ReplicaSet":
            return [
                name, int(["spec", "replicas"]), int(["status", "replicas"]), int(["status", "readyReplicas"]), age,
                containerNames, images, selector,
            ]
        case "StatefulSet":
            let ready =
                "\(object[path: ["status", "readyReplicas"]]?.intValue ?? 0)/\(object[path: ["spec", "replicas"]]?.intValue ?? 0)"
            return [name, .string(ready), age, containerNames, images]
        case "DaemonSet":
            let nodeSelector = (template?["nodeSelector"]?.objectValue ?? [:]).sorted { $0.key < $1.key }
                .map { "\($0.key)=\($0.value.stringValue ?? "")" }.joined(separator: ",")
            return [
                name, int(["status", "desiredNumberScheduled"]), int(["status", "currentNumberScheduled"]),
                int(["status", "numberReady"]), int(["status", "updatedNumberScheduled"]),
                int(["status", "numberAvailable"]), .string(nodeSelector.isEmpty ? "<none>" : nodeSelector), age,
                containerNames, images, selector,
            ]
        case "Job":
            return jobCells(
                object,
                name: name,
                age: age,
                containers: containerNames,
                images: images,
                selector: selector
            )
        case "Namespace":
            return [name, .string(object[path: ["status", "phase"]]?.stringValue ?? ""), age]
        case "Event":
            return eventCells(object)
        case "Node":
            let ready = (object[path: ["status", "conditions"]]?.arrayValue ?? []).first {
                $0["type"]?.stringValue == "Ready"
            }
            let status = ready?["status"]?.stringValue == "True" ? "Ready" : "NotReady"
            return [
                name, .string(status), "<none>", age,
                .string(object[path: ["status", "nodeInfo", "kubeletVersion"]]?.stringValue ?? ""),
            ]
        default:
            return [name, age]
        }
    }

    private func podCells(_ pod: JSONValue, name: JSONValue, age: JSONValue) -> [JSONValue] {
        let status = pod["status"] ?? [:]
        let containerCount = pod[path: ["spec", "containers"]]?.arrayValue?.count ?? 0
        var reason = status["reason"]?.stringValue ?? status["phase"]?.stringValue ?? ""
        var restarts: Int64 = 0
        var lastRestart: Date?
        var readyContainers = 0
        var initializing = false
        let initStatuses = status["initContainerStatuses"]?.arrayValue ?? []
        for (index, container) in initStatuses.enumerated() {
            restarts += container["restartCount"]?.intValue ?? 0
            if let terminated = container[path: ["state", "terminated"]], terminated["exitCode"]?.intValue == 0 {
                continue
            }
            initializing = true
            if let terminated = container[path: ["state", "terminated"]] {
                reason =
                    "Init:" + (terminated["reason"]?.stringValue ?? "ExitCode:\(terminated["exitCode"]?.intValue ?? 0)")
            } else if let waiting = container[path: ["state", "waiting", "reason"]]?.stringValue, !waiting.isEmpty,
                waiting != "PodInitializing"
            {
                reason = "Init:" + waiting
            } else {
                reason =
                    "Init:\(index)/\(pod[path: ["spec", "initContainers"]]?.arrayValue?.count ?? initStatuses.count)"
            }
            break
        }
        if !initializing {
            restarts = 0
            var hasRunning = false
            for container in (status["containerStatuses"]?.arrayValue ?? []).reversed() {
                restarts += container["restartCount"]?.intValue ?? 0
                if let finished = container[path: ["lastState", "terminated", "finishedAt"]]?.stringValue,
                    let date = Self.parse(finished), lastRestart.map({ date > $0 }) ?? true
                {
                    lastRestart = date
                }
                if let waiting = container[path: ["state", "waiting", "reason"]]?.stringValue, !waiting.isEmpty {
                    reason = waiting
                } else if let terminated = container[path: ["state", "terminated"]] {
                    reason =
                        terminated["reason"]?.stringValue
                        ?? (terminated["signal"]?.intValue.map { "Signal:\($0)" }
                            ?? "ExitCode:\(terminated["exitCode"]?.intValue ?? 0)")
                } else if container[path: ["state", "running"]] != nil, container["ready"]?.boolValue == true {
                    hasRunning = true
                    readyContainers += 1
                } else if container[path: ["state", "running"]] != nil {
                    hasRunning = true
                }
            }
            if reason == "Completed", hasRunning { reason = "Running" }
        }
        if pod[path: ["metadata", "deletionTimestamp"]] != nil {
            reason = status["reason"]?.stringValue == "NodeLost" ? "Unknown" : "Terminating"
        }
        var restartText = String(restarts)
        if restarts > 0, let lastRestart {
            restartText += " (\(Self.humanDuration(now.timeIntervalSince(lastRestart))) ago)"
        }
        let gates = pod[path: ["spec", "readinessGates"]]?.arrayValue ?? []
        return [
            name, .string("\(readyContainers)/\(containerCount)"), .string(reason), .string(restartText), age,
            .string(status["podIP"]?.stringValue ?? "<none>"),
            .string(pod[path: ["spec", "nodeName"]]?.stringValue ?? "<none>"),
            .string(status["nominatedNodeName"]?.stringValue ?? "<none>"),
            .string(gates.isEmpty ? "<none>" : "\(gates.count)"),
        ]
    }

    private func jobCells(
        _ job: JSONValue,
        name: JSONValue,
        age: JSONValue,
        containers: JSONValue,
        images: JSONValue,
        selector: JSONValue
    ) -> [JSONValue] {
        let conditions = job[path: ["status", "conditions"]]?.arrayValue ?? []
        func holds(_ type: String) -> Bool {
            conditions.contains { $0["type"]?.stringValue == type && $0["status"]?.stringValue == "True" }
        }
        let status: String
        if holds("Complete") {
            status = "Complete"
        } else if holds("Failed") {
            status = "Failed"
        } else if holds("Suspended") || job[path: ["spec", "suspend"]]?.boolValue == true {
            status = "Suspended"
        } else {
            status = "Running"
        }
        let succeeded = job[path: ["status", "succeeded"]]?.intValue ?? 0
        let completions = job[path: ["spec", "completions"]]?.intValue.map(String.init) ?? "1"
        var duration = ""
        if let start = job[path: ["status", "startTime"]]?.stringValue.flatMap(Self.parse) {
            let end = job[path: ["status", "completionTime"]]?.stringValue.flatMap(Self.parse) ?? now
            duration = Self.humanDuration(end.timeIntervalSince(start))
        }
        return [
            name, .string(status), .string("\(succeeded)/\(completions)"), .string(duration), age, containers, images,
            selector,
        ]
    }

    private func eventCells(_ event: JSONValue) -> [JSONValue] {
        let involved = event["involvedObject"] ?? event["regarding"] ?? [:]
        let kind = (involved["kind"]?.stringValue ?? "").lowercased()
        let object = "\(kind)/\(involved["name"]?.stringValue ?? "")"
        let last = event["lastTimestamp"]?.stringValue ?? event["eventTime"]?.stringValue
        let first = event["firstTimestamp"]?.stringValue ?? event["eventTime"]?.stringValue
        let source =
            event[path: ["source", "component"]]?.stringValue ?? event["reportingComponent"]?.stringValue ?? ""
        return [
            .string(Self.age(last, now: now)), .string(event["type"]?.stringValue ?? ""),
            .string(event["reason"]?.stringValue ?? ""), .string(object),
            .string(involved["fieldPath"]?.stringValue ?? ""), .string(source),
            .string(event["message"]?.stringValue ?? event["note"]?.stringValue ?? ""),
            .string(Self.age(first, now: now)),
            .int(event["count"]?.intValue ?? 1), .string(event[path: ["metadata", "name"]]?.stringValue ?? ""),
        ]
    }

    static func parse(_ text: String) -> Date? {
        try? Date(text, strategy: .iso8601)
    }

    /// The age column: `<unknown>` without a timestamp, else a human duration since it.
    static func age(_ timestamp: String?, now: Date) -> String {
        guard let timestamp, let date = parse(timestamp) else { return "<unknown>" }
        return humanDuration(now.timeIntervalSince(date))
    }

    /// A short duration as `kubectl` prints ages: `45s`, `3m12s`, `5h`, `2d3h`, `4y`.
    static func humanDuration(_ interval: TimeInterval) -> String {
        if interval < -1 { return "<invalid>" }
        let seconds = Int(max(0, interval))
        if seconds < 120 { return "\(seconds)s" }
        let minutes = seconds / 60
        if minutes < 10 { return seconds % 60 == 0 ? "\(minutes)m" : "\(minutes)m\(seconds % 60)s" }
        if minutes < 180 { return "\(minutes)m" }
        let hours = minutes / 60
        if hours < 8 { return minutes % 60 == 0 ? "\(hours)h" : "\(hours)h\(minutes % 60)m" }
        if hours < 48 { return "\(hours)h" }
        if hours < 24 * 8 { return hours % 24 == 0 ? "\(hours / 24)d" : "\(hours / 24)d\(hours % 24)h" }
        if hours < 24 * 365 * 2 { return "\(hours / 24)d" }
        if hours < 24 * 365 * 8 {
            let days = (hours / 24) % 365
            return days == 0 ? "\(hours / 24 / 365)y" : "\(hours / 24 / 365)y\(days)d"
        }
        return "\(hours / 24 / 365)y"
    }
}

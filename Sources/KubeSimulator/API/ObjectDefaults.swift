/// The API server's defaulting and write strategies, for the fields clients and the gate read.
///
/// kube-apiserver fills defaults on every object it stores (a Deployment without `replicas` has 1, a
/// `progressDeadlineSeconds` of 600, a RollingUpdate strategy of 25 %/25 %), and its strategies decide
/// which parts of a write count: a write to the main resource keeps the stored `status`, a write to
/// `/status` keeps everything else. Only the defaults that matter to rollout logic are modelled.
enum ObjectDefaults {
    /// Fills defaults in place for an object of `type`.
    static func apply(_ object: inout JSONValue, type: ResourceType) {
        switch type.storageKind {
        case "Deployment":
            setIfAbsent(&object, ["spec", "replicas"], 1)
            setIfAbsent(&object, ["spec", "revisionHistoryLimit"], 10)
            setIfAbsent(&object, ["spec", "progressDeadlineSeconds"], 600)
            if object[path: ["spec", "strategy", "type"]] == nil {
                object.setValue("RollingUpdate", at: ["spec", "strategy", "type"])
            }
            if object[path: ["spec", "strategy", "type"]]?.stringValue == "RollingUpdate" {
                setIfAbsent(&object, ["spec", "strategy", "rollingUpdate", "maxUnavailable"], "25%")
                setIfAbsent(&object, ["spec", "strategy", "rollingUpdate", "maxSurge"], "25%")
            }
            podTemplate(&object, at: ["spec", "template"])
        case "ReplicaSet":
            setIfAbsent(&object, ["spec", "replicas"], 1)
            podTemplate(&object, at: ["spec", "template"])
        case "StatefulSet":
            setIfAbsent(&object, ["spec", "replicas"], 1)
            setIfAbsent(&object, ["spec", "revisionHistoryLimit"], 10)
            setIfAbsent(&object, ["spec", "podManagementPolicy"], "OrderedReady")
            if object[path: ["spec", "updateStrategy", "type"]] == nil {
                object.setValue("RollingUpdate", at: ["spec", "updateStrategy", "type"])
            }
            if object[path: ["spec", "updateStrategy", "type"]]?.stringValue == "RollingUpdate" {
                setIfAbsent(&object, ["spec", "updateStrategy", "rollingUpdate", "partition"], 0)
            }
            podTemplate(&object, at: ["spec", "template"])
        case "DaemonSet":
            setIfAbsent(&object, ["spec", "revisionHistoryLimit"], 10)
            if object[path: ["spec", "updateStrategy", "type"]] == nil {
                object.setValue("RollingUpdate", at: ["spec", "updateStrategy", "type"])
            }
            if object[path: ["spec", "updateStrategy", "type"]]?.stringValue == "RollingUpdate" {
                setIfAbsent(&object, ["spec", "updateStrategy", "rollingUpdate", "maxUnavailable"], 1)
                setIfAbsent(&object, ["spec", "updateStrategy", "rollingUpdate", "maxSurge"], 0)
            }
            podTemplate(&object, at: ["spec", "template"])
        case "Job":
            setIfAbsent(&object, ["spec", "backoffLimit"], 6)
            setIfAbsent(&object, ["spec", "completions"], 1)
            setIfAbsent(&object, ["spec", "parallelism"], 1)
            setIfAbsent(&object, ["spec", "completionMode"], "NonIndexed")
            setIfAbsent(&object, ["spec", "suspend"], false)
            podTemplate(&object, at: ["spec", "template"], restartPolicy: "Never")
        case "Pod":
            podSpec(&object, at: ["spec"], restartPolicy: "Always")
        case "Event":
            // Times without omitempty serialize as null when unset, as a real core/v1 Event does.
            for field in ["eventTime", "firstTimestamp", "lastTimestamp"] where object[field] == nil {
                object.setValue(.null, at: [field])
            }
            if object["source"] == nil { object.setValue(.object([:]), at: ["source"]) }
        default:
            break
        }
    }

    private static func setIfAbsent(_ object: inout JSONValue, _ path: [String], _ value: JSONValue) {
        if object[path: path] == nil || object[path: path] == .null { object.setValue(value, at: path) }
    }

    private static func podTemplate(_ object: inout JSONValue, at path: [String], restartPolicy: String = "Always") {
        guard object[path: path] != nil else { return }
        podSpec(&object, at: path + ["spec"], restartPolicy: restartPolicy)
    }

    private static func podSpec(_ object: inout JSONValue, at path: [String], restartPolicy: String) {
        guard object[path: path]?.objectValue != nil else { return }
        setIfAbsent(&object, path + ["restartPolicy"], .string(restartPolicy))
        setIfAbsent(&object, path + ["terminationGracePeriodSeconds"], 30)
        setIfAbsent(&object, path + ["dnsPolicy"], "ClusterFirst")
        setIfAbsent(&object, path + ["schedulerName"], "default-scheduler")
        setIfAbsent(&object, path + ["securityContext"], .object([:]))
        for list in ["containers", "initContainers"] {
            guard let containers = object[path: path + [list]]?.arrayValue else { continue }
            object.setValue(.array(containers.map(container)), at: path + [list])
        }
    }

    private static func container(_ value: JSONValue) -> JSONValue {
        var container = value
        guard container.objectValue != nil else { return value }
        setIfAbsent(&container, ["terminationMessagePath"], "/dev/termination-log")
        setIfAbsent(&container, ["terminationMessagePolicy"], "File")
        setIfAbsent(&container, ["resources"], .object([:]))
        if container["imagePullPolicy"] == nil {
            let image = container["image"]?.stringValue ?? ""
            let tag = image.split(separator: "/").last.map { $0.split(separator: ":").dropFirst().last } ?? nil
            let pullAlways = !image.contains("@") && (tag == nil || tag == "latest")
            container.setValue(pullAlways ? "Always" : "IfNotPresent", at: ["imagePullPolicy"])
        }
        return container
    }

    /// The kinds whose `status` is a separate subresource: writes to the main resource keep it.
    static func hasStatusSubresource(_ type: ResourceType) -> Bool {
        type.subresources.contains("status")
    }

    /// The status a newly created object starts with, as the API server's create strategies reset it.
    static func initialStatus(for type: ResourceType, object: JSONValue) -> JSONValue? {
        switch type.storageKind {
        case "Deployment", "ReplicaSet", "StatefulSet", "DaemonSet", "Job": return .object([:])
        case "Pod": return ["phase": "Pending", "qosClass": .string(qosClass(of: object))]
        case "Namespace": return ["phase": "Active"]
        default: return nil
        }
    }

    /// A pod's QoS class from its containers' requests and limits, as the API server computes it.
    static func qosClass(of pod: JSONValue) -> String {
        let containers =
            (pod[path: ["spec", "containers"]]?.arrayValue ?? [])
            + (pod[path: ["spec", "initContainers"]]?.arrayValue ?? [])
        var anySet = false
        var guaranteed = !containers.isEmpty
        for container in containers {
            let requests = container[path: ["resources", "requests"]]?.objectValue ?? [:]
            let limits = container[path: ["resources", "limits"]]?.objectValue ?? [:]
            if !requests.isEmpty || !limits.isEmpty { anySet = true }
            for resource in ["cpu", "memory"] {
                guard let limit = limits[resource] else {
                    guaranteed = false
                    continue
                }
                if let request = requests[resource], request != limit { guaranteed = false }
            }
        }
        if guaranteed && anySet { return "Guaranteed" }
        return anySet ? "Burstable" : "BestEffort"
    }

    /// Whether `name` is a valid object name for `type` (a DNS-1123 subdomain; a label for namespaces).
    static func nameProblem(_ name: String, type: ResourceType) -> String? {
        if type.storageKind == "Namespace" {
            let valid =
                name.count <= 63 && LabelSyntax.isSubdomain(name) && !name.contains(".")
            return valid
                ? nil
                : "a lowercase RFC 1123 label must consist of lower case alphanumeric characters or '-', and must "
                    + "start and end with an alphanumeric character (e.g. 'my-name',  or '123-abc', regex used for "
                    + "validation is '[a-z0-9]([-a-z0-9]*[a-z0-9])?')"
        }
        if LabelSyntax.isSubdomain(name) { return nil }
        return "a lowercase RFC 1123 subdomain must consist of lower case alphanumeric characters, '-' or '.', and "
            + "must start and end with an alphanumeric character (e.g. 'example.com', regex used for validation is "
            + "'[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*')"
    }

    /// Which kinds a DELETE answers with the object rather than a `Status` (kube-apiserver's
    /// `ReturnDeletedObject`, and graceful deletions that return the object being deleted).
    static func deleteReturnsObject(_ type: ResourceType) -> Bool {
        ["Pod", "Namespace"].contains(type.storageKind)
    }
}

/// One resource the simulator serves: its group, version, names, scope, verbs and subresources.
///
/// The catalog drives discovery, routing, field selectors and the store's indexes, so adding a resource
/// is one entry in `ResourceType.all`.
public struct ResourceType: Sendable, Hashable {
    /// The API group (`""` for the core group).
    public var group: String
    /// The version, such as `v1`.
    public var version: String
    /// The kind, such as `Deployment`.
    public var kind: String
    /// The plural resource name used in URLs, such as `deployments`.
    public var plural: String
    /// The singular name.
    public var singular: String
    /// Whether objects live in a namespace.
    public var namespaced: Bool
    /// Short names kubectl accepts (`deploy`).
    public var shortNames: [String]
    /// Categories (`all`).
    public var categories: [String]
    /// Subresources served, such as `status`, `scale`, `log`.
    public var subresources: [String]
    /// The kind under which the store keeps these objects: a view such as `events.k8s.io/v1` shares the
    /// core `Event` storage and converts on the way in and out.
    public var storageKind: String
    /// Whether the API server maintains `metadata.generation` (apps/v1 and batch/v1 workloads).
    public var tracksGeneration: Bool

    /// `group/version`, or `version` for the core group, as `apiVersion` spells it.
    public var apiVersion: String { group.isEmpty ? version : "\(group)/\(version)" }

    /// `plural.group` (or `plural` in the core group), the name used in error messages.
    public var qualifiedName: String { group.isEmpty ? plural : "\(plural).\(group)" }

    /// The verbs discovery lists for the resource.
    public var verbs: [String] {
        ["create", "delete", "deletecollection", "get", "list", "patch", "update", "watch"]
    }

    /// Every resource the simulator serves, in discovery order.
    public static let all: [ResourceType] = [
        core("Namespace", "namespaces", namespaced: false, short: ["ns"], subresources: ["status"]),
        core("Node", "nodes", namespaced: false, short: ["no"], subresources: ["status"]),
        core("Pod", "pods", short: ["po"], categories: ["all"], subresources: ["log", "status"]),
        core("Event", "events", short: ["ev"]),
        core("ConfigMap", "configmaps", short: ["cm"]),
        core("Secret", "secrets"),
        core("Service", "services", short: ["svc"], categories: ["all"], subresources: ["status"]),
        core("ServiceAccount", "serviceaccounts", short: ["sa"]),
        core("ResourceQuota", "resourcequotas", short: ["quota"], subresources: ["status"]),
        core("LimitRange", "limitranges", short: ["limits"]),
        apps("Deployment", "deployments", short: ["deploy"], subresources: ["scale", "status"]),
        apps("ReplicaSet", "replicasets", short: ["rs"], subresources: ["scale", "status"]),
        apps("StatefulSet", "statefulsets", short: ["sts"], subresources: ["scale", "status"]),
        apps("DaemonSet", "daemonsets", short: ["ds"], subresources: ["status"]),
        ResourceType(
            group: "apps",
            version: "v1",
            kind: "ControllerRevision",
            plural: "controllerrevisions",
            singular: "controllerrevision",
            namespaced: true,
            shortNames: [],
            categories: [],
            subresources: [],
            storageKind: "ControllerRevision",
            tracksGeneration: false
        ),
        ResourceType(
            group: "batch",
            version: "v1",
            kind: "Job",
            plural: "jobs",
            singular: "job",
            namespaced: true,
            shortNames: [],
            categories: ["all"],
            subresources: ["status"],
            storageKind: "Job",
            tracksGeneration: true
        ),
        ResourceType(
            group: "events.k8s.io",
            version: "v1",
            kind: "Event",
            plural: "events",
            singular: "event",
            namespaced: true,
            shortNames: ["ev"],
            categories: [],
            subresources: [],
            storageKind: "Event",
            tracksGeneration: false
        ),
    ]

    /// The API groups in discovery order, each with its one version.
    public static let groups: [(name: String, version: String)] = [
        ("apps", "v1"), ("batch", "v1"), ("events.k8s.io", "v1"),
    ]

    private static func core(
        _ kind: String,
        _ plural: String,
        namespaced: Bool = true,
        short: [String] = [],
        categories: [String] = [],
        subresources: [String] = []
    ) -> ResourceType {
        ResourceType(
            group: "",
            version: "v1",
            kind: kind,
            plural: plural,
            singular: kind.lowercased(),
            namespaced: namespaced,
            shortNames: short,
            categories: categories,
            subresources: subresources,
            storageKind: kind,
            tracksGeneration: false
        )
    }

    private static func apps(
        _ kind: String,
        _ plural: String,
        short: [String],
        subresources: [String]
    )
        -> ResourceType
    {
        ResourceType(
            group: "apps",
            version: "v1",
            kind: kind,
            plural: plural,
            singular: kind.lowercased(),
            namespaced: true,
            shortNames: short,
            categories: ["all"],
            subresources: subresources,
            storageKind: kind,
            tracksGeneration: true
        )
    }

    /// The resource served at `group/version/plural`, if any.
    public static func lookup(group: String, version: String, plural: String) -> ResourceType? {
        all.first { $0.group == group && $0.version == version && $0.plural == plural }
    }

    /// The resource that stores objects of `kind` natively (not a view), if any.
    public static func storing(kind: String) -> ResourceType? {
        all.first { $0.storageKind == kind && $0.kind == kind && !$0.isView }
    }

    /// The resource an object with this `apiVersion` and `kind` belongs to.
    public static func of(apiVersion: String, kind: String) -> ResourceType? {
        all.first { $0.apiVersion == apiVersion && $0.kind == kind }
    }

    /// Whether this resource is a converted view of another resource's storage.
    public var isView: Bool { group == "events.k8s.io" }

    /// The group and version in the `"apps/v1, Resource=deployments"` form the API server's messages use.
    public var groupVersionResourceText: String { "\(group)/\(version), Resource=\(plural)" }

    /// The field selector labels the resource supports.
    public var supportedFields: Set<String> {
        var fields: Set<String> = ["metadata.name", "metadata.namespace"]
        switch storageKind {
        case "Pod":
            fields.formUnion([
                "spec.nodeName", "spec.restartPolicy", "spec.schedulerName", "spec.serviceAccountName",
                "spec.hostNetwork", "status.phase", "status.podIP", "status.nominatedNodeName",
            ])
        case "Event":
            fields.formUnion([
                "involvedObject.kind", "involvedObject.namespace", "involvedObject.name", "involvedObject.uid",
                "involvedObject.apiVersion", "involvedObject.resourceVersion", "involvedObject.fieldPath", "reason",
                "reportingComponent", "source", "type", "regarding.kind", "regarding.namespace", "regarding.name",
                "regarding.uid", "regarding.apiVersion", "regarding.resourceVersion", "regarding.fieldPath",
                "reportingController",
            ])
        case "ReplicaSet": fields.insert("status.replicas")
        case "Job": fields.insert("status.successful")
        case "Namespace": fields.insert("status.phase")
        case "Node": fields.insert("spec.unschedulable")
        case "Secret": fields.insert("type")
        default: break
        }
        return fields
    }

    /// The values field selectors compare for a stored object of this resource.
    ///
    /// Only the fields a selector actually names are computed, which keeps filtering cheap on large lists.
    public func fieldValue(_ field: String, of object: JSONValue) -> String {
        func text(_ path: [String]) -> String {
            switch object[path: path] {
            case .string(let value): value
            case .int(let value): String(value)
            case .bool(let value): String(value)
            default: ""
            }
        }
        switch field {
        case "metadata.name": return text(["metadata", "name"])
        case "metadata.namespace": return text(["metadata", "namespace"])
        case "spec.hostNetwork": return object[path: ["spec", "hostNetwork"]]?.boolValue == true ? "true" : "false"
        case "spec.unschedulable":
            return object[path: ["spec", "unschedulable"]]?.boolValue == true ? "true" : "false"
        case "status.replicas", "status.successful":
            let parts = field.split(separator: ".").map(String.init)
            return String(object[path: parts]?.intValue ?? 0)
        case "source": return text(["source", "component"])
        case "reportingController": return text(["reportingComponent"])
        default:
            var parts = field.split(separator: ".").map(String.init)
            if parts.first == "regarding" { parts[0] = "involvedObject" }
            return text(parts)
        }
    }
}

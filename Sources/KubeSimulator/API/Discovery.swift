import Foundation

/// The discovery documents: what `kubectl` reads to map `deploy` to `apps/v1 deployments`.
///
/// Both forms are served: the legacy per-group-version `APIResourceList`s, and the aggregated
/// `apidiscovery.k8s.io/v2` `APIGroupDiscoveryList` that kubectl 1.30+ asks for first with one request each
/// to `/api` and `/apis`.
enum Discovery {
    /// The version the simulator claims, in step with the kubectl the fidelity tests run.
    static let version: JSONValue = [
        "major": "1", "minor": "37", "emulationMajor": "1", "emulationMinor": "37", "minCompatibilityMajor": "1",
        "minCompatibilityMinor": "36", "gitVersion": "v1.37.0-kube-sim",
        "gitCommit": "0000000000000000000000000000000000000000",
        "gitTreeState": "clean", "buildDate": "2026-01-01T00:00:00Z", "goVersion": "go1.25.0", "compiler": "gc",
        "platform": "linux/amd64",
    ]

    static let aggregatedContentType = "application/json;g=apidiscovery.k8s.io;v=v2;as=APIGroupDiscoveryList"

    /// Whether the `Accept` header asks for aggregated discovery v2 before anything else.
    static func wantsAggregated(_ accept: String) -> Bool {
        let first = accept.split(separator: ",").first.map { $0.replacingOccurrences(of: " ", with: "") } ?? ""
        return first.contains("as=APIGroupDiscoveryList") && first.contains("v=v2") && !first.contains("v=v2beta1")
    }

    static func coreVersions(serverAddress: String) -> JSONValue {
        [
            "kind": "APIVersions", "versions": ["v1"],
            "serverAddressByClientCIDRs": [["clientCIDR": "0.0.0.0/0", "serverAddress": .string(serverAddress)]],
        ]
    }

    private static func groupVersion(_ name: String, _ version: String) -> JSONValue {
        ["groupVersion": .string("\(name)/\(version)"), "version": .string(version)]
    }

    static var groupList: JSONValue {
        [
            "kind": "APIGroupList", "apiVersion": "v1",
            "groups": .array(ResourceType.groups.map { group(name: $0.name, version: $0.version) }),
        ]
    }

    private static func group(name: String, version: String) -> JSONValue {
        [
            "name": .string(name), "versions": [groupVersion(name, version)],
            "preferredVersion": groupVersion(name, version),
        ]
    }

    static func group(_ name: String) -> JSONValue {
        guard let entry = ResourceType.groups.first(where: { $0.name == name }) else { return .null }
        var value = group(name: entry.name, version: entry.version)
        value.setValue("APIGroup", at: ["kind"])
        value.setValue("v1", at: ["apiVersion"])
        return value
    }

    /// The verbs of a subresource.
    private static func subresourceVerbs(_ subresource: String) -> [JSONValue] {
        subresource == "log" ? ["get"] : ["get", "patch", "update"]
    }

    private static func subresourceKind(
        _ type: ResourceType,
        _ subresource: String
    ) -> (group: String, version: String, kind: String) {
        subresource == "scale" ? ("autoscaling", "v1", "Scale") : (type.group, type.version, type.kind)
    }

    static func resourceList(group: String, version: String) -> JSONValue {
        var resources: [JSONValue] = []
        for type in ResourceType.all where type.group == group && type.version == version {
            var entry: [String: JSONValue] = [
                "name": .string(type.plural), "singularName": .string(type.singular),
                "namespaced": .bool(type.namespaced),
                "kind": .string(type.kind), "verbs": .array(type.verbs.map(JSONValue.string)),
            ]
            if !type.shortNames.isEmpty { entry["shortNames"] = .array(type.shortNames.map(JSONValue.string)) }
            if !type.categories.isEmpty { entry["categories"] = .array(type.categories.map(JSONValue.string)) }
            resources.append(.object(entry))
            for subresource in type.subresources {
                let kind = subresourceKind(type, subresource)
                var sub: [String: JSONValue] = [
                    "name": .string("\(type.plural)/\(subresource)"), "singularName": "",
                    "namespaced": .bool(type.namespaced), "kind": .string(kind.kind),
                    "verbs": .array(subresourceVerbs(subresource)),
                ]
                if subresource == "scale" {
                    sub["group"] = .string(kind.group)
                    sub["version"] = .string(kind.version)
                }
                resources.append(.object(sub))
            }
        }
        let groupVersion = group.isEmpty ? version : "\(group)/\(version)"
        return [
            "kind": "APIResourceList", "apiVersion": "v1", "groupVersion": .string(groupVersion),
            "resources": .array(resources),
        ]
    }

    /// The aggregated discovery document of the core group (`/api`) or the named groups (`/apis`).
    static func aggregated(core: Bool) -> FullResponse {
        let groups: [(name: String, version: String)] = core ? [("", "v1")] : ResourceType.groups
        let items: [JSONValue] = groups.map { group in
            let resources: [JSONValue] = ResourceType.all.filter {
                $0.group == group.name && $0.version == group.version
            }
            .map { type in
                var entry: [String: JSONValue] = [
                    "resource": .string(type.plural),
                    "responseKind": [
                        "group": .string(type.group), "version": .string(type.version), "kind": .string(type.kind),
                    ],
                    "scope": type.namespaced ? "Namespaced" : "Cluster", "singularResource": .string(type.singular),
                    "verbs": .array(type.verbs.map(JSONValue.string)),
                ]
                if !type.shortNames.isEmpty { entry["shortNames"] = .array(type.shortNames.map(JSONValue.string)) }
                if !type.categories.isEmpty { entry["categories"] = .array(type.categories.map(JSONValue.string)) }
                if !type.subresources.isEmpty {
                    entry["subresources"] = .array(
                        type.subresources.map { subresource in
                            let kind = subresourceKind(type, subresource)
                            return [
                                "subresource": .string(subresource),
                                "responseKind": [
                                    "group": .string(kind.group), "version": .string(kind.version),
                                    "kind": .string(kind.kind),
                                ],
                                "verbs": .array(subresourceVerbs(subresource)),
                            ]
                        }
                    )
                }
                return .object(entry)
            }
            return [
                "metadata": ["name": .string(group.name), "creationTimestamp": .null],
                "versions": [
                    ["version": .string(group.version), "resources": .array(resources), "freshness": "Current"]
                ],
            ]
        }
        let document: JSONValue = [
            "kind": "APIGroupDiscoveryList", "apiVersion": "apidiscovery.k8s.io/v2", "metadata": [:],
            "items": .array(items),
        ]
        return FullResponse(status: 200, contentType: aggregatedContentType, body: document.serialized())
    }
}

/// A minimal OpenAPI v3 document set: enough for kubectl to learn that every resource supports
/// server-side field validation, so `kubectl apply` validates on the server instead of downloading
/// schemas and refusing to run without them.
///
/// kubectl's `queryParamVerifierV3` looks in `/openapi/v3/<group-version>` for a PATCH operation tagged with
/// the object's `x-kubernetes-group-version-kind` that lists a `fieldValidation` query parameter. The
/// simulator accepts `fieldValidation` and does not reject unknown fields. No schemas are served
/// (`components.schemas` is empty), so kubectl computes strategic merge patches from its built-in types.
enum OpenAPIDocument {
    /// The document at `/openapi/<parts>`, or nil for a path not served (`/openapi/v2` among them).
    static func document(_ parts: [String]) -> JSONValue? {
        guard parts.first == "v3" else { return nil }
        let groupVersion = parts.dropFirst().joined(separator: "/")
        if groupVersion.isEmpty { return root }
        let versions = [("", "v1")] + ResourceType.groups.map { ($0.name, $0.version) }
        guard let match = versions.first(where: { path($0.0, $0.1) == groupVersion }) else { return nil }
        return groupDocument(group: match.0, version: match.1)
    }

    private static func path(_ group: String, _ version: String) -> String {
        group.isEmpty ? "api/\(version)" : "apis/\(group)/\(version)"
    }

    private static var root: JSONValue {
        var paths: [String: JSONValue] = [:]
        for (group, version) in [("", "v1")] + ResourceType.groups.map({ ($0.name, $0.version) }) {
            let key = path(group, version)
            paths[key] = ["serverRelativeURL": .string("/openapi/v3/\(key)?hash=kube-sim-1")]
        }
        return ["paths": .object(paths)]
    }

    private static func parameter(_ name: String, in location: String) -> JSONValue {
        [
            "name": .string(name), "in": .string(location), "schema": ["type": "string", "uniqueItems": true],
            "required": .bool(location == "path"),
        ]
    }

    private static func groupDocument(group: String, version: String) -> JSONValue {
        var paths: [String: JSONValue] = [:]
        let writeParameters = ["dryRun", "fieldManager", "fieldValidation"].map { parameter($0, in: "query") }
        for type in ResourceType.all where type.group == group && type.version == version {
            let gvk: JSONValue = ["group": .string(group), "version": .string(version), "kind": .string(type.kind)]
            let prefix = "/" + path(group, version) + (type.namespaced ? "/namespaces/{namespace}" : "")
            func operation(_ action: String, _ parameters: [JSONValue]) -> JSONValue {
                [
                    "operationId": .string("\(action)\(type.kind)"), "x-kubernetes-action": .string(action),
                    "x-kubernetes-group-version-kind": gvk, "parameters": .array(parameters),
                    "responses": ["200": ["description": "OK"]],
                ]
            }
            var scope: [JSONValue] = [parameter("name", in: "path")]
            if type.namespaced { scope.append(parameter("namespace", in: "path")) }
            paths["\(prefix)/\(type.plural)/{name}"] = [
                "parameters": .array(scope), "get": operation("get", []), "put": operation("put", writeParameters),
                "patch": operation("patch", writeParameters + [parameter("force", in: "query")]),
                "delete": operation("delete", [parameter("dryRun", in: "query")]),
            ]
            paths["\(prefix)/\(type.plural)"] = [
                "parameters": .array(type.namespaced ? [parameter("namespace", in: "path")] : []),
                "get": operation("list", []), "post": operation("post", writeParameters),
            ]
        }
        return [
            "openapi": "3.0.0", "info": ["title": "Kubernetes", "version": "v1.37.0-kube-sim"], "paths": .object(paths),
            "components": ["schemas": [:]],
        ]
    }
}

import Foundation

/// The patch formats a PATCH request may carry, by `Content-Type`.
public enum PatchKind: String, Sendable, CaseIterable {
    /// RFC 7386 JSON merge patch (`kubectl scale`, `kubectl patch --type merge`).
    case merge = "application/merge-patch+json"
    /// Kubernetes strategic merge patch (`kubectl apply`, `kubectl rollout restart`).
    case strategic = "application/strategic-merge-patch+json"
    /// RFC 6902 JSON patch (`kubectl patch --type json`).
    case json = "application/json-patch+json"
    /// Server-side apply (`kubectl apply --server-side`), approximated as a merge that never deletes.
    case apply = "application/apply-patch+yaml"

    /// The media types in the order kube-apiserver lists them in a 415 answer.
    static let acceptedList = [json, merge, strategic, apply].map(\.rawValue)
}

/// Patch application, kept free of I/O so each format is tested as a table of documents.
enum Patch {
    /// Applies an RFC 7386 merge patch: objects merge recursively, `null` deletes, anything else replaces.
    static func merge(_ target: JSONValue?, _ patch: JSONValue) -> JSONValue {
        guard case .object(let patchMembers) = patch else { return patch }
        var members = target?.objectValue ?? [:]
        for (key, value) in patchMembers {
            if value == .null {
                members[key] = nil
            } else {
                members[key] = merge(members[key], value)
            }
        }
        return .object(members)
    }

    /// The merge key of lists that Kubernetes types merge element-wise (`patchMergeKey`), by field name.
    ///
    /// Lists not named here are atomic: the patch replaces them, as for `args`, `command` or `tolerations`.
    static let mergeKeys: [String: String] = [
        "containers": "name", "initContainers": "name", "ephemeralContainers": "name", "env": "name",
        "volumes": "name", "volumeMounts": "mountPath", "volumeDevices": "devicePath", "imagePullSecrets": "name",
        "conditions": "type", "ownerReferences": "uid", "hostAliases": "ip", "resourceClaims": "name",
        "topologySpreadConstraints": "topologyKey", "ports": "containerPort",
    ]

    /// Lists of scalars that merge as sets (`patchStrategy: merge` on a primitive list).
    static let setLists: Set<String> = ["finalizers"]

    /// Applies a strategic merge patch as kube-apiserver does for the built-in types.
    ///
    /// Supports the directives kubectl sends: `$patch: replace|delete|merge`, `$retainKeys`,
    /// `$setElementOrder/<list>` and `$deleteFromPrimitiveList/<list>`.
    static func strategicMerge(_ target: JSONValue?, _ patch: JSONValue) throws(APIError) -> JSONValue? {
        guard case .object(var patchMembers) = patch else { return patch }
        if let directive = patchMembers.removeValue(forKey: "$patch") {
            switch directive.stringValue {
            case "replace": return .object(patchMembers)
            case "delete": return nil
            case "merge", nil: break
            default: throw APIError.badRequest("unknown patch type: \(directive.stringValue ?? "")")
            }
        }
        var members = target?.objectValue ?? [:]
        let retainKeys = patchMembers.removeValue(forKey: "$retainKeys")?.arrayValue?.compactMap(\.stringValue)
        var orders: [String: [JSONValue]] = [:]
        for key in patchMembers.keys where key.hasPrefix("$setElementOrder/") {
            orders[String(key.dropFirst("$setElementOrder/".count))] = patchMembers[key]?.arrayValue ?? []
            patchMembers[key] = nil
        }
        for key in patchMembers.keys where key.hasPrefix("$deleteFromPrimitiveList/") {
            let field = String(key.dropFirst("$deleteFromPrimitiveList/".count))
            let removed = patchMembers[key]?.arrayValue ?? []
            if let list = members[field]?.arrayValue {
                members[field] = .array(list.filter { !removed.contains($0) })
            }
            patchMembers[key] = nil
        }
        for (key, value) in patchMembers {
            switch value {
            case .null:
                members[key] = nil
            case .object:
                members[key] = try strategicMerge(members[key], value)
            case .array(let elements):
                members[key] = try mergeList(field: key, original: members[key]?.arrayValue, patch: elements)
            default:
                members[key] = value
            }
        }
        for (field, order) in orders {
            if let list = members[field]?.arrayValue {
                members[field] = .array(reorder(list, by: order, key: mergeKeys[field]))
            }
        }
        if let retainKeys {
            let keep = Set(retainKeys)
            members = members.filter { keep.contains($0.key) }
        }
        return .object(members)
    }

    private static func mergeList(
        field: String,
        original: [JSONValue]?,
        patch: [JSONValue]
    ) throws(APIError)
        -> JSONValue
    {
        if setLists.contains(field) {
            var result = original ?? []
            for element in patch where !result.contains(element) { result.append(element) }
            return .array(result)
        }
        guard var result = original, var key = mergeKeys[field] else { return .array(patch) }
        // Service ports merge on `port`, container ports on `containerPort`.
        if field == "ports", patch.contains(where: { $0["containerPort"] == nil && $0["port"] != nil }) {
            key = "port"
        }
        if patch.contains(where: { $0["$patch"]?.stringValue == "replace" }) {
            return .array(patch.filter { $0["$patch"] == nil })
        }
        for element in patch {
            guard element.objectValue != nil else { return .array(patch) }
            let identity = element[key]
            let index = result.firstIndex { $0[key] == identity && identity != nil }
            if element["$patch"]?.stringValue == "delete" {
                if let index { result.remove(at: index) }
                continue
            }
            if let index {
                if let merged = try strategicMerge(result[index], element) {
                    result[index] = merged
                } else {
                    result.remove(at: index)
                }
            } else if let merged = try strategicMerge(nil, element) {
                result.append(merged)
            }
        }
        return .array(result)
    }

    private static func reorder(_ list: [JSONValue], by order: [JSONValue], key: String?) -> [JSONValue] {
        func identity(_ element: JSONValue) -> JSONValue? { key.map { element[$0] ?? .null } ?? element }
        let positions = Dictionary(
            order.enumerated().map { (identity($0.element).map { $0.serializedString() } ?? "", $0.offset) },
            uniquingKeysWith: { first, _ in first }
        )
        return list.enumerated().sorted { lhs, rhs in
            let left = positions[identity(lhs.element).map { $0.serializedString() } ?? ""] ?? Int.max
            let right = positions[identity(rhs.element).map { $0.serializedString() } ?? ""] ?? Int.max
            return left == right ? lhs.offset < rhs.offset : left < right
        }.map(\.element)
    }

    /// Applies an RFC 6902 JSON patch (add, remove, replace, move, copy, test).
    static func jsonPatch(_ target: JSONValue, _ patch: JSONValue) throws(APIError) -> JSONValue {
        guard let operations = patch.arrayValue else {
            throw APIError.badRequest("json: cannot unmarshal object into Go value of type jsonpatch.Patch")
        }
        var document = target
        for operation in operations {
            let op = operation["op"]?.stringValue ?? ""
            let path = try pointer(operation["path"]?.stringValue)
            switch op {
            case "add":
                document = try add(document, path, try required(operation, "value", op))
            case "remove":
                document = try remove(document, path).document
            case "replace":
                _ = try value(document, path)
                document = try add(remove(document, path).document, path, try required(operation, "value", op))
            case "move":
                let from = try pointer(operation["from"]?.stringValue)
                let removed = try remove(document, from)
                document = try add(removed.document, path, removed.value)
            case "copy":
                let from = try pointer(operation["from"]?.stringValue)
                document = try add(document, path, try value(document, from))
            case "test":
                guard try value(document, path) == required(operation, "value", op) else {
                    throw APIError(
                        code: 422,
                        reason: "Invalid",
                        message: "the server rejected our request due to an error in our request"
                    )
                }
            default:
                throw APIError.badRequest("Unexpected kind: \(op)")
            }
        }
        return document
    }

    private static func required(
        _ operation: JSONValue,
        _ member: String,
        _ op: String
    ) throws(APIError)
        -> JSONValue
    {
        guard let value = operation[member] else {
            throw APIError.badRequest("missing value for \(op) operation")
        }
        return value
    }

    private static func pointer(_ text: String?) throws(APIError) -> [String] {
        guard let text, text.isEmpty || text.hasPrefix("/") else {
            throw APIError.badRequest("JSON pointer must be empty or start with a \"/\"")
        }
        if text.isEmpty { return [] }
        return text.dropFirst().split(separator: "/", omittingEmptySubsequences: false).map {
            $0.replacingOccurrences(of: "~1", with: "/").replacingOccurrences(of: "~0", with: "~")
        }
    }

    private static func value(_ document: JSONValue, _ path: [String]) throws(APIError) -> JSONValue {
        var current = document
        for token in path {
            switch current {
            case .object(let members):
                guard let next = members[token] else { throw missing(path) }
                current = next
            case .array(let elements):
                guard let index = Int(token), elements.indices.contains(index) else { throw missing(path) }
                current = elements[index]
            default:
                throw missing(path)
            }
        }
        return current
    }

    private static func missing(_ path: [String]) -> APIError {
        APIError(
            code: 422,
            reason: "Invalid",
            message: "the server rejected our request due to an error in our request: doc is missing path: \"/"
                + path.joined(separator: "/") + "\""
        )
    }

    private static func add(
        _ document: JSONValue,
        _ path: [String],
        _ newValue: JSONValue
    ) throws(APIError)
        -> JSONValue
    {
        guard let token = path.first else { return newValue }
        let rest = Array(path.dropFirst())
        switch document {
        case .object(var members):
            if rest.isEmpty {
                members[token] = newValue
            } else {
                guard let child = members[token] else { throw missing(path) }
                members[token] = try add(child, rest, newValue)
            }
            return .object(members)
        case .array(var elements):
            if rest.isEmpty {
                if token == "-" {
                    elements.append(newValue)
                } else {
                    guard let index = Int(token), index >= 0, index <= elements.count else { throw missing(path) }
                    elements.insert(newValue, at: index)
                }
            } else {
                guard let index = Int(token), elements.indices.contains(index) else { throw missing(path) }
                elements[index] = try add(elements[index], rest, newValue)
            }
            return .array(elements)
        default:
            throw missing(path)
        }
    }

    private static func remove(
        _ document: JSONValue,
        _ path: [String]
    ) throws(APIError) -> (
        document: JSONValue, value: JSONValue
    ) {
        guard let token = path.first else { throw missing(path) }
        let rest = Array(path.dropFirst())
        switch document {
        case .object(var members):
            guard let child = members[token] else { throw missing(path) }
            if rest.isEmpty {
                members[token] = nil
                return (.object(members), child)
            }
            let removed = try remove(child, rest)
            members[token] = removed.document
            return (.object(members), removed.value)
        case .array(var elements):
            guard let index = Int(token), elements.indices.contains(index) else { throw missing(path) }
            if rest.isEmpty {
                let child = elements.remove(at: index)
                return (.array(elements), child)
            }
            let removed = try remove(elements[index], rest)
            elements[index] = removed.document
            return (.array(elements), removed.value)
        default:
            throw missing(path)
        }
    }
}

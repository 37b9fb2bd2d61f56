import Foundation

/// Where an object lives in the store: kind, namespace (nil for cluster-scoped kinds) and name.
struct ObjectKey: Hashable, Sendable, Comparable, CustomStringConvertible {
    var kind: String
    var namespace: String?
    var name: String

    static func < (lhs: ObjectKey, rhs: ObjectKey) -> Bool {
        (lhs.kind, lhs.namespace ?? "", lhs.name) < (rhs.kind, rhs.namespace ?? "", rhs.name)
    }

    var description: String { "\(kind) \(namespace.map { $0 + "/" } ?? "")\(name)" }
}

/// Reading and editing Kubernetes objects held as untyped JSON.
///
/// The behaviour model keeps every object exactly as the store holds it and edits only the fields a
/// controller owns, so fields it does not understand (sent by `kubectl apply`) survive its writes.
extension JSONValue {
    var metaName: String { self[path: ["metadata", "name"]]?.stringValue ?? "" }
    var metaNamespace: String? { self[path: ["metadata", "namespace"]]?.stringValue }
    var metaUID: String? { self[path: ["metadata", "uid"]]?.stringValue }
    var metaResourceVersion: String? { self[path: ["metadata", "resourceVersion"]]?.stringValue }
    var metaGeneration: Int64 { self[path: ["metadata", "generation"]]?.intValue ?? 0 }
    var metaKind: String { self["kind"]?.stringValue ?? "" }
    var isTerminating: Bool {
        if let value = self[path: ["metadata", "deletionTimestamp"]], value != .null { return true }
        return false
    }

    /// `metadata.labels` as a dictionary of strings.
    var metaLabels: [String: String] { self[path: ["metadata", "labels"]]?.stringDictionary ?? [:] }

    /// `metadata.annotations` as a dictionary of strings.
    var metaAnnotations: [String: String] { self[path: ["metadata", "annotations"]]?.stringDictionary ?? [:] }

    /// The members of an object whose values are strings.
    var stringDictionary: [String: String] {
        guard let members = objectValue else { return [:] }
        var result: [String: String] = [:]
        for (key, value) in members {
            if let text = value.stringValue { result[key] = text }
        }
        return result
    }

    /// The `ownerReferences` entry with `controller: true`, the owner a controller acts for.
    var controllerReference: (kind: String, name: String, uid: String)? {
        guard let references = self[path: ["metadata", "ownerReferences"]]?.arrayValue else { return nil }
        for reference in references where reference["controller"]?.boolValue == true {
            if let kind = reference["kind"]?.stringValue, let name = reference["name"]?.stringValue,
                let uid = reference["uid"]?.stringValue
            {
                return (kind, name, uid)
            }
        }
        return nil
    }

    /// The object's key in the store.
    func objectKey(kind: String) -> ObjectKey {
        ObjectKey(kind: kind, namespace: metaNamespace, name: metaName)
    }

    /// Sets (or with `nil` removes) the value at a path of object keys, creating missing objects on the way.
    mutating func set(_ path: [String], _ value: JSONValue?) {
        guard let first = path.first else {
            if let value { self = value }
            return
        }
        guard case .object(var members) = self else {
            if value == nil { return }
            self = .object([:])
            set(path, value)
            return
        }
        if path.count == 1 {
            members[first] = value
        } else {
            var child = members[first] ?? .object([:])
            if case .object = child {} else { child = .object([:]) }
            child.set(Array(path.dropFirst()), value)
            members[first] = child
        }
        self = .object(members)
    }

    /// A copy with the value at `path` set.
    func setting(_ path: [String], _ value: JSONValue?) -> JSONValue {
        var copy = self
        copy.set(path, value)
        return copy
    }

    /// An object built from optional members: `nil` values are left out, as Go's `omitempty` does.
    static func compact(_ members: KeyValuePairs<String, JSONValue?>) -> JSONValue {
        var result: [String: JSONValue] = [:]
        for (key, value) in members {
            if let value { result[key] = value }
        }
        return .object(result)
    }

    /// A string dictionary as a JSON object.
    static func strings(_ dictionary: [String: String]) -> JSONValue {
        .object(dictionary.mapValues { .string($0) })
    }

    /// `value` when it is not zero, else `nil`: the `omitempty` rule for integer status fields.
    static func nonZero(_ value: Int) -> JSONValue? {
        value == 0 ? nil : .int(Int64(value))
    }

    /// An integer.
    static func integer(_ value: Int) -> JSONValue { .int(Int64(value)) }
}

extension JSONValue {
    /// Whether a label selector (`matchLabels` and `matchExpressions`) selects `labels`.
    ///
    /// An absent or empty selector selects nothing here: every workload the model drives has a
    /// non-empty selector, and selecting everything would make a malformed object adopt every pod.
    func selectorMatches(_ labels: [String: String]) -> Bool {
        guard case .object = self else { return false }
        let matchLabels = self["matchLabels"]?.stringDictionary ?? [:]
        let expressions = self["matchExpressions"]?.arrayValue ?? []
        if matchLabels.isEmpty && expressions.isEmpty { return false }
        for (key, value) in matchLabels where labels[key] != value { return false }
        for expression in expressions {
            guard let key = expression["key"]?.stringValue, let op = expression["operator"]?.stringValue else {
                return false
            }
            let values = Set((expression["values"]?.arrayValue ?? []).compactMap(\.stringValue))
            switch op {
            case "In": if !(labels[key].map(values.contains) ?? false) { return false }
            case "NotIn": if labels[key].map(values.contains) ?? false { return false }
            case "Exists": if labels[key] == nil { return false }
            case "DoesNotExist": if labels[key] != nil { return false }
            default: return false
            }
        }
        return true
    }
}

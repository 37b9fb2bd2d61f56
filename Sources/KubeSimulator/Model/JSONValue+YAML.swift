import Foundation
import Yams

extension JSONValue {
    /// Converts a composed YAML node into JSON, as `sigs.k8s.io/yaml` does for manifests.
    ///
    /// Scalars keep YAML's resolved type (`3` is an integer, `true` a boolean, `~` null), except
    /// timestamps, which stay strings: Kubernetes carries times as RFC 3339 strings, never as a YAML type.
    /// Mapping keys that are not strings are written as their text, because JSON keys are strings.
    public init(yaml node: Node) {
        switch node {
        case .scalar(let scalar):
            self = Self.scalarValue(scalar, node: node)
        case .sequence(let sequence):
            self = .array(sequence.map { JSONValue(yaml: $0) })
        case .mapping(let mapping):
            var members: [String: JSONValue] = [:]
            for (key, value) in mapping {
                if key.string == "<<" {
                    // A YAML merge key: the referenced mapping's members, overridden by explicit ones.
                    for merged in Self.mergeSources(value) {
                        for (mergedKey, mergedValue) in merged where members[mergedKey] == nil {
                            members[mergedKey] = mergedValue
                        }
                    }
                    continue
                }
                members[key.string ?? key.scalar?.string ?? ""] = JSONValue(yaml: value)
            }
            self = .object(members)
        case .alias:
            self = .null
        }
    }

    private static func mergeSources(_ node: Node) -> [[String: JSONValue]] {
        switch node {
        case .mapping: return JSONValue(yaml: node).objectValue.map { [$0] } ?? []
        case .sequence(let sequence): return sequence.compactMap { JSONValue(yaml: $0).objectValue }
        default: return []
        }
    }

    private static func scalarValue(_ scalar: Node.Scalar, node: Node) -> JSONValue {
        switch node.tag.rawValue {
        case Tag.Name.null.rawValue: return .null
        case Tag.Name.bool.rawValue: return node.bool.map(JSONValue.bool) ?? .string(scalar.string)
        case Tag.Name.int.rawValue:
            if let value = node.int { return .int(Int64(value)) }
            return node.float.map(JSONValue.double) ?? .string(scalar.string)
        case Tag.Name.float.rawValue:
            return node.float.map(JSONValue.double) ?? .string(scalar.string)
        default: return .string(scalar.string)
        }
    }
}

import RolloutRules

/// One workload by kind, namespace and name: what the report has one result for.
public struct WorkloadReference: Sendable, Hashable, Comparable, CustomStringConvertible {
    /// The workload's kind.
    public var kind: Workload.Kind
    /// The workload's namespace.
    public var namespace: String
    /// The workload's name.
    public var name: String

    /// Names a workload.
    public init(kind: Workload.Kind, namespace: String, name: String) {
        self.kind = kind
        self.namespace = namespace
        self.name = name
    }

    /// Orders by namespace, then name, then kind: the order of the report's results.
    public static func < (lhs: WorkloadReference, rhs: WorkloadReference) -> Bool {
        (lhs.namespace, lhs.name, lhs.kind.rawValue) < (rhs.namespace, rhs.name, rhs.kind.rawValue)
    }

    /// `namespace/name`, the prefix of every progress line about this workload.
    public var qualifiedName: String { "\(namespace)/\(name)" }

    /// `deployment prod/web`.
    public var description: String { "\(kind.rawValue) \(namespace)/\(name)" }
}

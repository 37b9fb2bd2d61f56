import RolloutRules

/// What the gate was asked to wait for: workloads chosen by label selector, or named one by one.
///
/// The command line builds these from `-l` with `-n`/`-A` (or the context's namespace), and from the
/// workloads found in `-f` manifests. A selection is resolved when the initial list arrives and again
/// whenever a matching workload appears or disappears while the gate waits.
public enum GateTarget: Sendable, Hashable, CustomStringConvertible {
    /// Every workload of some kinds that matches a label selector in some namespaces.
    case selection(WorkloadSelection)
    /// One workload, named in a manifest.
    case named(WorkloadReference)

    /// `deployments matching app=web in namespace prod`, or `deployment prod/web`.
    public var description: String {
        switch self {
        case .selection(let selection): selection.description
        case .named(let reference): reference.description
        }
    }
}

/// Which namespaces a selection looks in.
public enum SelectionScope: Sendable, Hashable, CustomStringConvertible {
    /// These namespaces (`-n a,b`, or the context's namespace).
    case namespaces([String])
    /// Every namespace (`-A`).
    case allNamespaces

    /// `namespace prod`, `namespaces a, b`, or `all namespaces`.
    public var description: String {
        switch self {
        case .namespaces(let names) where names.count == 1: "namespace \(names[0])"
        case .namespaces(let names): "namespaces \(names.joined(separator: ", "))"
        case .allNamespaces: "all namespaces"
        }
    }
}

/// Workloads chosen by kind, namespace and label selector (`-l`, `--kind`, `-n`/`-A`).
public struct WorkloadSelection: Sendable, Hashable, CustomStringConvertible {
    /// The kinds to select; `--kind` defaults to Deployments only.
    public var kinds: [Workload.Kind]
    /// The namespaces to look in.
    public var scope: SelectionScope
    /// A label selector in kubectl's grammar, already validated; `nil` selects every workload of the kinds.
    public var labelSelector: String?

    /// Describes a selection.
    public init(kinds: [Workload.Kind] = [.deployment], scope: SelectionScope, labelSelector: String?) {
        self.kinds = kinds
        self.scope = scope
        self.labelSelector = labelSelector
    }

    /// `deployments matching app=web in namespace prod`.
    public var description: String {
        let kinds = kinds.map { "\($0.rawValue)s" }.joined(separator: " or ")
        let labels = labelSelector.map { " matching \($0)" } ?? ""
        return "\(kinds)\(labels) in \(scope)"
    }
}

import RolloutReport

/// A workload named by a manifest (`-f`): the gate waits for it by kind, namespace and name.
///
/// The namespace is the manifest's; when the manifest names none it is `nil` here and the gate uses
/// the one `-n` namespace, else the kubeconfig context's, exactly as `kubectl apply -f` placed it.
public struct ManifestWorkload: Sendable, Hashable {
    /// The workload kind.
    public var kind: WorkloadKind
    /// `metadata.namespace` from the manifest, if any.
    public var namespace: String?
    /// `metadata.name`.
    public var name: String
    /// Where it was read: `file:line`, or `-:line` for standard input.
    public var source: String

    /// Creates a manifest workload.
    public init(kind: WorkloadKind, namespace: String?, name: String, source: String) {
        self.kind = kind
        self.namespace = namespace
        self.name = name
        self.source = source
    }
}

/// What a set of manifests names: the workloads to wait for and the objects skipped.
public struct ManifestSet: Sendable, Hashable {
    /// Workloads of the selected kinds, in file and document order, each listed once.
    public var workloads: [ManifestWorkload]
    /// Every other object, with the reason it was skipped.
    public var skipped: [SkippedObject]

    /// Creates a set.
    public init(workloads: [ManifestWorkload] = [], skipped: [SkippedObject] = []) {
        self.workloads = workloads
        self.skipped = skipped
    }
}

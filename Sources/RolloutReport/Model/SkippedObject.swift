/// A manifest object that is not a selected workload kind, listed so nothing is dropped silently.
///
/// A Helm chart renders Services, ConfigMaps and Ingresses next to its Deployments; the gate has no
/// rollout to wait for on them, and a StatefulSet left out by `--kind` is named here too.
public struct SkippedObject: Sendable, Hashable, Codable {
    /// The object's `apiVersion`.
    public var apiVersion: String
    /// The object's `kind`.
    public var kind: String
    /// The object's namespace, when the manifest or the command line gave one.
    public var namespace: String?
    /// The object's name.
    public var name: String
    /// Where it was read: `file:line`, or `-:line` for standard input.
    public var source: String
    /// Why it was skipped, as one sentence.
    public var reason: String

    /// Creates a skipped-object record.
    public init(apiVersion: String, kind: String, namespace: String?, name: String, source: String, reason: String) {
        self.apiVersion = apiVersion
        self.kind = kind
        self.namespace = namespace
        self.name = name
        self.source = source
        self.reason = reason
    }

    /// Source order first, so the list reads like the manifests.
    static func reportOrder(_ lhs: SkippedObject, _ rhs: SkippedObject) -> Bool {
        (lhs.source, lhs.kind, lhs.name) < (rhs.source, rhs.kind, rhs.name)
    }
}

/// A pod template (`spec.template` of a workload): the labels, annotations and containers new pods get.
///
/// The rules compare templates to find a Deployment's new ReplicaSet when revision annotations are
/// missing, and the report names the images being rolled out; nothing else of the pod spec is kept.
public struct PodTemplateSpec: Codable, Sendable, Hashable {
    /// The template's metadata: its labels and annotations (name and namespace are empty).
    public var metadata: ObjectMeta
    /// The pod spec, reduced to what the gate reads.
    public var spec: PodSpec

    /// Creates a template.
    public init(metadata: ObjectMeta = ObjectMeta(name: ""), spec: PodSpec = PodSpec()) {
        self.metadata = metadata
        self.spec = spec
    }

    private enum CodingKeys: String, CodingKey { case metadata, spec }

    /// Decodes a template; a missing metadata or spec reads as empty.
    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        metadata = try container.value(.metadata, or: ObjectMeta(name: ""))
        spec = try container.value(.spec, or: PodSpec())
    }

    /// Whether two templates are the same once the controller-added `pod-template-hash` label is ignored.
    ///
    /// This mirrors kubectl's `EqualIgnoreHash` on the fields this model keeps (labels, annotations,
    /// container names and images, init containers): enough to tell revisions apart in practice, but two
    /// templates differing only in, say, an environment variable compare equal here.
    public func isEquivalent(to other: PodTemplateSpec) -> Bool {
        func labels(_ template: PodTemplateSpec) -> [String: String] {
            var labels = template.metadata.labels ?? [:]
            labels[ReplicaSet.podTemplateHashLabel] = nil
            return labels
        }
        return labels(self) == labels(other)
            && (metadata.annotations ?? [:]) == (other.metadata.annotations ?? [:])
            && spec.containers == other.spec.containers
            && spec.initContainers == other.spec.initContainers
    }
}

/// A pod's spec (`spec` of a Pod, `spec.template.spec` of a workload), reduced to what the gate reads.
public struct PodSpec: Codable, Sendable, Hashable {
    /// The main containers, in spec order.
    public var containers: [Container]
    /// The init containers, in spec order; they run (and must succeed) before the main containers start.
    public var initContainers: [Container]
    /// The node the pod is bound to; empty until the scheduler binds it.
    public var nodeName: String?
    /// `Always` (workloads), `OnFailure` or `Never` (Jobs): whether the kubelet restarts failed containers.
    public var restartPolicy: String?

    /// Creates a pod spec.
    public init(
        containers: [Container] = [],
        initContainers: [Container] = [],
        nodeName: String? = nil,
        restartPolicy: String? = nil
    ) {
        self.containers = containers
        self.initContainers = initContainers
        self.nodeName = nodeName
        self.restartPolicy = restartPolicy
    }

    private enum CodingKeys: String, CodingKey { case containers, initContainers, nodeName, restartPolicy }

    /// Decodes a pod spec; missing or `null` container lists read as empty.
    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        containers = try container.value(.containers, or: [])
        initContainers = try container.value(.initContainers, or: [])
        nodeName = try container.decodeIfPresent(String.self, forKey: .nodeName)
        restartPolicy = try container.decodeIfPresent(String.self, forKey: .restartPolicy)
    }
}

/// One container of a pod spec: its name and image.
public struct Container: Codable, Sendable, Hashable {
    /// The container name, unique in the pod; statuses and events refer to it.
    public var name: String
    /// The image reference, such as `registry.example.com/web:1.4.2`.
    public var image: String?

    /// Creates a container.
    public init(name: String, image: String? = nil) {
        self.name = name
        self.image = image
    }
}

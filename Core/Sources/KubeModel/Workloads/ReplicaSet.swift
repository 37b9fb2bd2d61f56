/// An apps/v1 ReplicaSet, reduced to what the rules read: which Deployment controls it, its revision,
/// its template and its `ReplicaFailure` condition.
public struct ReplicaSet: KubeObject, Hashable {
    /// `apps/v1` `replicasets`.
    public static let resource = APIResource(group: "apps", version: "v1", plural: "replicasets", kind: "ReplicaSet")

    /// The label the Deployment controller adds to a ReplicaSet, its selector and its pods: a hash of
    /// the pod template, which ties pods to the ReplicaSet of their template.
    public static let podTemplateHashLabel = "pod-template-hash"

    /// The ReplicaSet's metadata: owner references name the controlling Deployment.
    public var metadata: ObjectMeta
    /// The desired state.
    public var spec: ReplicaSetSpec
    /// The observed state.
    public var status: ReplicaSetStatus

    /// Creates a ReplicaSet.
    public init(
        metadata: ObjectMeta,
        spec: ReplicaSetSpec = ReplicaSetSpec(),
        status: ReplicaSetStatus = ReplicaSetStatus()
    ) {
        self.metadata = metadata
        self.spec = spec
        self.status = status
    }

    private enum CodingKeys: String, CodingKey { case metadata, spec, status }

    /// Decodes a ReplicaSet; a missing status reads as empty.
    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        metadata = try container.value(.metadata, or: ObjectMeta(name: ""))
        spec = try container.value(.spec, or: ReplicaSetSpec())
        status = try container.value(.status, or: ReplicaSetStatus())
    }

    /// The `deployment.kubernetes.io/revision` annotation, if present.
    public var revision: String? { metadata.annotations?[Deployment.revisionAnnotation] }

    /// The `pod-template-hash` label, if present.
    public var podTemplateHash: String? { metadata.labels?[ReplicaSet.podTemplateHashLabel] }
}

/// `spec` of a ReplicaSet.
public struct ReplicaSetSpec: Codable, Sendable, Hashable {
    /// The desired number of pods.
    public var replicas: Int?
    /// Which pods belong to it.
    public var selector: LabelSelectorSpec?
    /// The pod template (the Deployment's, plus the `pod-template-hash` label).
    public var template: PodTemplateSpec
    /// Seconds a new pod must be ready before it counts as available.
    public var minReadySeconds: Int?

    /// Creates a spec.
    public init(
        replicas: Int? = nil,
        selector: LabelSelectorSpec? = nil,
        template: PodTemplateSpec = PodTemplateSpec(),
        minReadySeconds: Int? = nil
    ) {
        self.replicas = replicas
        self.selector = selector
        self.template = template
        self.minReadySeconds = minReadySeconds
    }

    private enum CodingKeys: String, CodingKey { case replicas, selector, template, minReadySeconds }

    /// Decodes a spec; a missing template reads as empty.
    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        replicas = try container.decodeIfPresent(Int.self, forKey: .replicas)
        selector = try container.decodeIfPresent(LabelSelectorSpec.self, forKey: .selector)
        template = try container.value(.template, or: PodTemplateSpec())
        minReadySeconds = try container.decodeIfPresent(Int.self, forKey: .minReadySeconds)
    }
}

/// `status` of a ReplicaSet; omitted counts decode as 0.
public struct ReplicaSetStatus: Codable, Sendable, Hashable {
    /// Pods that exist (not terminating).
    public var replicas: Int
    /// Pods with the `Ready` condition.
    public var readyReplicas: Int
    /// Pods ready for at least `minReadySeconds`.
    public var availableReplicas: Int
    /// The generation the controller last acted on.
    public var observedGeneration: Int64
    /// `ReplicaFailure` (`FailedCreate` when quota, LimitRange or admission reject new pods).
    public var conditions: [Condition]

    /// Creates a status.
    public init(
        replicas: Int = 0,
        readyReplicas: Int = 0,
        availableReplicas: Int = 0,
        observedGeneration: Int64 = 0,
        conditions: [Condition] = []
    ) {
        self.replicas = replicas
        self.readyReplicas = readyReplicas
        self.availableReplicas = availableReplicas
        self.observedGeneration = observedGeneration
        self.conditions = conditions
    }

    private enum CodingKeys: String, CodingKey {
        case replicas, readyReplicas, availableReplicas, observedGeneration, conditions
    }

    /// Decodes a status; omitted counts are 0 and a `null` condition list is empty.
    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        replicas = try container.value(.replicas, or: 0)
        readyReplicas = try container.value(.readyReplicas, or: 0)
        availableReplicas = try container.value(.availableReplicas, or: 0)
        observedGeneration = try container.value(.observedGeneration, or: 0)
        conditions = try container.value(.conditions, or: [])
    }
}

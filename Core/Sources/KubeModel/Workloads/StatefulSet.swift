/// An apps/v1 StatefulSet, reduced to what the rules read.
///
/// Its revisions are ControllerRevisions; the gate does not list those: `status.updateRevision` names
/// the revision being rolled out and each pod's `controller-revision-hash` label says which it runs.
public struct StatefulSet: KubeObject, Hashable {
    /// `apps/v1` `statefulsets`.
    public static let resource = APIResource(
        group: "apps",
        version: "v1",
        plural: "statefulsets",
        kind: "StatefulSet"
    )

    /// The label the StatefulSet and DaemonSet controllers put on pods: the revision the pod runs.
    public static let controllerRevisionHashLabel = "controller-revision-hash"

    /// The StatefulSet's metadata.
    public var metadata: ObjectMeta
    /// The desired state.
    public var spec: StatefulSetSpec
    /// The controller's view of the rollout.
    public var status: StatefulSetStatus

    /// Creates a StatefulSet.
    public init(
        metadata: ObjectMeta,
        spec: StatefulSetSpec = StatefulSetSpec(),
        status: StatefulSetStatus = StatefulSetStatus()
    ) {
        self.metadata = metadata
        self.spec = spec
        self.status = status
    }

    private enum CodingKeys: String, CodingKey { case metadata, spec, status }

    /// Decodes a StatefulSet; a missing status reads as empty.
    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        metadata = try container.value(.metadata, or: ObjectMeta(name: ""))
        spec = try container.value(.spec, or: StatefulSetSpec())
        status = try container.value(.status, or: StatefulSetStatus())
    }
}

/// `spec` of a StatefulSet.
public struct StatefulSetSpec: Codable, Sendable, Hashable {
    /// The desired number of pods.
    public var replicas: Int?
    /// Which pods belong to it.
    public var selector: LabelSelectorSpec?
    /// The pod template.
    public var template: PodTemplateSpec
    /// How pods are replaced: `RollingUpdate` (with an optional partition) or `OnDelete`.
    public var updateStrategy: UpdateStrategy?
    /// `OrderedReady` (one pod at a time, the default) or `Parallel`.
    public var podManagementPolicy: String?
    /// Seconds a new pod must be ready before it counts as available.
    public var minReadySeconds: Int?

    /// `spec.updateStrategy` of a StatefulSet.
    public struct UpdateStrategy: Codable, Sendable, Hashable {
        /// `RollingUpdate` (the API's default) or `OnDelete`.
        public var type: UpdateStrategyType?
        /// The partition and unavailability limit of a rolling update.
        public var rollingUpdate: RollingUpdate?

        /// `spec.updateStrategy.rollingUpdate` of a StatefulSet.
        public struct RollingUpdate: Codable, Sendable, Hashable {
            /// Pods with an ordinal below the partition keep the old revision: a staged (canary) rollout.
            public var partition: Int?
            /// How many pods may be unavailable during the update.
            public var maxUnavailable: IntOrString?

            /// Creates rolling-update settings.
            public init(partition: Int? = nil, maxUnavailable: IntOrString? = nil) {
                self.partition = partition
                self.maxUnavailable = maxUnavailable
            }
        }

        /// Creates an update strategy.
        public init(type: UpdateStrategyType? = nil, rollingUpdate: RollingUpdate? = nil) {
            self.type = type
            self.rollingUpdate = rollingUpdate
        }
    }

    /// Creates a spec.
    public init(
        replicas: Int? = nil,
        selector: LabelSelectorSpec? = nil,
        template: PodTemplateSpec = PodTemplateSpec(),
        updateStrategy: UpdateStrategy? = nil,
        podManagementPolicy: String? = nil,
        minReadySeconds: Int? = nil
    ) {
        self.replicas = replicas
        self.selector = selector
        self.template = template
        self.updateStrategy = updateStrategy
        self.podManagementPolicy = podManagementPolicy
        self.minReadySeconds = minReadySeconds
    }

    private enum CodingKeys: String, CodingKey {
        case replicas, selector, template, updateStrategy, podManagementPolicy, minReadySeconds
    }

    /// Decodes a spec; a missing template reads as empty.
    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        replicas = try container.decodeIfPresent(Int.self, forKey: .replicas)
        selector = try container.decodeIfPresent(LabelSelectorSpec.self, forKey: .selector)
        template = try container.value(.template, or: PodTemplateSpec())
        updateStrategy = try container.decodeIfPresent(UpdateStrategy.self, forKey: .updateStrategy)
        podManagementPolicy = try container.decodeIfPresent(String.self, forKey: .podManagementPolicy)
        minReadySeconds = try container.decodeIfPresent(Int.self, forKey: .minReadySeconds)
    }
}

/// `status` of a StatefulSet; omitted counts decode as 0.
public struct StatefulSetStatus: Codable, Sendable, Hashable {
    /// The generation the controller last acted on.
    public var observedGeneration: Int64
    /// Pods that exist.
    public var replicas: Int
    /// Pods with the `Ready` condition.
    public var readyReplicas: Int
    /// Pods at `currentRevision`.
    public var currentReplicas: Int
    /// Pods at `updateRevision`.
    public var updatedReplicas: Int
    /// Pods ready for at least `minReadySeconds`.
    public var availableReplicas: Int
    /// The revision of the pods created before the update began.
    public var currentRevision: String?
    /// The revision being rolled out; it equals `currentRevision` once the update is complete.
    public var updateRevision: String?
    /// The hash-collision salt.
    public var collisionCount: Int?
    /// Conditions (rarely written by the controller).
    public var conditions: [Condition]

    /// Creates a status.
    public init(
        observedGeneration: Int64 = 0,
        replicas: Int = 0,
        readyReplicas: Int = 0,
        currentReplicas: Int = 0,
        updatedReplicas: Int = 0,
        availableReplicas: Int = 0,
        currentRevision: String? = nil,
        updateRevision: String? = nil,
        collisionCount: Int? = nil,
        conditions: [Condition] = []
    ) {
        self.observedGeneration = observedGeneration
        self.replicas = replicas
        self.readyReplicas = readyReplicas
        self.currentReplicas = currentReplicas
        self.updatedReplicas = updatedReplicas
        self.availableReplicas = availableReplicas
        self.currentRevision = currentRevision
        self.updateRevision = updateRevision
        self.collisionCount = collisionCount
        self.conditions = conditions
    }

    private enum CodingKeys: String, CodingKey {
        case observedGeneration, replicas, readyReplicas, currentReplicas, updatedReplicas, availableReplicas
        case currentRevision, updateRevision, collisionCount, conditions
    }

    /// Decodes a status; omitted counts are 0.
    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        observedGeneration = try container.value(.observedGeneration, or: 0)
        replicas = try container.value(.replicas, or: 0)
        readyReplicas = try container.value(.readyReplicas, or: 0)
        currentReplicas = try container.value(.currentReplicas, or: 0)
        updatedReplicas = try container.value(.updatedReplicas, or: 0)
        availableReplicas = try container.value(.availableReplicas, or: 0)
        currentRevision = try container.decodeIfPresent(String.self, forKey: .currentRevision)
        updateRevision = try container.decodeIfPresent(String.self, forKey: .updateRevision)
        collisionCount = try container.decodeIfPresent(Int.self, forKey: .collisionCount)
        conditions = try container.value(.conditions, or: [])
    }
}

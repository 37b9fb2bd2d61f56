/// An apps/v1 DaemonSet, reduced to what the rules read.
public struct DaemonSet: KubeObject, Hashable {
    /// `apps/v1` `daemonsets`.
    public static let resource = APIResource(group: "apps", version: "v1", plural: "daemonsets", kind: "DaemonSet")

    /// The annotation the API server bumps on every template change of a DaemonSet.
    public static let templateGenerationAnnotation = "deprecated.daemonset.template.generation"
    /// The pod label holding the template generation a DaemonSet pod was created from: pods whose label
    /// equals the DaemonSet's annotation run the template being rolled out.
    public static let podTemplateGenerationLabel = "pod-template-generation"

    /// The DaemonSet's metadata.
    public var metadata: ObjectMeta
    /// The desired state.
    public var spec: DaemonSetSpec
    /// The controller's view of the rollout.
    public var status: DaemonSetStatus

    /// Creates a DaemonSet.
    public init(
        metadata: ObjectMeta,
        spec: DaemonSetSpec = DaemonSetSpec(),
        status: DaemonSetStatus = DaemonSetStatus()
    ) {
        self.metadata = metadata
        self.spec = spec
        self.status = status
    }

    private enum CodingKeys: String, CodingKey { case metadata, spec, status }

    /// Decodes a DaemonSet; a missing status reads as empty.
    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        metadata = try container.value(.metadata, or: ObjectMeta(name: ""))
        spec = try container.value(.spec, or: DaemonSetSpec())
        status = try container.value(.status, or: DaemonSetStatus())
    }

    /// The `deprecated.daemonset.template.generation` annotation, if present.
    public var templateGeneration: String? { metadata.annotations?[DaemonSet.templateGenerationAnnotation] }
}

/// `spec` of a DaemonSet.
public struct DaemonSetSpec: Codable, Sendable, Hashable {
    /// Which pods belong to it.
    public var selector: LabelSelectorSpec?
    /// The pod template.
    public var template: PodTemplateSpec
    /// How pods are replaced: `RollingUpdate` or `OnDelete`.
    public var updateStrategy: UpdateStrategy?
    /// Seconds a new pod must be ready before it counts as available.
    public var minReadySeconds: Int?
    /// How many old ControllerRevisions are kept.
    public var revisionHistoryLimit: Int?

    /// `spec.updateStrategy` of a DaemonSet.
    public struct UpdateStrategy: Codable, Sendable, Hashable {
        /// `RollingUpdate` (the API's default) or `OnDelete`.
        public var type: UpdateStrategyType?
        /// The limits of a rolling update.
        public var rollingUpdate: RollingUpdate?

        /// `spec.updateStrategy.rollingUpdate` of a DaemonSet.
        public struct RollingUpdate: Codable, Sendable, Hashable {
            /// How many nodes may lack an available pod during the update.
            public var maxUnavailable: IntOrString?
            /// How many nodes may run an old and a new pod at once.
            public var maxSurge: IntOrString?

            /// Creates rolling-update limits.
            public init(maxUnavailable: IntOrString? = nil, maxSurge: IntOrString? = nil) {
                self.maxUnavailable = maxUnavailable
                self.maxSurge = maxSurge
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
        selector: LabelSelectorSpec? = nil,
        template: PodTemplateSpec = PodTemplateSpec(),
        updateStrategy: UpdateStrategy? = nil,
        minReadySeconds: Int? = nil,
        revisionHistoryLimit: Int? = nil
    ) {
        self.selector = selector
        self.template = template
        self.updateStrategy = updateStrategy
        self.minReadySeconds = minReadySeconds
        self.revisionHistoryLimit = revisionHistoryLimit
    }

    private enum CodingKeys: String, CodingKey {
        case selector, template, updateStrategy, minReadySeconds, revisionHistoryLimit
    }

    /// Decodes a spec; a missing template reads as empty.
    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        selector = try container.decodeIfPresent(LabelSelectorSpec.self, forKey: .selector)
        template = try container.value(.template, or: PodTemplateSpec())
        updateStrategy = try container.decodeIfPresent(UpdateStrategy.self, forKey: .updateStrategy)
        minReadySeconds = try container.decodeIfPresent(Int.self, forKey: .minReadySeconds)
        revisionHistoryLimit = try container.decodeIfPresent(Int.self, forKey: .revisionHistoryLimit)
    }
}

/// `status` of a DaemonSet; omitted counts decode as 0.
public struct DaemonSetStatus: Codable, Sendable, Hashable {
    /// The generation the controller last acted on.
    public var observedGeneration: Int64
    /// Nodes that should run the daemon pod.
    public var desiredNumberScheduled: Int
    /// Nodes running at least one daemon pod that should.
    public var currentNumberScheduled: Int
    /// Nodes running a daemon pod that should not.
    public var numberMisscheduled: Int
    /// Nodes whose daemon pod is ready.
    public var numberReady: Int
    /// Nodes running the updated pod template.
    public var updatedNumberScheduled: Int
    /// Nodes whose daemon pod has been ready for `minReadySeconds`.
    public var numberAvailable: Int
    /// Nodes that should run an available daemon pod and do not.
    public var numberUnavailable: Int
    /// The hash-collision salt.
    public var collisionCount: Int?
    /// Conditions (rarely written by the controller).
    public var conditions: [Condition]

    /// Creates a status.
    public init(
        observedGeneration: Int64 = 0,
        desiredNumberScheduled: Int = 0,
        currentNumberScheduled: Int = 0,
        numberMisscheduled: Int = 0,
        numberReady: Int = 0,
        updatedNumberScheduled: Int = 0,
        numberAvailable: Int = 0,
        numberUnavailable: Int = 0,
        collisionCount: Int? = nil,
        conditions: [Condition] = []
    ) {
        self.observedGeneration = observedGeneration
        self.desiredNumberScheduled = desiredNumberScheduled
        self.currentNumberScheduled = currentNumberScheduled
        self.numberMisscheduled = numberMisscheduled
        self.numberReady = numberReady
        self.updatedNumberScheduled = updatedNumberScheduled
        self.numberAvailable = numberAvailable
        self.numberUnavailable = numberUnavailable
        self.collisionCount = collisionCount
        self.conditions = conditions
    }

    private enum CodingKeys: String, CodingKey {
        case observedGeneration, desiredNumberScheduled, currentNumberScheduled, numberMisscheduled, numberReady
        case updatedNumberScheduled, numberAvailable, numberUnavailable, collisionCount, conditions
    }

    /// Decodes a status; omitted counts are 0.
    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        observedGeneration = try container.value(.observedGeneration, or: 0)
        desiredNumberScheduled = try container.value(.desiredNumberScheduled, or: 0)
        currentNumberScheduled = try container.value(.currentNumberScheduled, or: 0)
        numberMisscheduled = try container.value(.numberMisscheduled, or: 0)
        numberReady = try container.value(.numberReady, or: 0)
        updatedNumberScheduled = try container.value(.updatedNumberScheduled, or: 0)
        numberAvailable = try container.value(.numberAvailable, or: 0)
        numberUnavailable = try container.value(.numberUnavailable, or: 0)
        collisionCount = try container.decodeIfPresent(Int.self, forKey: .collisionCount)
        conditions = try container.value(.conditions, or: [])
    }
}

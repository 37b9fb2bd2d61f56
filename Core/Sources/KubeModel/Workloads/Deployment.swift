/// An apps/v1 Deployment, reduced to what the rules and the report read.
public struct Deployment: KubeObject, Hashable {
    /// `apps/v1` `deployments`.
    public static let resource = APIResource(group: "apps", version: "v1", plural: "deployments", kind: "Deployment")

    /// The annotation holding the revision number, written by the controller on the Deployment and on
    /// the ReplicaSet of that revision: the link between a Deployment and its new ReplicaSet.
    public static let revisionAnnotation = "deployment.kubernetes.io/revision"

    /// The Deployment's metadata; `generation` moves on every spec change.
    public var metadata: ObjectMeta
    /// The desired state.
    public var spec: DeploymentSpec
    /// The controller's view of the rollout.
    public var status: DeploymentStatus

    /// Creates a Deployment.
    public init(
        metadata: ObjectMeta,
        spec: DeploymentSpec = DeploymentSpec(),
        status: DeploymentStatus = DeploymentStatus()
    ) {
        self.metadata = metadata
        self.spec = spec
        self.status = status
    }

    private enum CodingKeys: String, CodingKey { case metadata, spec, status }

    /// Decodes a Deployment; a missing status reads as empty, as for one the controller has not seen yet.
    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        metadata = try container.value(.metadata, or: ObjectMeta(name: ""))
        spec = try container.value(.spec, or: DeploymentSpec())
        status = try container.value(.status, or: DeploymentStatus())
    }

    /// The `deployment.kubernetes.io/revision` annotation, if present.
    public var revision: String? { metadata.annotations?[Deployment.revisionAnnotation] }
}

/// `spec` of a Deployment.
public struct DeploymentSpec: Codable, Sendable, Hashable {
    /// The desired number of pods; the API server defaults it to 1, so `nil` is seen only in hand-made objects.
    public var replicas: Int?
    /// Which pods belong to the Deployment.
    public var selector: LabelSelectorSpec?
    /// The pod template being rolled out.
    public var template: PodTemplateSpec
    /// How old pods are replaced.
    public var strategy: DeploymentStrategy?
    /// Seconds a new pod must be ready before it counts as available.
    public var minReadySeconds: Int?
    /// Seconds without progress after which the controller sets `Progressing=False` (API default 600).
    public var progressDeadlineSeconds: Int?
    /// Whether the rollout is paused: the controller creates no new ReplicaSet while it is.
    public var paused: Bool
    /// How many old ReplicaSets are kept for rollback.
    public var revisionHistoryLimit: Int?

    /// Creates a spec.
    public init(
        replicas: Int? = nil,
        selector: LabelSelectorSpec? = nil,
        template: PodTemplateSpec = PodTemplateSpec(),
        strategy: DeploymentStrategy? = nil,
        minReadySeconds: Int? = nil,
        progressDeadlineSeconds: Int? = nil,
        paused: Bool = false,
        revisionHistoryLimit: Int? = nil
    ) {
        self.replicas = replicas
        self.selector = selector
        self.template = template
        self.strategy = strategy
        self.minReadySeconds = minReadySeconds
        self.progressDeadlineSeconds = progressDeadlineSeconds
        self.paused = paused
        self.revisionHistoryLimit = revisionHistoryLimit
    }

    private enum CodingKeys: String, CodingKey {
        case replicas, selector, template, strategy, minReadySeconds, progressDeadlineSeconds, paused
        case revisionHistoryLimit
    }

    /// Decodes a spec; `paused` is omitted on the wire when false.
    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        replicas = try container.decodeIfPresent(Int.self, forKey: .replicas)
        selector = try container.decodeIfPresent(LabelSelectorSpec.self, forKey: .selector)
        template = try container.value(.template, or: PodTemplateSpec())
        strategy = try container.decodeIfPresent(DeploymentStrategy.self, forKey: .strategy)
        minReadySeconds = try container.decodeIfPresent(Int.self, forKey: .minReadySeconds)
        progressDeadlineSeconds = try container.decodeIfPresent(Int.self, forKey: .progressDeadlineSeconds)
        paused = try container.value(.paused, or: false)
        revisionHistoryLimit = try container.decodeIfPresent(Int.self, forKey: .revisionHistoryLimit)
    }
}

/// `spec.strategy` of a Deployment.
public struct DeploymentStrategy: Codable, Sendable, Hashable {
    /// `RollingUpdate` (the default) or `Recreate`.
    public var type: UpdateStrategyType?
    /// The surge and unavailability limits of a rolling update.
    public var rollingUpdate: RollingUpdate?

    /// `spec.strategy.rollingUpdate`.
    public struct RollingUpdate: Codable, Sendable, Hashable {
        /// How many pods above the desired count may exist during the update (number or percentage).
        public var maxSurge: IntOrString?
        /// How many pods may be unavailable during the update (number or percentage).
        public var maxUnavailable: IntOrString?

        /// Creates rolling-update limits.
        public init(maxSurge: IntOrString? = nil, maxUnavailable: IntOrString? = nil) {
            self.maxSurge = maxSurge
            self.maxUnavailable = maxUnavailable
        }
    }

    /// Creates a strategy.
    public init(type: UpdateStrategyType? = nil, rollingUpdate: RollingUpdate? = nil) {
        self.type = type
        self.rollingUpdate = rollingUpdate
    }
}

/// `status` of a Deployment; counts the API server omits (zero) decode as 0.
public struct DeploymentStatus: Codable, Sendable, Hashable {
    /// The generation the controller last acted on; nothing in this status describes a newer spec.
    public var observedGeneration: Int64
    /// Non-terminated pods of all the Deployment's ReplicaSets.
    public var replicas: Int
    /// Non-terminated pods of the new ReplicaSet.
    public var updatedReplicas: Int
    /// Pods with the `Ready` condition.
    public var readyReplicas: Int
    /// Pods ready for at least `minReadySeconds`.
    public var availableReplicas: Int
    /// Pods still needed for 100% availability.
    public var unavailableReplicas: Int
    /// `Progressing`, `Available`, `ReplicaFailure`.
    public var conditions: [Condition]
    /// The hash-collision salt of the pod-template-hash.
    public var collisionCount: Int?

    /// Creates a status.
    public init(
        observedGeneration: Int64 = 0,
        replicas: Int = 0,
        updatedReplicas: Int = 0,
        readyReplicas: Int = 0,
        availableReplicas: Int = 0,
        unavailableReplicas: Int = 0,
        conditions: [Condition] = [],
        collisionCount: Int? = nil
    ) {
        self.observedGeneration = observedGeneration
        self.replicas = replicas
        self.updatedReplicas = updatedReplicas
        self.readyReplicas = readyReplicas
        self.availableReplicas = availableReplicas
        self.unavailableReplicas = unavailableReplicas
        self.conditions = conditions
        self.collisionCount = collisionCount
    }

    private enum CodingKeys: String, CodingKey {
        case observedGeneration, replicas, updatedReplicas, readyReplicas, availableReplicas, unavailableReplicas
        case conditions, collisionCount
    }

    /// Decodes a status; omitted counts are 0 and a `null` condition list is empty.
    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        observedGeneration = try container.value(.observedGeneration, or: 0)
        replicas = try container.value(.replicas, or: 0)
        updatedReplicas = try container.value(.updatedReplicas, or: 0)
        readyReplicas = try container.value(.readyReplicas, or: 0)
        availableReplicas = try container.value(.availableReplicas, or: 0)
        unavailableReplicas = try container.value(.unavailableReplicas, or: 0)
        conditions = try container.value(.conditions, or: [])
        collisionCount = try container.decodeIfPresent(Int.self, forKey: .collisionCount)
    }
}

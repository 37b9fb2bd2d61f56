/// A core/v1 Pod, reduced to what the rules and the report read.
///
/// The signals of a failing rollout live here: container states (`CrashLoopBackOff`, `ErrImagePull`,
/// `OOMKilled` in `lastState`), the `PodScheduled` condition and the phase/reason of evicted pods.
public struct Pod: KubeObject, Hashable {
    /// `v1` `pods`.
    public static let resource = APIResource(group: "", version: "v1", plural: "pods", kind: "Pod")

    /// The pod's metadata: owner references tie it to its ReplicaSet, `deletionTimestamp` marks it terminating.
    public var metadata: ObjectMeta
    /// The spec: container names, node, restart policy.
    public var spec: PodSpec
    /// The status written by the scheduler and the kubelet.
    public var status: PodStatus

    /// Creates a pod.
    public init(metadata: ObjectMeta, spec: PodSpec = PodSpec(), status: PodStatus = PodStatus()) {
        self.metadata = metadata
        self.spec = spec
        self.status = status
    }

    private enum CodingKeys: String, CodingKey { case metadata, spec, status }

    /// Decodes a pod; a missing spec or status reads as empty, as for a pod the API has just accepted.
    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        metadata = try container.value(.metadata, or: ObjectMeta(name: ""))
        spec = try container.value(.spec, or: PodSpec())
        status = try container.value(.status, or: PodStatus())
    }

    /// Whether the pod is terminating: it has a `deletionTimestamp` and will go away on its own.
    public var isTerminating: Bool { metadata.deletionTimestamp != nil }
}

/// `status` of a Pod.
public struct PodStatus: Codable, Sendable, Hashable {
    /// The lifecycle phase; `nil` before the API server has defaulted it.
    public var phase: PodPhase?
    /// A CamelCase reason for the phase, such as `Evicted`, `Preempting`, `NodeLost` or `OutOfcpu`.
    public var reason: String?
    /// The human-readable explanation of `reason`.
    public var message: String?
    /// The conditions: `PodScheduled`, `Initialized`, `ContainersReady`, `Ready`, `DisruptionTarget`.
    public var conditions: [Condition]
    /// The main containers' statuses, one per container that the kubelet has seen.
    public var containerStatuses: [ContainerStatus]
    /// The init containers' statuses.
    public var initContainerStatuses: [ContainerStatus]
    /// When the kubelet accepted the pod.
    public var startTime: KubeTime?

    /// Creates a pod status.
    public init(
        phase: PodPhase? = nil,
        reason: String? = nil,
        message: String? = nil,
        conditions: [Condition] = [],
        containerStatuses: [ContainerStatus] = [],
        initContainerStatuses: [ContainerStatus] = [],
        startTime: KubeTime? = nil
    ) {
        self.phase = phase
        self.reason = reason
        self.message = message
        self.conditions = conditions
        self.containerStatuses = containerStatuses
        self.initContainerStatuses = initContainerStatuses
        self.startTime = startTime
    }

    private enum CodingKeys: String, CodingKey {
        case phase, reason, message, conditions, containerStatuses, initContainerStatuses, startTime
    }

    /// Decodes a pod status; missing or `null` lists read as empty.
    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        phase = try container.decodeIfPresent(PodPhase.self, forKey: .phase)
        reason = try container.decodeIfPresent(String.self, forKey: .reason)
        message = try container.decodeIfPresent(String.self, forKey: .message)
        conditions = try container.value(.conditions, or: [])
        containerStatuses = try container.value(.containerStatuses, or: [])
        initContainerStatuses = try container.value(.initContainerStatuses, or: [])
        startTime = try container.decodeIfPresent(KubeTime.self, forKey: .startTime)
    }
}

/// `status.phase` of a Pod.
public enum PodPhase: String, Codable, Sendable, Hashable, CaseIterable {
    /// Accepted, but not every container runs yet: scheduling, pulling images, creating containers.
    case pending = "Pending"
    /// Bound to a node, and at least one container runs or is restarting.
    case running = "Running"
    /// Every container terminated successfully and none will restart.
    case succeeded = "Succeeded"
    /// Every container terminated and at least one failed, or the pod was evicted.
    case failed = "Failed"
    /// The node stopped reporting (or the phase is one this model does not know).
    case unknown = "Unknown"

    /// Decodes a phase; an unrecognised value reads as `unknown` instead of failing the whole pod.
    public init(from decoder: any Decoder) throws {
        let text = try decoder.singleValueContainer().decode(String.self)
        self = PodPhase(rawValue: text) ?? .unknown
    }
}

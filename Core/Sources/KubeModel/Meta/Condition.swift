/// One entry of a `status.conditions` list, shared by Deployments, ReplicaSets, Pods, StatefulSets,
/// DaemonSets and Jobs.
///
/// Conditions are the controllers' own verdicts (`Progressing=False` with `ProgressDeadlineExceeded`,
/// `ReplicaFailure=True`, `PodScheduled=False`), so the rules read them before inferring anything from
/// counts. Only the fields every kind shares are kept; `lastProbeTime` and `lastHeartbeatTime` are skipped.
public struct Condition: Codable, Sendable, Hashable {
    /// The condition type, such as `Progressing`, `Available`, `ReplicaFailure`, `PodScheduled`, `Complete`.
    public var type: String
    /// Whether the condition holds.
    public var status: ConditionStatus
    /// A machine-readable CamelCase reason, such as `ProgressDeadlineExceeded` or `Unschedulable`.
    public var reason: String?
    /// The human-readable explanation written by the controller.
    public var message: String?
    /// When `status` last changed; the pending deadline is measured from it.
    public var lastTransitionTime: KubeTime?
    /// When the controller last wrote the condition (Deployments only).
    public var lastUpdateTime: KubeTime?

    /// Creates a condition.
    public init(
        type: String,
        status: ConditionStatus,
        reason: String? = nil,
        message: String? = nil,
        lastTransitionTime: KubeTime? = nil,
        lastUpdateTime: KubeTime? = nil
    ) {
        self.type = type
        self.status = status
        self.reason = reason
        self.message = message
        self.lastTransitionTime = lastTransitionTime
        self.lastUpdateTime = lastUpdateTime
    }

    private enum CodingKeys: String, CodingKey {
        case type, status, reason, message, lastTransitionTime, lastUpdateTime
    }

    /// Decodes a condition; a missing status reads as `Unknown`, as the API documents for absent values.
    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        type = try container.decodeIfPresent(String.self, forKey: .type) ?? ""
        status = try container.decodeIfPresent(ConditionStatus.self, forKey: .status) ?? .unknown
        reason = try container.decodeIfPresent(String.self, forKey: .reason)
        message = try container.decodeIfPresent(String.self, forKey: .message)
        lastTransitionTime = try container.decodeIfPresent(KubeTime.self, forKey: .lastTransitionTime)
        lastUpdateTime = try container.decodeIfPresent(KubeTime.self, forKey: .lastUpdateTime)
    }
}

/// The `status` of a condition: `True`, `False` or `Unknown`.
public enum ConditionStatus: String, Codable, Sendable, Hashable, CaseIterable {
    /// The condition holds.
    case isTrue = "True"
    /// The condition does not hold.
    case isFalse = "False"
    /// The controller cannot tell (or wrote a value this model does not know).
    case unknown = "Unknown"

    /// Decodes a status; any other text reads as `unknown` rather than failing the whole object.
    public init(from decoder: any Decoder) throws {
        let text = try decoder.singleValueContainer().decode(String.self)
        self = ConditionStatus(rawValue: text) ?? .unknown
    }
}

extension Sequence where Element == Condition {
    /// The first condition of the given type, such as `"Progressing"`; controllers write at most one per type.
    public func first(ofType type: String) -> Condition? {
        first { $0.type == type }
    }
}

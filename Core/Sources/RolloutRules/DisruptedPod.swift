/// A pod of the new revision that was evicted, preempted or otherwise disrupted.
///
/// The controller replaces such pods, so they are not failures by themselves; the report lists them
/// because a rollout that keeps losing pods to node pressure deserves a look.
public struct DisruptedPod: Sendable, Hashable, CustomStringConvertible {
    /// The pod's name.
    public var name: String
    /// The reason, such as `Evicted`, `Preempting`, `NodeLost`, `OutOfmemory` or a `DisruptionTarget`
    /// reason such as `PreemptionByScheduler`.
    public var reason: String
    /// The kubelet's or scheduler's message.
    public var message: String?

    /// Creates a disrupted-pod record.
    public init(name: String, reason: String, message: String? = nil) {
        self.name = name
        self.reason = reason
        self.message = message
    }

    /// The pod, its reason and its message on one line.
    ///
    /// Such as `pod web-1: Evicted: The node was low on resource: memory.`
    public var description: String {
        "pod \(name): \(reason)" + (message.map { ": \($0)" } ?? "")
    }
}

/// A recent `type: Warning` Event about the workload, its new ReplicaSet or a failing pod.
///
/// Events often carry the real cause (`FailedMount`, `FailedScheduling`, `Unhealthy`) that a
/// container status does not. Their messages come from the cluster and are capped in size.
public struct WarningEvent: Sendable, Hashable, Codable {
    /// The Event's reason, such as `BackOff`.
    public var reason: String
    /// The Event's message, capped to `UntrustedText.eventMessageLimit` bytes.
    public var message: String
    /// How many times it was seen (`count`, or `series.count`).
    public var count: Int
    /// The object it is about, as `Kind/name`, such as `Pod/web-7f9c-x2x`.
    public var object: String
    /// When it was last seen.
    public var lastTimestamp: String?

    /// Creates an event; the message is capped here so no caller can forget it.
    public init(reason: String, message: String, count: Int, object: String, lastTimestamp: String? = nil) {
        self.reason = reason
        self.message = UntrustedText.cap(message, bytes: UntrustedText.eventMessageLimit).text
        self.count = count
        self.object = object
        self.lastTimestamp = lastTimestamp
    }
}

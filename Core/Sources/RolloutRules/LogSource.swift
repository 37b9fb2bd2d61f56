/// The container log that explains a failure: which pod and container, and whether the previous
/// instance's log (`previous=true`) is the one to read.
public struct LogSource: Sendable, Hashable {
    /// The pod.
    public var pod: String
    /// The container.
    public var container: String
    /// Whether to ask for the previous instance: true when the container is waiting to restart after a
    /// termination, because the current instance has no log yet and the crash is in the previous one.
    public var previous: Bool

    /// Creates a log source.
    public init(pod: String, container: String, previous: Bool) {
        self.pod = pod
        self.container = container
        self.previous = previous
    }
}

/// A request for the tail of one container's log: `GET /api/v1/namespaces/{ns}/pods/{pod}/log`.
public struct LogRequest: Sendable, Hashable, CustomStringConvertible {
    /// The pod's namespace.
    public var namespace: String
    /// The pod's name.
    public var pod: String
    /// The container's name (an init container's name works too).
    public var container: String
    /// Whether to read the previous, terminated instance (`previous=true`): after a crash the current
    /// instance is usually still waiting in back-off and has no log of its own.
    public var previous: Bool
    /// How many lines from the end to return (`tailLines`).
    public var tailLines: Int
    /// The most bytes to return (`limitBytes`), so a container that logs one giant line cannot bloat the report.
    public var limitBytes: Int

    /// Describes a log request.
    public init(namespace: String, pod: String, container: String, previous: Bool, tailLines: Int, limitBytes: Int) {
        self.namespace = namespace
        self.pod = pod
        self.container = container
        self.previous = previous
        self.tailLines = tailLines
        self.limitBytes = limitBytes
    }

    /// `pod prod/web-7f9-x container app (previous instance)`.
    public var description: String {
        "pod \(namespace)/\(pod) container \(container)\(previous ? " (previous instance)" : "")"
    }
}

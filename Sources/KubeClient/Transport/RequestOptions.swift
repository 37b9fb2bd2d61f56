/// Options of a list or watch: which objects of the collection.
public struct ListOptions: Sendable, Hashable {
    /// `labelSelector`, in kubectl's grammar (passed to the server as written).
    public var labelSelector: String?
    /// `fieldSelector`, such as `involvedObject.name=web`.
    public var fieldSelector: String?
    /// Items per page; `nil` uses ``TransportOptions/listPageSize``, `0` asks for everything in one answer.
    public var limit: Int?

    /// Creates options; every filter defaults to none.
    public init(labelSelector: String? = nil, fieldSelector: String? = nil, limit: Int? = nil) {
        self.labelSelector = labelSelector
        self.fieldSelector = fieldSelector
        self.limit = limit
    }
}

/// Options of a pod log request (`GET …/pods/{name}/log`).
public struct LogOptions: Sendable, Hashable {
    /// The container; required when the pod has several.
    public var container: String?
    /// The previous (terminated) instance of the container, for crash loops.
    public var previous: Bool
    /// Only the last lines.
    public var tailLines: Int?
    /// At most this many bytes (the server cuts there).
    public var limitBytes: Int?

    /// Creates options.
    public init(container: String? = nil, previous: Bool = false, tailLines: Int? = nil, limitBytes: Int? = nil) {
        self.container = container
        self.previous = previous
        self.tailLines = tailLines
        self.limitBytes = limitBytes
    }
}

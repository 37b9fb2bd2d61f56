/// Which objects of one kind a watch covers: a namespace (or all), and optional label and field selectors.
///
/// Both selectors are passed to the API server as they are, so the server filters before it sends;
/// they are strings in the API's own grammar, validated by the command line before any request.
public struct WatchQuery: Sendable, Hashable, CustomStringConvertible {
    /// The namespace to watch, or `nil` for every namespace (`-A`).
    public var namespace: String?
    /// A label selector in kubectl's grammar, such as `app=web,tier in (front)`.
    public var labelSelector: String?
    /// A field selector, such as `type=Warning` for events.
    public var fieldSelector: String?

    /// Describes a watch.
    public init(namespace: String?, labelSelector: String? = nil, fieldSelector: String? = nil) {
        self.namespace = namespace
        self.labelSelector = labelSelector
        self.fieldSelector = fieldSelector
    }

    /// `namespace prod, labels app=web`, as progress and error messages name a watch.
    public var description: String {
        var parts = [namespace.map { "namespace \($0)" } ?? "all namespaces"]
        if let labelSelector { parts.append("labels \(labelSelector)") }
        if let fieldSelector { parts.append("fields \(fieldSelector)") }
        return parts.joined(separator: ", ")
    }

    /// One watch as a person reads it: the kind of object and the query, such as `pods in namespace prod`.
    public struct Described: Sendable, Hashable, CustomStringConvertible {
        /// The plural resource, such as `pods` or `deployments`.
        public var resource: String
        /// Which objects.
        public var query: WatchQuery

        /// Describes a watch.
        public init(resource: String, query: WatchQuery) {
            self.resource = resource
            self.query = query
        }

        /// `pods in namespace prod, labels app=web`.
        public var description: String { "\(resource) in \(query)" }
    }
}

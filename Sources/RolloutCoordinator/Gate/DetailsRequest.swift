import KubeModel

/// What the gate fetches about a failure once its verdict is known: the log that explains it, and a
/// fresh list of the Warning events about its objects.
///
/// The events watch usually has them already, but a crash seen on the pods watch can race the event
/// reporting it; listing once at failure time closes that gap.
struct DetailsRequest: Sendable, Hashable {
    /// The log to fetch, when the rules named a container.
    var log: LogRequest?
    /// The namespace of the failing workload.
    var namespace: String
    /// The objects whose Warning events the report keeps: the workload, its ReplicaSet of the failing
    /// revision, and the failing pod.
    var objects: [EventSubject]

    /// The query listing the namespace's Warning events.
    var eventsQuery: WatchQuery { WatchQuery(namespace: namespace, fieldSelector: "type=Warning") }
}

/// An object whose Warning events a failure report keeps.
struct EventSubject: Sendable, Hashable {
    /// The kind, such as `Pod`.
    var kind: String
    /// The name.
    var name: String
    /// The UID events refer to.
    var uid: String
}

/// What fetching a failure's details brought back.
struct FetchedDetails: Sendable {
    /// The log, or why it is missing.
    var log: LogCapture
    /// The namespace's Warning events, or `nil` when the list failed (the watched ones are kept then).
    var events: [Event]?
}

/// Conversion between core/v1 `Event` (how the store keeps events) and `events.k8s.io/v1` `Event`.
///
/// Real clusters keep one storage for both and convert per request; the simulator does the same, so an
/// event written by the behaviour model in core form is visible through both APIs.
enum EventConversion {
    private static let renamed: [(core: String, view: String)] = [
        ("involvedObject", "regarding"), ("message", "note"), ("source", "deprecatedSource"),
        ("firstTimestamp", "deprecatedFirstTimestamp"), ("lastTimestamp", "deprecatedLastTimestamp"),
        ("count", "deprecatedCount"), ("reportingComponent", "reportingController"),
    ]

    /// The events.k8s.io/v1 form of a stored core event.
    static func toView(_ core: JSONValue) -> JSONValue {
        guard var members = core.objectValue else { return core }
        for pair in renamed {
            if let value = members.removeValue(forKey: pair.core) { members[pair.view] = value }
        }
        members["apiVersion"] = "events.k8s.io/v1"
        members["kind"] = "Event"
        // `eventTime` has no omitempty in events.k8s.io/v1: a legacy event without one is served as null.
        if members["eventTime"] == nil { members["eventTime"] = .null }
        return .object(members)
    }

    /// The core/v1 form of an events.k8s.io/v1 event, for storing a client's write.
    static func toCore(_ view: JSONValue) -> JSONValue {
        guard var members = view.objectValue else { return view }
        for pair in renamed {
            if let value = members.removeValue(forKey: pair.view) { members[pair.core] = value }
        }
        members["apiVersion"] = "v1"
        members["kind"] = "Event"
        return .object(members)
    }
}

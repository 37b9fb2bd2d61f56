/// A core/v1 Event, reduced to what the rules and the report read.
///
/// Some failures show only here: `FailedMount` and `FailedAttachVolume` (the pod just sits in
/// `ContainerCreating`), readiness-probe failures (`Unhealthy`), and `FailedScheduling` details.
public struct Event: KubeObject, Hashable {
    /// `v1` `events` (the core group, which every cluster serves and kubectl reads).
    public static let resource = APIResource(group: "", version: "v1", plural: "events", kind: "Event")

    /// The event's own metadata.
    public var metadata: ObjectMeta
    /// The object the event is about; `fieldPath` names the container when there is one.
    public var involvedObject: ObjectReference
    /// A CamelCase reason, such as `FailedMount`, `Unhealthy`, `BackOff`, `FailedScheduling`.
    public var reason: String?
    /// The human-readable detail, such as `MountVolume.SetUp failed for volume "tls" : secret "tls" not found`.
    public var message: String?
    /// `Normal` or `Warning`.
    public var type: String?
    /// How many times the event was seen (old-style deduplication).
    public var count: Int?
    /// When it was first seen (old-style events; `null` in events written through events.k8s.io).
    public var firstTimestamp: KubeTime?
    /// When it was last seen (old-style events).
    public var lastTimestamp: KubeTime?
    /// When it was first seen, in microseconds (new-style events).
    public var eventTime: KubeTime?
    /// Repetitions of a new-style event: its count and when it was last seen.
    public var series: Series?
    /// The component that reported it (old-style events).
    public var source: Source?
    /// The component that reported it (new-style events), such as `kubelet`.
    public var reportingComponent: String?

    /// `series` of an event that happened repeatedly.
    public struct Series: Codable, Sendable, Hashable {
        /// How many times it happened.
        public var count: Int?
        /// When it last happened.
        public var lastObservedTime: KubeTime?

        /// Creates a series.
        public init(count: Int? = nil, lastObservedTime: KubeTime? = nil) {
            self.count = count
            self.lastObservedTime = lastObservedTime
        }
    }

    /// `source` of an old-style event.
    public struct Source: Codable, Sendable, Hashable {
        /// Such as `kubelet` or `default-scheduler`.
        public var component: String?
        /// The node, for kubelet events.
        public var host: String?

        /// Creates a source.
        public init(component: String? = nil, host: String? = nil) {
            self.component = component
            self.host = host
        }
    }

    /// Creates an event.
    public init(
        metadata: ObjectMeta,
        involvedObject: ObjectReference,
        reason: String? = nil,
        message: String? = nil,
        type: String? = nil,
        count: Int? = nil,
        firstTimestamp: KubeTime? = nil,
        lastTimestamp: KubeTime? = nil,
        eventTime: KubeTime? = nil,
        series: Series? = nil,
        source: Source? = nil,
        reportingComponent: String? = nil
    ) {
        self.metadata = metadata
        self.involvedObject = involvedObject
        self.reason = reason
        self.message = message
        self.type = type
        self.count = count
        self.firstTimestamp = firstTimestamp
        self.lastTimestamp = lastTimestamp
        self.eventTime = eventTime
        self.series = series
        self.source = source
        self.reportingComponent = reportingComponent
    }

    private enum CodingKeys: String, CodingKey {
        case metadata, involvedObject, reason, message, type, count, firstTimestamp, lastTimestamp, eventTime
        case series, source, reportingComponent
    }

    /// Decodes an event; missing fields read as absent, as in events written by older components.
    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        metadata = try container.value(.metadata, or: ObjectMeta(name: ""))
        involvedObject = try container.value(.involvedObject, or: ObjectReference())
        reason = try container.decodeIfPresent(String.self, forKey: .reason)
        message = try container.decodeIfPresent(String.self, forKey: .message)
        type = try container.decodeIfPresent(String.self, forKey: .type)
        count = try container.decodeIfPresent(Int.self, forKey: .count)
        firstTimestamp = try container.decodeIfPresent(KubeTime.self, forKey: .firstTimestamp)
        lastTimestamp = try container.decodeIfPresent(KubeTime.self, forKey: .lastTimestamp)
        eventTime = try container.decodeIfPresent(KubeTime.self, forKey: .eventTime)
        series = try container.decodeIfPresent(Series.self, forKey: .series)
        source = try container.decodeIfPresent(Source.self, forKey: .source)
        reportingComponent = try container.decodeIfPresent(String.self, forKey: .reportingComponent)
    }

    /// Whether the event is a `Warning` (the only type the rules and the report look at).
    public var isWarning: Bool { type == "Warning" }

    /// When the event was last seen, whichever style wrote it.
    ///
    /// Old-style events carry `lastTimestamp`; new-style ones `series.lastObservedTime` or `eventTime`.
    public var lastSeen: KubeTime? {
        series?.lastObservedTime ?? lastTimestamp ?? eventTime ?? firstTimestamp ?? metadata.creationTimestamp
    }

    /// When the event was first seen, whichever style wrote it.
    public var firstSeen: KubeTime? {
        firstTimestamp ?? eventTime ?? lastTimestamp ?? metadata.creationTimestamp
    }

    /// How many times the event happened, whichever style wrote it (at least 1).
    public var occurrences: Int { max(series?.count ?? count ?? 1, 1) }
}

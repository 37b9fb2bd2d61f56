/// One event of a watch stream: `{"type": "ADDED", "object": {...}}`, one per line.
///
/// `BOOKMARK` events carry only a resourceVersion (their object is otherwise empty), and `ERROR` events
/// carry a `Status` instead of an object (410 `Expired` when the requested resourceVersion is too old),
/// so both are decoded without touching the object type.
public enum WatchEvent<Object: Decodable & Sendable>: Sendable, Decodable {
    /// The object was created (or existed when the watch started without a resourceVersion).
    case added(Object)
    /// The object changed.
    case modified(Object)
    /// The object was deleted; this is its last state.
    case deleted(Object)
    /// A progress marker: everything up to this resourceVersion has been sent.
    case bookmark(resourceVersion: String)
    /// The server ended the watch with an error.
    case error(APIStatus)

    private enum CodingKeys: String, CodingKey { case type, object }
    private enum BookmarkKeys: String, CodingKey { case metadata }
    private struct BookmarkMeta: Decodable { var resourceVersion: String? }

    /// Decodes an event by its `type`; an unknown type is a decoding error that names it.
    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        let type = try container.decode(String.self, forKey: .type)
        switch type {
        case "ADDED": self = .added(try container.decode(Object.self, forKey: .object))
        case "MODIFIED": self = .modified(try container.decode(Object.self, forKey: .object))
        case "DELETED": self = .deleted(try container.decode(Object.self, forKey: .object))
        case "BOOKMARK":
            let object = try container.nestedContainer(keyedBy: BookmarkKeys.self, forKey: .object)
            let meta = try object.decodeIfPresent(BookmarkMeta.self, forKey: .metadata)
            self = .bookmark(resourceVersion: meta?.resourceVersion ?? "")
        case "ERROR": self = .error(try container.decode(APIStatus.self, forKey: .object))
        default:
            throw DecodingError.dataCorruptedError(
                forKey: .type,
                in: container,
                debugDescription: "unknown watch event type \"\(type)\""
            )
        }
    }

    /// The object of an `ADDED`, `MODIFIED` or `DELETED` event.
    public var object: Object? {
        switch self {
        case .added(let object), .modified(let object), .deleted(let object): object
        case .bookmark, .error: nil
        }
    }
}

import Foundation

/// How objects are written in a response: plain JSON, or a `meta.k8s.io/v1` Table as `kubectl get` asks.
struct ObjectEncoding: Sendable {
    /// What a Table row carries besides its cells (`includeObject`).
    enum IncludeObject: String, Sendable {
        case none = "None"
        case metadata = "Metadata"
        case object = "Object"
    }

    /// The wire format.
    enum Format: Sendable, Equatable {
        case json
        case table(IncludeObject)
    }

    var format: Format
    var type: ResourceType

    /// Chooses the format from the `Accept` header: a Table when asked for first, JSON otherwise;
    /// 406 when only formats the simulator does not speak (protobuf) are acceptable.
    init(accept: String, query: QueryParameters, type: ResourceType) throws(APIError) {
        self.type = type
        format = .json
        let choices = accept.split(separator: ",").map {
            String($0).lowercased().replacingOccurrences(of: " ", with: "")
        }
        if choices.isEmpty { return }
        for choice in choices {
            if choice.hasPrefix("application/json") && choice.contains("as=table") {
                let include = IncludeObject(rawValue: query["includeObject"] ?? "Metadata") ?? .metadata
                format = .table(include)
                return
            }
            if choice.hasPrefix("application/json") || choice.hasPrefix("*/*") || choice.hasPrefix("application/*")
                || choice.hasPrefix("application/yaml")
            {
                return
            }
        }
        throw APIError(
            code: 406,
            reason: "NotAcceptable",
            message: "only the following media types are accepted: application/json, application/yaml, "
                + "application/vnd.kubernetes.protobuf"
        )
    }

    init(type: ResourceType) {
        self.type = type
        format = .json
    }

    var isTable: Bool { format != .json }

    /// The object as this resource serves it (events.k8s.io converts the stored core event).
    func value(_ stored: StoredObject) -> JSONValue {
        type.isView ? EventConversion.toView(stored.value) : stored.value
    }

    /// The object's JSON bytes, from the store's cache unless a view must convert it.
    func bytes(_ stored: StoredObject) -> [UInt8] {
        type.isView ? EventConversion.toView(stored.value).serialized() : stored.json
    }

    /// A list response body: `{"apiVersion":…,"items":[…],"kind":"PodList","metadata":{…}}`, assembled from
    /// the cached object encodings without re-encoding them.
    func listBytes(_ items: [StoredObject], metadata: JSONValue) -> [UInt8] {
        var out: [UInt8] = []
        out.reserveCapacity(items.reduce(128) { $0 + $1.json.count + 1 })
        out.append(contentsOf: Array("{\"apiVersion\":".utf8))
        JSONValue.string(type.apiVersion).write(into: &out)
        out.append(contentsOf: Array(",\"items\":[".utf8))
        for (index, item) in items.enumerated() {
            if index > 0 { out.append(UInt8(ascii: ",")) }
            out.append(contentsOf: bytes(item))
        }
        out.append(contentsOf: Array("],\"kind\":".utf8))
        JSONValue.string("\(type.kind)List").write(into: &out)
        out.append(contentsOf: Array(",\"metadata\":".utf8))
        metadata.write(into: &out)
        out.append(UInt8(ascii: "}"))
        return out
    }

    /// A Table response for these objects.
    func table(_ items: [StoredObject], metadata: JSONValue, now: Date) -> JSONValue {
        guard case .table(let include) = format else { return .null }
        let printer = TablePrinter(type: type, now: now)
        let rows: [JSONValue] = items.map { printer.row(value($0), include: include) }
        return [
            "kind": "Table", "apiVersion": "meta.k8s.io/v1", "metadata": metadata,
            "columnDefinitions": .array(printer.columnDefinitions), "rows": .array(rows),
        ]
    }

    /// One watch event line, newline-terminated.
    func watchLine(type eventType: String, object: StoredObject, now: Date) -> [UInt8] {
        var out: [UInt8] = []
        out.reserveCapacity(object.json.count + 32)
        out.append(contentsOf: Array("{\"type\":\"".utf8))
        out.append(contentsOf: Array(eventType.utf8))
        out.append(contentsOf: Array("\",\"object\":".utf8))
        if isTable {
            table([object], metadata: ["resourceVersion": .string(String(object.resourceVersion))], now: now)
                .write(into: &out)
        } else {
            out.append(contentsOf: bytes(object))
        }
        out.append(contentsOf: Array("}\n".utf8))
        return out
    }

    /// A BOOKMARK event line: an object of the watched kind carrying only a resourceVersion (and, for the
    /// end of a watch-list's initial events, the `k8s.io/initial-events-end` annotation).
    func bookmarkLine(resourceVersion: Int64, initialEventsEnd: Bool) -> [UInt8] {
        var metadata: [String: JSONValue] = [
            "resourceVersion": .string(String(resourceVersion)), "creationTimestamp": .null,
        ]
        if initialEventsEnd { metadata["annotations"] = ["k8s.io/initial-events-end": "true"] }
        let object: JSONValue
        if isTable {
            object = [
                "kind": "Table", "apiVersion": "meta.k8s.io/v1",
                "metadata": ["resourceVersion": .string(String(resourceVersion))],
                "columnDefinitions": [], "rows": [],
            ]
        } else {
            object = [
                "kind": .string(type.kind), "apiVersion": .string(type.apiVersion), "metadata": .object(metadata),
            ]
        }
        let event: JSONValue = ["type": "BOOKMARK", "object": object]
        return event.serialized() + [0x0A]
    }

    /// An ERROR event line carrying a Status.
    static func errorLine(_ error: APIError) -> [UInt8] {
        let event: JSONValue = ["type": "ERROR", "object": error.status]
        return event.serialized() + [0x0A]
    }
}

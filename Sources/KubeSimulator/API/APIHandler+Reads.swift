import Foundation

extension APIHandler {
    // MARK: get

    func get(_ resource: ResourceRequest, encoding: ObjectEncoding) throws(APIError) -> FullResponse {
        let object = try cluster.read { (store: borrowing ObjectStore) throws(APIError) -> StoredObject in
            try existing(resource, in: store)
        }
        if resource.subresource == "scale" {
            return .json(200, Scale.from(object.value, type: resource.type))
        }
        if encoding.isTable {
            let metadata: JSONValue = ["resourceVersion": .string(String(object.resourceVersion))]
            return .json(200, encoding.table([object], metadata: metadata, now: cluster.clock.now))
        }
        return FullResponse(status: 200, contentType: "application/json", body: encoding.bytes(object))
    }

    // MARK: list

    func list(
        _ resource: ResourceRequest,
        query: QueryParameters,
        encoding: ObjectEncoding
    ) throws(APIError)
        -> FullResponse
    {
        let filter = try filter(resource, query: query)
        let limit = max(0, Int(try query.integer("limit") ?? 0))
        let continueText = query["continue"] ?? ""
        let versionText = query["resourceVersion"] ?? ""
        let match = query["resourceVersionMatch"] ?? ""
        guard ["", "NotOlderThan", "Exact"].contains(match) else {
            throw APIError.badRequest(
                "resourceVersionMatch: Unsupported value: \"\(match)\": supported values: \"Exact\", \"NotOlderThan\""
            )
        }
        if !match.isEmpty, versionText.isEmpty {
            throw APIError(
                code: 422,
                reason: "Invalid",
                message: "resourceVersionMatch: Forbidden: resourceVersionMatch is forbidden unless resourceVersion "
                    + "is provided"
            )
        }
        if !continueText.isEmpty, !versionText.isEmpty, versionText != "0" {
            throw APIError(
                code: 422,
                reason: "Invalid",
                message: "resourceVersion: Forbidden: specifying resource version is not allowed when using continue"
            )
        }
        let requestedVersion: Int64? = try versionText.isEmpty ? nil : Self.parseResourceVersion(versionText)
        let token = continueText.isEmpty ? nil : try ContinueToken(decoding: continueText)
        let namespace = resource.type.namespaced ? resource.namespace : nil
        let kind = resource.type.storageKind

        let (items, listVersion) = try cluster.read {
            (store: borrowing ObjectStore) throws(APIError) -> ([StoredObject], Int64) in
            if let token {
                guard
                    let objects = store.list(
                        kind: kind,
                        namespace: namespace,
                        at: token.resourceVersion,
                        from: token.start
                    )
                else {
                    throw APIError.expired(ContinueToken.expiredMessage)
                }
                return (objects, token.resourceVersion)
            }
            if match == "Exact", let requestedVersion {
                if requestedVersion > store.revision {
                    throw APIError(
                        code: 504,
                        reason: "Timeout",
                        message: "Too large resource version: \(requestedVersion), current: \(store.revision)",
                        details: ["retryAfterSeconds": 1]
                    )
                }
                guard let objects = store.list(kind: kind, namespace: namespace, at: requestedVersion) else {
                    let oldest = store.compactedRevision(kind: kind)
                    throw APIError.expired("too old resource version: \(requestedVersion) (\(oldest))")
                }
                return (objects, requestedVersion)
            }
            if let requestedVersion, requestedVersion > store.revision {
                throw APIError(
                    code: 504,
                    reason: "Timeout",
                    message: "Too large resource version: \(requestedVersion), current: \(store.revision)",
                    details: ["retryAfterSeconds": 1]
                )
            }
            return (store.list(kind: kind, namespace: namespace), store.revision)
        }
        var matching = items.filter(filter.matches)
        var metadata: [String: JSONValue] = ["resourceVersion": .string(String(listVersion))]
        if limit > 0, matching.count > limit {
            let remaining = matching.count - limit
            matching.removeLast(remaining)
            if let last = matching.last {
                metadata["continue"] = .string(
                    ContinueToken(resourceVersion: listVersion, start: last.key + "\u{0}").encoded
                )
            }
            if filter.labels.isEmpty, filter.fields.isEmpty {
                metadata["remainingItemCount"] = .int(Int64(remaining))
            }
        }
        if encoding.isTable {
            if metadata["continue"] != nil { metadata["remainingItemCount"] = nil }
            return .json(200, encoding.table(matching, metadata: .object(metadata), now: cluster.clock.now))
        }
        return FullResponse(
            status: 200,
            contentType: "application/json",
            body: encoding.listBytes(matching, metadata: .object(metadata))
        )
    }

    static func parseResourceVersion(_ text: String) throws(APIError) -> Int64 {
        guard let value = Int64(text), value >= 0 else {
            throw APIError.badRequest(
                "invalid resource version \"\(text)\": strconv.ParseUint: parsing "
                    + "\"\(text)\": invalid syntax"
            )
        }
        return value
    }

    // MARK: watch

    func watchPlan(
        _ resource: ResourceRequest,
        query: QueryParameters,
        encoding: ObjectEncoding
    ) throws(APIError)
        -> WatchPlan
    {
        let filter = try filter(resource, query: query)
        let versionText = query["resourceVersion"] ?? ""
        let bookmarks = try query.flag("allowWatchBookmarks")
        let sendInitialEvents: Bool? = query["sendInitialEvents"].map { $0 == "true" || $0 == "1" }
        let match = query["resourceVersionMatch"] ?? ""
        if sendInitialEvents != nil {
            guard match == "NotOlderThan" else {
                throw APIError(
                    code: 422,
                    reason: "Invalid",
                    message: "resourceVersionMatch: Forbidden: sendInitialEvents requires setting "
                        + "resourceVersionMatch to NotOlderThan"
                )
            }
        } else if !match.isEmpty {
            throw APIError(
                code: 422,
                reason: "Invalid",
                message: "resourceVersionMatch: Forbidden: resourceVersionMatch is forbidden for watch unless "
                    + "sendInitialEvents is provided"
            )
        }
        let start: SimulatedCluster.WatchStart
        switch (sendInitialEvents, versionText) {
        case (.some(true), _), (nil, ""), (nil, "0"):
            start = .initialState
        case (.some(false), ""), (.some(false), "0"):
            start = .after(cluster.resourceVersion)
        default:
            start = .after(try Self.parseResourceVersion(versionText))
        }
        var timeout = settings.defaultWatchTimeout
        if let seconds = try query.integer("timeoutSeconds"), seconds > 0 {
            timeout = .seconds(seconds)
        }
        return WatchPlan(
            filter: filter,
            start: start,
            bookmarks: bookmarks,
            initialEventsEnd: sendInitialEvents == true && bookmarks,
            timeout: timeout,
            encoding: encoding
        )
    }

    // MARK: logs

    func log(_ resource: ResourceRequest, query: QueryParameters) throws(APIError) -> FullResponse {
        let pod = try cluster.read { (store: borrowing ObjectStore) throws(APIError) -> StoredObject in
            try existing(resource, in: store)
        }
        let podName = pod.name
        let containers = (pod.value[path: ["spec", "containers"]]?.arrayValue ?? []).compactMap {
            $0["name"]?.stringValue
        }
        let initContainers = (pod.value[path: ["spec", "initContainers"]]?.arrayValue ?? []).compactMap {
            $0["name"]?.stringValue
        }
        var container = query["container"] ?? ""
        if container.isEmpty {
            if containers.count == 1 {
                container = containers[0]
            } else {
                var message =
                    "a container name must be specified for pod \(podName), choose one of: "
                    + "[\(containers.joined(separator: " "))]"
                if !initContainers.isEmpty {
                    message += " or one of the init containers: [\(initContainers.joined(separator: " "))]"
                }
                throw APIError.badRequest(message)
            }
        }
        guard containers.contains(container) || initContainers.contains(container) else {
            throw APIError.badRequest("container \(container) is not valid for pod \(podName)")
        }
        let previous = try query.flag("previous")
        let stored = try cluster.read { (store: borrowing ObjectStore) throws(APIError) -> ContainerLog? in
            store.log(namespace: pod.namespace, pod: podName, container: container)
        }
        var text: String
        if previous {
            guard let previousText = stored?.previous else {
                throw APIError.badRequest(
                    "previous terminated container \"\(container)\" in pod \"\(podName)\" not found"
                )
            }
            text = previousText
        } else if let current = stored?.current {
            text = current
        } else {
            if let reason = Self.waitingReason(of: pod.value, container: container) {
                throw APIError.badRequest(
                    "container \"\(container)\" in pod \"\(podName)\" is waiting to start: \(reason)"
                )
            }
            text = ""
        }
        if let tail = try query.integer("tailLines"), tail >= 0 {
            var lines = text.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
            let endsWithNewline = text.hasSuffix("\n")
            if endsWithNewline { lines.removeLast() }
            lines = Array(lines.suffix(Int(tail)))
            text = lines.joined(separator: "\n") + (endsWithNewline && !lines.isEmpty ? "\n" : "")
        }
        var bytes = Array(text.utf8)
        if let limit = try query.integer("limitBytes") {
            guard limit > 0 else {
                throw APIError(
                    code: 422,
                    reason: "Invalid",
                    message: "PodLogOptions \"\(podName)\" is invalid: limitBytes: Invalid value: \(limit): must be "
                        + "greater than 0"
                )
            }
            bytes = Array(bytes.prefix(Int(limit)))
        }
        return FullResponse(status: 200, contentType: "text/plain", body: bytes)
    }

    /// The reason a container is waiting (such as `ContainerCreating`), when its status says it is.
    static func waitingReason(of pod: JSONValue, container: String) -> String? {
        let statuses =
            (pod[path: ["status", "containerStatuses"]]?.arrayValue ?? [])
            + (pod[path: ["status", "initContainerStatuses"]]?.arrayValue ?? [])
        guard let status = statuses.first(where: { $0["name"]?.stringValue == container }) else {
            return pod[path: ["status", "phase"]]?.stringValue == "Pending" ? "ContainerCreating" : nil
        }
        return status[path: ["state", "waiting", "reason"]]?.stringValue
    }
}

/// A list `continue` token: the list's resourceVersion and the key to resume after, in the shape
/// kube-apiserver uses (base64 of `{"v":"meta.k8s.io/v1","rv":N,"start":"ns/name\u0000"}`).
struct ContinueToken: Sendable, Hashable {
    var resourceVersion: Int64
    var start: String

    init(resourceVersion: Int64, start: String) {
        self.resourceVersion = resourceVersion
        self.start = start
    }

    init(decoding text: String) throws(APIError) {
        var base64 = text.replacingOccurrences(of: "-", with: "+").replacingOccurrences(of: "_", with: "/")
        while base64.count % 4 != 0 { base64 += "=" }
        guard let data = Data(base64Encoded: base64),
            let value = try? JSONValue.parse(Array(data)),
            value["v"]?.stringValue == "meta.k8s.io/v1",
            let version = value["rv"]?.intValue,
            let start = value["start"]?.stringValue
        else {
            throw APIError.badRequest(
                "continue key is not valid: incorrect encoded start resourceVersion (version meta.k8s.io/v1)"
            )
        }
        self.resourceVersion = version
        self.start = start
    }

    var encoded: String {
        let value: JSONValue = ["v": "meta.k8s.io/v1", "rv": .int(resourceVersion), "start": .string(start)]
        return Data(value.serialized()).base64EncodedString()
            .replacingOccurrences(of: "+", with: "-").replacingOccurrences(of: "/", with: "_")
            .replacingOccurrences(of: "=", with: "")
    }

    static let expiredMessage =
        "The provided continue parameter is too old to display a consistent list result. You can start a new list "
        + "without the continue parameter, or use the continue token in this response to retrieve the remainder of "
        + "the results. Continuing with the provided token results in an inconsistent list - objects that were "
        + "created, modified, or deleted between the time the first chunk was returned and now may show up in the "
        + "list."
}

import Foundation
import NIOHTTP1

/// One HTTP request as the API layer sees it: no sockets, so the whole API is tested without a server.
struct APIRequest: Sendable {
    var method: String
    var path: String
    var query: String
    var headers: HTTPHeaders
    var body: [UInt8]

    init(method: String, uri: String, headers: HTTPHeaders = [:], body: [UInt8] = []) {
        self.method = method
        let pieces = uri.split(separator: "?", maxSplits: 1, omittingEmptySubsequences: false)
        self.path = String(pieces[0])
        self.query = pieces.count > 1 ? String(pieces[1]) : ""
        self.headers = headers
        self.body = body
    }
}

/// A complete (non-streaming) answer.
struct FullResponse: Sendable {
    var status: Int
    var contentType: String
    var body: [UInt8]
    var headers: [(String, String)] = []

    static func json(_ status: Int, _ value: JSONValue) -> FullResponse {
        FullResponse(status: status, contentType: "application/json", body: value.serialized())
    }

    static func error(_ error: APIError) -> FullResponse {
        FullResponse(
            status: error.code,
            contentType: "application/json",
            body: error.status.serialized(),
            headers: error.headers
        )
    }
}

/// What the API layer decided to answer.
enum APIResponse: Sendable {
    /// A complete response.
    case full(FullResponse)
    /// A watch stream to open.
    case watch(WatchPlan)
}

/// Everything the server needs to run one watch stream.
struct WatchPlan: Sendable {
    var filter: ObjectFilter
    var start: SimulatedCluster.WatchStart
    /// Periodic BOOKMARK events (and one before the timeout closes the stream).
    var bookmarks: Bool
    /// Send a BOOKMARK annotated `k8s.io/initial-events-end` after the initial events (watch-list).
    var initialEventsEnd: Bool
    /// When the server ends the stream.
    var timeout: Duration
    /// How each event's object is encoded.
    var encoding: ObjectEncoding
}

/// The settings of the API layer.
struct APISettings: Sendable {
    /// `host:port` as discovery's `serverAddressByClientCIDRs` reports it (known once the port is bound).
    var serverAddress: @Sendable () -> String
    /// Deny rules (403).
    var denyRules: [AccessRule]
    /// The watch timeout when the client gives no `timeoutSeconds`.
    var defaultWatchTimeout: Duration
}

/// The simulated API: routes a request, checks authorization, and reads or writes the cluster.
///
/// Stateless apart from the cluster it serves, so it is shared by every connection.
struct APIHandler: Sendable {
    let cluster: SimulatedCluster
    let settings: APISettings

    /// Answers one request from an authenticated `identity`.
    func handle(_ request: APIRequest, identity: Identity) -> APIResponse {
        do throws(APIError) {
            return try dispatch(request, identity: identity)
        } catch {
            return .full(.error(error))
        }
    }

    private func dispatch(_ request: APIRequest, identity: Identity) throws(APIError) -> APIResponse {
        let query = try QueryParameters(parsing: request.query)
        let watchParameter = try query.flag("watch")
        guard let route = try APIRoute.parse(method: request.method, path: request.path, watchParameter: watchParameter)
        else {
            throw APIError.pathNotFound
        }
        let accept = request.headers.first(name: "accept") ?? ""
        switch route {
        case .version:
            return .full(.json(200, Discovery.version))
        case .health:
            return .full(FullResponse(status: 200, contentType: "text/plain; charset=utf-8", body: Array("ok".utf8)))
        case .openAPI(let parts):
            guard let document = OpenAPIDocument.document(parts) else { throw APIError.pathNotFound }
            return .full(.json(200, document))
        case .control:
            throw APIError.pathNotFound
        case .coreVersions:
            if Discovery.wantsAggregated(accept) { return .full(Discovery.aggregated(core: true)) }
            return .full(.json(200, Discovery.coreVersions(serverAddress: settings.serverAddress())))
        case .groupList:
            if Discovery.wantsAggregated(accept) { return .full(Discovery.aggregated(core: false)) }
            return .full(.json(200, Discovery.groupList))
        case .group(let name):
            return .full(.json(200, Discovery.group(name)))
        case .resourceList(let group, let version):
            return .full(.json(200, Discovery.resourceList(group: group, version: version)))
        case .resource(let resource):
            if let rule = settings.denyRules.first(where: { $0.denies(identity, resource) }) {
                _ = rule
                throw resource.forbidden(for: identity)
            }
            let encoding = try ObjectEncoding(accept: accept, query: query, type: resource.type)
            return try serve(resource, request: request, query: query, encoding: encoding)
        }
    }

    private func serve(
        _ resource: ResourceRequest,
        request: APIRequest,
        query: QueryParameters,
        encoding: ObjectEncoding
    ) throws(APIError) -> APIResponse {
        switch (resource.verb, resource.subresource) {
        case (.get, "log"):
            return .full(try log(resource, query: query))
        case (.get, _):
            return .full(try get(resource, encoding: encoding))
        case (.list, _):
            return .full(try list(resource, query: query, encoding: encoding))
        case (.watch, _):
            return .watch(try watchPlan(resource, query: query, encoding: encoding))
        case (.create, _):
            return .full(try create(resource, request: request, query: query))
        case (.update, _):
            return .full(try update(resource, request: request))
        case (.patch, _):
            return .full(try patch(resource, request: request, query: query))
        case (.delete, _):
            return .full(try delete(resource, request: request, query: query))
        case (.deletecollection, _):
            return .full(try deleteCollection(resource, request: request, query: query))
        }
    }

    // MARK: Shared helpers

    /// The filter a list or watch request describes.
    func filter(_ resource: ResourceRequest, query: QueryParameters) throws(APIError) -> ObjectFilter {
        var filter = ObjectFilter(type: resource.type, namespace: resource.type.namespaced ? resource.namespace : nil)
        let labelText = query["labelSelector"] ?? ""
        let fieldText = query["fieldSelector"] ?? ""
        do throws(SelectorParseError) {
            filter.labels = try LabelSelector(parsing: labelText)
            filter.fields = try FieldSelector(parsing: fieldText)
        } catch {
            throw APIError.badRequest(error.message)
        }
        if let unsupported = filter.fields.unsupportedField(supported: resource.type.supportedFields) {
            throw APIError.badRequest(
                "Unable to find \"\(resource.type.groupVersionResourceText)\" that match label selector "
                    + "\"\(labelText)\", field selector \"\(fieldText)\": field label not supported: \(unsupported)"
            )
        }
        if let name = resource.name {
            // A watch of one object (`/watch/.../NAME`) is a watch with a name field selector.
            filter.fields.terms.append(.init(field: "metadata.name", value: name, negated: false))
        }
        return filter
    }

    /// Parses a request body as JSON (or YAML when the client says so), as an object.
    func decodeBody(_ request: APIRequest) throws(APIError) -> JSONValue {
        let contentType = (request.headers.first(name: "content-type") ?? "application/json").lowercased()
        let mediaType = contentType.split(separator: ";").first.map { String($0).trimmingSpaces() } ?? ""
        let value: JSONValue
        switch mediaType {
        case "application/json", "", "*/*", "application/merge-patch+json", "application/strategic-merge-patch+json",
            "application/json-patch+json":
            do throws(JSONParseError) {
                value = try JSONValue.parse(request.body)
            } catch {
                throw APIError.badRequest("couldn't get version/kind; json parse error: \(error.problem)")
            }
        case "application/yaml", "application/apply-patch+yaml":
            value = try Self.parseYAML(request.body)
        default:
            throw APIError.unsupportedMediaType(
                mediaType,
                accepted: ["application/json", "application/yaml", "application/vnd.kubernetes.protobuf"]
            )
        }
        return value
    }

    static func parseYAML(_ body: [UInt8]) throws(APIError) -> JSONValue {
        let text = String(decoding: body, as: UTF8.self)
        do {
            guard let node = try YAMLDocument.single(text) else { return .null }
            return JSONValue(yaml: node)
        } catch {
            throw APIError.badRequest("error converting YAML to JSON: \(error)")
        }
    }

    /// The stored object a named request addresses, or 404.
    func existing(_ resource: ResourceRequest, in store: borrowing ObjectStore) throws(APIError) -> StoredObject {
        let name = resource.name ?? ""
        guard let object = store.get(kind: resource.type.storageKind, namespace: resource.namespace ?? "", name: name)
        else {
            throw APIError.notFound(resource.type, name: name)
        }
        return object
    }
}

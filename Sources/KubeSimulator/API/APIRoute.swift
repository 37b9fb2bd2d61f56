/// What a request path addresses, decided from the method and the path alone.
///
/// Parsing follows kube-apiserver's `RequestInfoFactory`: `/api/v1/...` and `/apis/GROUP/VERSION/...`,
/// `namespaces/NS/` before a namespaced resource, a legacy `watch/` prefix, and subresources after a name.
enum APIRoute: Sendable, Hashable {
    /// `GET /version`.
    case version
    /// `GET /api`: the legacy group's versions.
    case coreVersions
    /// `GET /apis`: the groups.
    case groupList
    /// `GET /apis/GROUP`.
    case group(String)
    /// `GET /api/v1` or `GET /apis/GROUP/VERSION`: the resources of one group version.
    case resourceList(group: String, version: String)
    /// `GET /openapi/v3` and `/openapi/v3/api/v1`, `/openapi/v3/apis/GROUP/VERSION` (the path after `openapi`).
    case openAPI([String])
    /// `/healthz`, `/livez`, `/readyz`.
    case health
    /// The simulator's control endpoints under `/sim/`.
    case control([String])
    /// A resource request.
    case resource(ResourceRequest)
}

/// The verb of a resource request, as RBAC names it.
public enum APIVerb: String, Sendable, Hashable, CaseIterable {
    /// Read one object.
    case get
    /// Read a collection.
    case list
    /// Stream changes to a collection (or one object, through a name field selector).
    case watch
    /// POST.
    case create
    /// PUT.
    case update
    /// PATCH.
    case patch
    /// DELETE of one object.
    case delete
    /// DELETE of a collection.
    case deletecollection
}

/// A request for a resource: which resource, namespace, name and subresource, with which verb.
struct ResourceRequest: Sendable, Hashable {
    var type: ResourceType
    var namespace: String?
    var name: String?
    var subresource: String?
    var verb: APIVerb
}

extension APIRoute {
    /// Routes a request.
    ///
    /// `watchParameter` says whether the query asked for a watch (`watch=true|1`).
    ///
    /// Returns nil for a path the server does not serve (a 404) and throws 405 for an unsupported method.
    static func parse(method: String, path: String, watchParameter: Bool) throws(APIError) -> APIRoute? {
        let parts = path.split(separator: "/", omittingEmptySubsequences: true).map(String.init)
        guard let first = parts.first else { return nil }
        switch first {
        case "version" where parts.count == 1: return .version
        case "healthz", "livez", "readyz": return .health
        case "openapi": return .openAPI(Array(parts.dropFirst()))
        case "sim": return .control(Array(parts.dropFirst()))
        case "api":
            if parts.count == 1 { return .coreVersions }
            guard parts[1] == "v1" else { return nil }
            if parts.count == 2 { return .resourceList(group: "", version: "v1") }
            return try resourceRoute(
                group: "",
                version: "v1",
                parts: Array(parts.dropFirst(2)),
                method: method,
                watchParameter: watchParameter
            )
        case "apis":
            if parts.count == 1 { return .groupList }
            let group = parts[1]
            guard let known = ResourceType.groups.first(where: { $0.name == group }) else { return nil }
            if parts.count == 2 { return .group(group) }
            guard parts[2] == known.version else { return nil }
            if parts.count == 3 { return .resourceList(group: group, version: known.version) }
            return try resourceRoute(
                group: group,
                version: known.version,
                parts: Array(parts.dropFirst(3)),
                method: method,
                watchParameter: watchParameter
            )
        default:
            return nil
        }
    }

    private static func resourceRoute(
        group: String,
        version: String,
        parts: [String],
        method: String,
        watchParameter: Bool
    ) throws(APIError) -> APIRoute? {
        var parts = parts
        var legacyWatch = false
        if parts.first == "watch" {
            legacyWatch = true
            parts.removeFirst()
        }
        var namespace: String?
        if parts.first == "namespaces", parts.count > 2, parts[2] != "status", parts[2] != "finalize" {
            namespace = parts[1]
            parts.removeFirst(2)
        }
        guard let plural = parts.first, let type = ResourceType.lookup(group: group, version: version, plural: plural)
        else { return nil }
        if namespace != nil, !type.namespaced { return nil }
        let name = parts.count > 1 ? parts[1] : nil
        let subresource = parts.count > 2 ? parts[2] : nil
        if parts.count > 3 { return nil }
        if let subresource, !type.subresources.contains(subresource) { return nil }
        let verb: APIVerb
        switch method {
        case "GET", "HEAD":
            if legacyWatch || watchParameter {
                verb = .watch
            } else {
                verb = name == nil ? .list : .get
            }
        case "POST":
            guard name == nil else { throw APIError.methodNotSupported }
            verb = .create
        case "PUT":
            guard name != nil else { throw APIError.methodNotSupported }
            verb = .update
        case "PATCH":
            guard name != nil else { throw APIError.methodNotSupported }
            verb = .patch
        case "DELETE":
            verb = name == nil ? .deletecollection : .delete
        default:
            throw APIError.methodNotSupported
        }
        if subresource == "log", verb != .get { throw APIError.methodNotSupported }
        return .resource(
            ResourceRequest(type: type, namespace: namespace, name: name, subresource: subresource, verb: verb)
        )
    }
}

/// A decoded query string.
struct QueryParameters: Sendable, Hashable {
    private var values: [String: String] = [:]

    /// Parses `a=1&b=two%20words`; a malformed percent escape is a 400, as Go's URL parser refuses it.
    init(parsing query: String) throws(APIError) {
        for pair in query.split(separator: "&", omittingEmptySubsequences: true) {
            let pieces = pair.split(separator: "=", maxSplits: 1, omittingEmptySubsequences: false)
            let key = try Self.decode(String(pieces[0]))
            let value = pieces.count > 1 ? try Self.decode(String(pieces[1])) : ""
            if values[key] == nil { values[key] = value }
        }
    }

    init() {}

    subscript(_ key: String) -> String? { values[key] }

    /// A boolean parameter: `true`/`1` are true; absent, empty, `false`/`0` are false.
    func flag(_ key: String) throws(APIError) -> Bool {
        guard let text = values[key], !text.isEmpty else { return false }
        switch text.lowercased() {
        case "true", "1", "t": return true
        case "false", "0", "f": return false
        default: throw APIError.badRequest("strconv.ParseBool: parsing \"\(text)\": invalid syntax")
        }
    }

    /// An integer parameter, or nil when absent; a non-integer is a 400.
    func integer(_ key: String) throws(APIError) -> Int64? {
        guard let text = values[key], !text.isEmpty else { return nil }
        guard let value = Int64(text) else {
            throw APIError.badRequest("strconv.ParseInt: parsing \"\(text)\": invalid syntax")
        }
        return value
    }

    private static func decode(_ text: String) throws(APIError) -> String {
        var bytes: [UInt8] = []
        var iterator = Array(text.utf8).makeIterator()
        while let byte = iterator.next() {
            switch byte {
            case UInt8(ascii: "+"):
                bytes.append(UInt8(ascii: " "))
            case UInt8(ascii: "%"):
                guard let high = iterator.next().flatMap(hexValue), let low = iterator.next().flatMap(hexValue) else {
                    throw APIError.badRequest("invalid URL escape in query: \"\(text)\"")
                }
                bytes.append(high << 4 | low)
            default:
                bytes.append(byte)
            }
        }
        return String(decoding: bytes, as: UTF8.self)
    }

    private static func hexValue(_ byte: UInt8) -> UInt8? {
        switch byte {
        case UInt8(ascii: "0")...UInt8(ascii: "9"): byte - UInt8(ascii: "0")
        case UInt8(ascii: "a")...UInt8(ascii: "f"): byte - UInt8(ascii: "a") + 10
        case UInt8(ascii: "A")...UInt8(ascii: "F"): byte - UInt8(ascii: "A") + 10
        default: nil
        }
    }
}

/// A failure the simulated API server answers with a `Status` object, shaped as kube-apiserver's.
///
/// Clients switch on `reason` and `code` (`NotFound`, `AlreadyExists`, `Conflict`, `Expired`, …) and show
/// `message`, so every case reproduces the real server's wording (see `k8s.io/apimachinery/pkg/api/errors`).
public struct APIError: Error, Sendable, Hashable, CustomStringConvertible {
    /// The HTTP status code.
    public var code: Int
    /// The machine-readable reason, such as `NotFound`.
    public var reason: String
    /// The human-readable message.
    public var message: String
    /// The `details` member (name, group, kind, causes, retryAfterSeconds), if any.
    public var details: JSONValue?
    /// Extra response headers, such as `Retry-After`.
    public var headers: [(String, String)] {
        get { headerPairs.map { ($0.name, $0.value) } }
        set { headerPairs = newValue.map { HeaderPair(name: $0.0, value: $0.1) } }
    }
    private var headerPairs: [HeaderPair] = []

    private struct HeaderPair: Sendable, Hashable {
        var name: String
        var value: String
    }

    /// Creates an error.
    public init(code: Int, reason: String, message: String, details: JSONValue? = nil) {
        self.code = code
        self.reason = reason
        self.message = message
        self.details = details
    }

    /// The message, as the API server's `Status.message`.
    public var description: String { "\(code) \(reason): \(message)" }

    /// The `Status` object the API server sends for this error.
    public var status: JSONValue {
        var members: [String: JSONValue] = [
            "kind": "Status", "apiVersion": "v1", "metadata": .object([:]), "status": "Failure",
            "message": .string(message), "reason": .string(reason), "code": .int(Int64(code)),
        ]
        if reason.isEmpty { members["reason"] = nil }
        if let details { members["details"] = details }
        return .object(members)
    }

    static func details(_ resource: ResourceType?, name: String?) -> JSONValue {
        var members: [String: JSONValue] = [:]
        if let name, !name.isEmpty { members["name"] = .string(name) }
        if let resource {
            if !resource.group.isEmpty { members["group"] = .string(resource.group) }
            members["kind"] = .string(resource.plural)
        }
        return .object(members)
    }

    /// 404 for a named object: `deployments.apps "web" not found`.
    public static func notFound(_ resource: ResourceType, name: String) -> APIError {
        APIError(
            code: 404,
            reason: "NotFound",
            message: "\(resource.qualifiedName) \"\(name)\" not found",
            details: details(resource, name: name)
        )
    }

    /// 404 for a path the server does not serve.
    public static let pathNotFound = APIError(
        code: 404,
        reason: "NotFound",
        message: "the server could not find the requested resource",
        details: .object([:])
    )

    /// 409 for a create of an existing object.
    public static func alreadyExists(_ resource: ResourceType, name: String) -> APIError {
        APIError(
            code: 409,
            reason: "AlreadyExists",
            message: "\(resource.qualifiedName) \"\(name)\" already exists",
            details: details(resource, name: name)
        )
    }

    /// 409 for an update whose `resourceVersion` is stale.
    public static func conflict(_ resource: ResourceType, name: String) -> APIError {
        APIError(
            code: 409,
            reason: "Conflict",
            message: "Operation cannot be fulfilled on \(resource.qualifiedName) \"\(name)\": the object has been "
                + "modified; please apply your changes to the latest version and try again",
            details: details(resource, name: name)
        )
    }

    /// 400 with the given message.
    public static func badRequest(_ message: String) -> APIError {
        APIError(code: 400, reason: "BadRequest", message: message)
    }

    /// 422 for an object that fails validation, with one cause.
    public static func invalid(
        _ resource: ResourceType,
        name: String,
        field: String,
        causeReason: String,
        detail: String
    ) -> APIError {
        let kind = resource.kind
        let group = resource.group.isEmpty ? "" : ".\(resource.group)"
        let causeMessage = "\(causeReason == "FieldValueRequired" ? "Required value" : "Invalid value"): \(detail)"
        var detailMembers = details(resource, name: name).objectValue ?? [:]
        detailMembers["kind"] = .string(kind)
        detailMembers["causes"] = .array([
            .object([
                "reason": .string(causeReason), "message": .string(causeMessage), "field": .string(field),
            ])
        ])
        return APIError(
            code: 422,
            reason: "Invalid",
            message: "\(kind)\(group) \"\(name)\" is invalid: \(field): \(causeMessage)",
            details: .object(detailMembers)
        )
    }

    /// 401 as kube-apiserver sends it for missing or wrong credentials.
    public static let unauthorized = APIError(code: 401, reason: "Unauthorized", message: "Unauthorized")

    /// 410 for a `continue` token or `resourceVersion` older than the retained history.
    public static func expired(_ message: String) -> APIError {
        APIError(code: 410, reason: "Expired", message: message)
    }

    /// 415 for a body in a media type the endpoint does not accept.
    public static func unsupportedMediaType(_ contentType: String, accepted: [String]) -> APIError {
        APIError(
            code: 415,
            reason: "UnsupportedMediaType",
            message: "the body of the request was in an unknown format - accepted media types include: "
                + accepted.joined(separator: ", ")
        )
    }

    /// 405 for a verb the endpoint does not support.
    public static let methodNotSupported = APIError(
        code: 405,
        reason: "MethodNotAllowed",
        message: "the server does not allow this method on the requested resource"
    )
}

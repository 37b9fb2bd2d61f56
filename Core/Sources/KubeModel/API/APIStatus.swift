/// The `Status` object the API server returns with every error (and in watch `ERROR` events).
///
/// `reason` is machine-readable (`NotFound`, `Forbidden`, `Expired`, `Unauthorized`, …); `message` is the
/// human text, such as the RBAC explanation of a 403.
public struct APIStatus: Codable, Sendable, Hashable, Error {
    /// `Success` or `Failure`.
    public var status: String?
    /// The human-readable explanation.
    public var message: String?
    /// The machine-readable reason, such as `Expired` for a 410 on a stale resourceVersion.
    public var reason: String?
    /// The HTTP status code the error corresponds to.
    public var code: Int?
    /// Details naming the object concerned, when the server gives them.
    public var details: Details?

    /// The object an error is about.
    public struct Details: Codable, Sendable, Hashable {
        /// The object's name.
        public var name: String?
        /// The object's group.
        public var group: String?
        /// The object's kind (or plural resource name).
        public var kind: String?
        /// Seconds to wait before retrying, for 429 and some 5xx answers.
        public var retryAfterSeconds: Int?

        /// Creates details.
        public init(name: String? = nil, group: String? = nil, kind: String? = nil, retryAfterSeconds: Int? = nil) {
            self.name = name
            self.group = group
            self.kind = kind
            self.retryAfterSeconds = retryAfterSeconds
        }
    }

    /// Creates a status.
    public init(
        status: String? = "Failure",
        message: String? = nil,
        reason: String? = nil,
        code: Int? = nil,
        details: Details? = nil
    ) {
        self.status = status
        self.message = message
        self.reason = reason
        self.code = code
        self.details = details
    }
}

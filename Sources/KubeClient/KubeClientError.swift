import KubeModel

/// Everything that can go wrong between a kubeconfig and an API answer, one case per thing a user fixes
/// differently.
///
/// The gate maps each case to an exit code and a report code, so the cases are distinct: a bad kubeconfig
/// (exit 3) is not an unreachable server (exit 4). Every case prints as one plain sentence naming the
/// culprit (file, context, plugin, request) and never contains a token, password, private key or
/// exec-plugin output: values are kept out of the error at the point where it is built.
public enum KubeClientError: Error, Sendable, CustomStringConvertible {
    /// The configuration cannot be used: a missing or malformed file, an unknown context, a bad field.
    case invalidConfiguration(ConfigurationProblem)
    /// Credentials could not be obtained: an exec plugin failed, a token file is unreadable.
    case credentials(CredentialProblem)
    /// The server's certificate was not trusted (wrong CA, wrong name, expired): never silently accepted.
    case tlsVerification(server: String, detail: String)
    /// The TLS handshake failed for another reason, such as a client certificate the server rejected.
    case tlsHandshake(server: String, detail: String)
    /// No connection could be made: refused, unknown host, network down.
    case unreachable(server: String, detail: String)
    /// The server answered with an error status (401, 403, 404, 410, 429, 5xx, other 4xx).
    case api(APIFailure)
    /// The request did not complete in time.
    case timeout(request: RequestDescription, detail: String)
    /// The server's answer could not be understood (not JSON, or not the expected shape).
    case malformedResponse(request: RequestDescription, detail: String)
    /// A watch stream failed in a way that was retried until the retry budget ran out.
    case watchGaveUp(request: RequestDescription, attempts: Int, lastError: String)
    /// The operation was cancelled by its caller; never a rollout failure.
    case cancelled

    /// One sentence for the user.
    public var description: String {
        switch self {
        case .invalidConfiguration(let problem): problem.description
        case .credentials(let problem): problem.description
        case .tlsVerification(let server, let detail):
            "TLS verification of \(server) failed: the server's certificate is not trusted by the configured "
                + "certificate authority (\(detail))"
        case .tlsHandshake(let server, let detail): "TLS handshake with \(server) failed (\(detail))"
        case .unreachable(let server, let detail): "the Kubernetes API at \(server) is unreachable (\(detail))"
        case .api(let failure): failure.description
        case .timeout(let request, let detail): "\(request) timed out (\(detail))"
        case .malformedResponse(let request, let detail): "\(request) returned an unreadable answer: \(detail)"
        case .watchGaveUp(let request, let attempts, let lastError):
            "\(request) failed \(attempts) times in a row; last error: \(lastError)"
        case .cancelled: "the operation was cancelled"
        }
    }

    /// What the user has to fix, for mapping to exit and report codes in one switch.
    public enum Category: String, Sendable, Hashable, CaseIterable {
        /// The kubeconfig, context, certificates or flags (exit 3).
        case configuration
        /// Credentials could not be obtained, or the server's TLS identity was not trusted (exit 3).
        case credentials
        /// 401: the server did not accept the credentials (exit 4, `unauthorized`).
        case unauthorized
        /// 403: RBAC denies the request (exit 4, `forbidden`).
        case forbidden
        /// 404: the object or resource does not exist.
        case notFound
        /// Unreachable, timed out, throttled, failing or answering nonsense (exit 4, `api-unavailable`).
        case unavailable
        /// The caller cancelled (never a rollout failure).
        case cancelled
    }

    /// The category of this error.
    public var category: Category {
        switch self {
        case .invalidConfiguration: .configuration
        case .credentials, .tlsVerification, .tlsHandshake: .credentials
        case .unreachable, .timeout, .malformedResponse, .watchGaveUp: .unavailable
        case .cancelled: .cancelled
        case .api(let failure):
            switch failure.kind {
            case .unauthorized: .unauthorized
            case .forbidden: .forbidden
            case .notFound: .notFound
            case .gone, .tooManyRequests, .serverError, .otherClientError: .unavailable
            }
        }
    }

    /// The HTTP status of an API failure, if this is one.
    public var httpStatus: Int? {
        if case .api(let failure) = self { return failure.status }
        return nil
    }
}

/// What a request was, for error messages: `list pods in namespace "shop" at https://10.0.0.1:6443`.
public struct RequestDescription: Sendable, Hashable, CustomStringConvertible {
    /// The verb: `get`, `list`, `watch`, `logs`.
    public var verb: String
    /// The resource, such as `deployments.apps` or `pods/log`.
    public var resource: String
    /// The namespace, or `nil` across all namespaces or for cluster-scoped objects.
    public var namespace: String?
    /// The object's name for a single-object request.
    public var name: String?
    /// The API server URL.
    public var server: String

    /// Describes a request.
    public init(verb: String, resource: String, namespace: String? = nil, name: String? = nil, server: String) {
        self.verb = verb
        self.resource = resource
        self.namespace = namespace
        self.name = name
        self.server = server
    }

    /// Such as `get deployments.apps "web" in namespace "shop" at https://127.0.0.1:6443`.
    public var description: String {
        var text = "\(verb) \(resource)"
        if let name { text += " \"\(name)\"" }
        if let namespace {
            text += " in namespace \"\(namespace)\""
        } else if name == nil {
            text += " in all namespaces"
        }
        return text + " at \(server)"
    }
}

/// An error status from the API server, with the `Status` body it sent.
public struct APIFailure: Sendable, CustomStringConvertible {
    /// The HTTP status code.
    public var status: Int
    /// The request that failed.
    public var request: RequestDescription
    /// The decoded `Status` body, when the server sent one.
    public var apiStatus: APIStatus?
    /// The delay the server asked for (`Retry-After` or `details.retryAfterSeconds`), for 429 and 5xx.
    public var retryAfter: Duration?

    /// Creates a failure.
    public init(status: Int, request: RequestDescription, apiStatus: APIStatus? = nil, retryAfter: Duration? = nil) {
        self.status = status
        self.request = request
        self.apiStatus = apiStatus
        self.retryAfter = retryAfter
    }

    /// The kind of failure the status code means.
    public var kind: Kind {
        switch status {
        case 401: .unauthorized
        case 403: .forbidden
        case 404: .notFound
        case 410: .gone
        case 429: .tooManyRequests
        case 500...599: .serverError
        default: .otherClientError
        }
    }

    /// The kinds of API failure a caller reacts to differently.
    public enum Kind: Sendable, Hashable {
        /// 401: the credentials were not accepted.
        case unauthorized
        /// 403: authenticated, but RBAC denies the request.
        case forbidden
        /// 404: the object or the resource type does not exist.
        case notFound
        /// 410: the resourceVersion or continue token expired; relist.
        case gone
        /// 429: throttled; retry after the given delay.
        case tooManyRequests
        /// 5xx: the server failed; retry with backoff.
        case serverError
        /// Any other 4xx.
        case otherClientError
    }

    /// One sentence; the server's own message (such as the RBAC explanation of a 403) is quoted.
    public var description: String {
        let message = apiStatus?.message.map { ": \($0)" } ?? ""
        switch kind {
        case .unauthorized:
            return "\(request) was rejected as unauthorized (401): the credentials were not accepted\(message)"
        case .forbidden: return "\(request) is forbidden (403)\(message)"
        case .notFound: return "\(request) found nothing (404)\(message)"
        case .gone: return "\(request) asked for an expired resource version (410)\(message)"
        case .tooManyRequests: return "\(request) was throttled by the server (429)\(message)"
        case .serverError: return "\(request) failed with a server error (\(status))\(message)"
        case .otherClientError: return "\(request) was refused with status \(status)\(message)"
        }
    }
}

/// Why a configuration cannot be used, naming where the bad part came from.
public struct ConfigurationProblem: Sendable, Hashable, CustomStringConvertible {
    /// Where: a file path (with line when known), `in-cluster`, or a flag.
    public var source: String
    /// The field or entry concerned, such as `users["ci"].client-key-data`; `nil` for the whole source.
    public var field: String?
    /// What is wrong, in words.
    public var problem: String

    /// Describes a problem.
    public init(source: String, field: String? = nil, problem: String) {
        self.source = source
        self.field = field
        self.problem = problem
    }

    /// Such as `kubeconfig /home/ci/.kube/config: users["ci"].client-key-data: is not valid base64`.
    public var description: String {
        if let field { return "kubeconfig \(source): \(field): \(problem)" }
        return "kubeconfig \(source): \(problem)"
    }
}

/// Why credentials could not be obtained; never contains the credential or the plugin's output.
public struct CredentialProblem: Sendable, Hashable, CustomStringConvertible {
    /// The user entry or source concerned, such as `user "eks-admin"` or `in-cluster`.
    public var user: String
    /// The exec plugin's command, when a plugin is concerned.
    public var command: String?
    /// The plugin's exit status, when it exited non-zero.
    public var exitStatus: Int32?
    /// The plugin's standard error (trimmed, shortened), when it failed.
    public var standardError: String?
    /// The plugin's `installHint`, shown when the binary is missing.
    public var installHint: String?
    /// What went wrong, in words.
    public var problem: String

    /// Describes a credential failure.
    public init(
        user: String,
        command: String? = nil,
        exitStatus: Int32? = nil,
        standardError: String? = nil,
        installHint: String? = nil,
        problem: String
    ) {
        self.user = user
        self.command = command
        self.exitStatus = exitStatus
        self.standardError = standardError
        self.installHint = installHint
        self.problem = problem
    }

    /// One sentence with everything a user needs to fix it.
    public var description: String {
        var text = "credentials for \(user)"
        if let command { text += " (exec plugin \"\(command)\")" }
        text += ": \(problem)"
        if let exitStatus { text += " (exit status \(exitStatus))" }
        if let standardError, !standardError.isEmpty { text += "; its stderr: \(standardError)" }
        if let installHint, !installHint.isEmpty { text += "; \(installHint)" }
        return text
    }
}

import AsyncHTTPClient
import Foundation
import KubeModel
import NIOCore
import NIOFoundationCompat
import NIOHTTP1
import NIOSSL

/// Runs `body` with a client for one API server and shuts the client down afterwards, however `body` ends.
///
/// Scoped, like `withHTTPClient`: no connection outlives the scope, and a cancelled scope closes every
/// open watch stream. The `insecure-skip-tls-verify` warning was already sent to the diagnostics sink while
/// resolving the configuration.
public func withKubeClient<Result: Sendable>(
    _ configuration: ClientConfiguration,
    environment: KubeClientEnvironment,
    _ body: (KubeClient) async throws -> Result
) async throws -> Result {
    let pool = try HTTPClientPool(configuration: configuration)
    let client = KubeClient(configuration: configuration, environment: environment, pool: pool)
    let result: Result
    do {
        result = try await body(client)
    } catch {
        await pool.shutdown()
        throw error
    }
    await pool.shutdown()
    return result
}

/// A client for one Kubernetes API server: get, list (paged), pod logs, and self-healing watches, typed by
/// any ``KubeObject`` from the model.
///
/// Obtain one with ``withKubeClient(_:environment:_:)``. It is a value; copies share the connection pool
/// and the credential cache, and it may be used from any number of tasks at once.
public struct KubeClient: Sendable {
    /// The resolved configuration in use.
    public let configuration: ClientConfiguration
    let environment: KubeClientEnvironment
    let pool: HTTPClientPool
    let credentials: CredentialProvider

    init(configuration: ClientConfiguration, environment: KubeClientEnvironment, pool: HTTPClientPool) {
        self.configuration = configuration
        self.environment = environment
        self.pool = pool
        credentials = CredentialProvider(configuration: configuration, environment: environment)
    }

    /// The namespace to use when the user named none (the context's, else `default`).
    public var defaultNamespace: String { configuration.namespace }

    // MARK: Reads

    /// Gets one object by name.
    public func get<Object: KubeObject>(
        _ type: Object.Type,
        namespace: String?,
        name: String
    ) async throws(KubeClientError) -> Object {
        let resource = Object.resource
        let description = describe("get", resource.description, namespace: namespace, name: name)
        let path = resource.objectPath(namespace: resource.isNamespaced ? namespace : nil, name: name)
        let body = try await fetch(path: path, query: [], description: description)
        return try decode(Object.self, from: body, description: description)
    }

    /// Lists one page: at most `options.limit` items, continuing from `continueToken`.
    public func listPage<Object: KubeObject>(
        _ type: Object.Type,
        namespace: String?,
        options: ListOptions = ListOptions(),
        continueToken: String? = nil
    ) async throws(KubeClientError) -> ObjectList<Object> {
        let resource = Object.resource
        let description = describe("list", resource.description, namespace: namespace)
        var query = selectorQuery(options)
        let limit = options.limit ?? configuration.transport.listPageSize
        if limit > 0 { query.append(("limit", String(limit))) }
        if let continueToken, !continueToken.isEmpty { query.append(("continue", continueToken)) }
        let path = resource.collectionPath(namespace: resource.isNamespaced ? namespace : nil)
        let body = try await fetch(path: path, query: query, description: description)
        return try decode(ObjectList<Object>.self, from: body, description: description)
    }

    /// Lists the whole collection, following `continue` tokens page by page (each page at most `options.limit` items).
    ///
    /// The result's resourceVersion is the snapshot the pages belong to.
    public func list<Object: KubeObject>(
        _ type: Object.Type,
        namespace: String?,
        options: ListOptions = ListOptions()
    ) async throws(KubeClientError) -> ObjectList<Object> {
        var page = try await listPage(Object.self, namespace: namespace, options: options)
        var items = page.items
        let version = page.metadata.resourceVersion
        while let token = page.metadata.continue, !token.isEmpty {
            do {
                page = try await listPage(Object.self, namespace: namespace, options: options, continueToken: token)
            } catch {
                // An expired continue token (410) means the snapshot is gone: like client-go's pager, fall
                // back to one unpaged list, which is consistent by itself.
                guard case .api(let failure) = error, failure.kind == .gone else { throw error }
                var unpaged = options
                unpaged.limit = 0
                let whole = try await listPage(Object.self, namespace: namespace, options: unpaged)
                return ObjectList(
                    metadata: ListMeta(resourceVersion: whole.metadata.resourceVersion),
                    items: whole.items
                )
            }
            items.append(contentsOf: page.items)
        }
        return ObjectList(metadata: ListMeta(resourceVersion: version), items: items)
    }

    /// Reads a container's log as text.
    public func logs(
        pod: String,
        namespace: String?,
        options: LogOptions = LogOptions()
    ) async throws(KubeClientError) -> String {
        let namespace = namespace ?? defaultNamespace
        let description = describe("logs", "pods/log", namespace: namespace, name: pod)
        var query: [(String, String)] = []
        if let container = options.container { query.append(("container", container)) }
        if options.previous { query.append(("previous", "true")) }
        if let tailLines = options.tailLines { query.append(("tailLines", String(tailLines))) }
        if let limitBytes = options.limitBytes { query.append(("limitBytes", String(limitBytes))) }
        let path = "/api/v1/namespaces/\(namespace)/pods/\(pod)/log"
        // A log is read once, when a rollout failed: a throttled (429) or failing (5xx) answer is worth a
        // few quick retries, as a watch's list would get, so the report does not lose the log that
        // explains the failure to a passing hiccup. The caller's deadline bounds the waiting.
        var attempt = 0
        while true {
            attempt += 1
            do {
                let body = try await fetch(path: path, query: query, description: description)
                return String(decoding: body.readableBytesView, as: UTF8.self)
            } catch {
                guard attempt < Self.logAttempts,
                    case .retryable(_, let retryAfter) = WatchStateMachine<Pod>.classify(error)
                else { throw error }
                let delay = configuration.transport.retry.delay(
                    attempt: attempt,
                    retryAfter: retryAfter,
                    random: environment.random()
                )
                do {
                    try await environment.clock.sleep(for: delay)
                } catch {
                    throw .cancelled
                }
            }
        }
    }

    /// How many times a log is requested before its error is reported.
    static let logAttempts = 4

    /// Watches a collection: list, then watch from the list's resourceVersion, recovering from closed, stalled and
    /// broken streams, expired versions (relist and emit the difference), throttling and server errors.
    ///
    /// Iteration ends only by cancellation (or an error the watch cannot recover from).
    public func watch<Object: KubeObject>(
        _ type: Object.Type,
        namespace: String?,
        options: ListOptions = ListOptions()
    ) -> KubeWatch<Object> {
        KubeWatch(client: self, namespace: namespace, options: options)
    }

    // MARK: Transport

    func describe(_ verb: String, _ resource: String, namespace: String?, name: String? = nil) -> RequestDescription {
        RequestDescription(
            verb: verb,
            resource: resource,
            namespace: namespace,
            name: name,
            server: configuration.server.description
        )
    }

    func selectorQuery(_ options: ListOptions) -> [(String, String)] {
        var query: [(String, String)] = []
        if let selector = options.labelSelector, !selector.isEmpty { query.append(("labelSelector", selector)) }
        if let selector = options.fieldSelector, !selector.isEmpty { query.append(("fieldSelector", selector)) }
        return query
    }

    /// Performs a GET and collects the body of a successful answer.
    func fetch(
        path: String,
        query: [(String, String)],
        description: RequestDescription
    ) async throws(KubeClientError)
        -> ByteBuffer
    {
        let (response, lease) = try await send(path: path, query: query, description: description)
        do {
            let body = try await response.body.collect(upTo: configuration.transport.maxResponseBytes)
            withExtendedLifetime(lease) {}
            return body
        } catch {
            throw TransportErrorMapping.map(error, request: description)
        }
    }

    /// Sends a GET with credentials; on 401 refreshes them once (exec plugins run again, token files are re-read) and
    /// retries.
    ///
    /// Returns a 2xx response whose body is still to be read; error statuses become ``KubeClientError/api(_:)`` with
    /// the decoded `Status`.
    func send(
        path: String,
        query: [(String, String)],
        description: RequestDescription
    ) async throws(KubeClientError) -> (HTTPClientResponse, HTTPClientPool.Lease) {
        var attempt = 0
        while true {
            attempt += 1
            let used = try await credentials.current()
            let request = makeRequest(path: path, query: query, credentials: used)
            let lease = pool.lease()
            let response: HTTPClientResponse
            do {
                response = try await lease.client.execute(
                    request,
                    timeout: TimeAmount(configuration.transport.requestTimeout)
                )
            } catch {
                throw TransportErrorMapping.map(error, request: description)
            }
            if (200..<300).contains(response.status.code) { return (response, lease) }
            let failure = await apiFailure(response, description: description)
            if failure.status == 401, attempt == 1, await credentials.refreshAfterUnauthorized(used) { continue }
            throw .api(failure)
        }
    }

    /// The request URL.
    ///
    /// With `tls-server-name` the URL's host is that name, because AsyncHTTPClient takes the SNI and verified name from
    /// the URL; the pool's DNS override sends the connection to the server.
    func url(path: String, query: [(String, String)]) -> String {
        let server = configuration.server
        let host = configuration.tls.serverName ?? server.urlHost
        var url = "\(server.scheme)://\(host):\(server.port)\(server.basePath)\(path)"
        if !query.isEmpty {
            url += "?" + query.map { "\(Self.escape($0.0))=\(Self.escape($0.1))" }.joined(separator: "&")
        }
        return url
    }

    func makeRequest(path: String, query: [(String, String)], credentials: RequestCredentials) -> HTTPClientRequest {
        var request = HTTPClientRequest(url: url(path: path, query: query))
        request.headers.add(name: "User-Agent", value: configuration.transport.userAgent)
        request.headers.add(name: "Accept", value: "application/json")
        if let authorization = credentials.authorization {
            request.headers.add(name: "Authorization", value: authorization.exposedValue)
        }
        if let identity = credentials.identity, identity != configuration.tls.clientIdentity {
            request.tlsConfiguration = tlsConfiguration(with: identity)
        }
        return request
    }

    /// The pool's TLS configuration with a client identity issued at run time (an exec plugin's certificate).
    private func tlsConfiguration(with identity: ClientIdentity) -> TLSConfiguration {
        var tls = pool.baseTLS
        tls.certificateChain = identity.certificateChain.map { .certificate($0) }
        tls.privateKey = .privateKey(identity.privateKey)
        return tls
    }

    private func apiFailure(_ response: HTTPClientResponse, description: RequestDescription) async -> APIFailure {
        // The body of an error is a small Status; a larger or unreadable one is not worth failing over.
        let body = try? await response.body.collect(upTo: 1 << 20)
        let status = body.flatMap { try? JSONDecoder().decode(APIStatus.self, from: $0) }
        var retryAfter: Duration?
        if let header = response.headers.first(name: "Retry-After"),
            let seconds = Int(header.trimmingCharacters(in: .whitespaces))
        {
            retryAfter = .seconds(seconds)
        } else if let seconds = status?.details?.retryAfterSeconds {
            retryAfter = .seconds(seconds)
        }
        return APIFailure(
            status: Int(response.status.code),
            request: description,
            apiStatus: status,
            retryAfter: retryAfter
        )
    }

    func decode<Value: Decodable>(
        _ type: Value.Type,
        from body: ByteBuffer,
        description: RequestDescription
    )
        throws(KubeClientError) -> Value
    {
        do {
            return try JSONDecoder().decode(Value.self, from: body)
        } catch {
            throw .malformedResponse(request: description, detail: DecodingProblem.describe(error))
        }
    }

    private static let unreserved: CharacterSet = {
        var set = CharacterSet.alphanumerics
        set.insert(charactersIn: "-._~")
        return set
    }()

    static func escape(_ text: String) -> String {
        text.addingPercentEncoding(withAllowedCharacters: unreserved) ?? text
    }
}

/// Describes a JSON decoding failure by where it happened, never by the values involved.
enum DecodingProblem {
    static func describe(_ error: any Error) -> String {
        guard let error = error as? DecodingError else { return "the body is not JSON" }
        func path(_ keys: [any CodingKey]) -> String {
            let text = keys.map { $0.intValue.map { "[\($0)]" } ?? ".\($0.stringValue)" }.joined()
            return text.isEmpty ? "the top level" : String(text.drop { $0 == "." })
        }
        switch error {
        case .typeMismatch(_, let context): return "\(path(context.codingPath)) has the wrong type"
        case .valueNotFound(_, let context): return "\(path(context.codingPath)) is null"
        case .keyNotFound(let key, let context):
            return "\(path(context.codingPath + [key])) is missing"
        case .dataCorrupted(let context):
            return context.codingPath.isEmpty ? "the body is not valid JSON" : "\(path(context.codingPath)) is invalid"
        @unknown default: return "the body does not have the expected shape"
        }
    }
}

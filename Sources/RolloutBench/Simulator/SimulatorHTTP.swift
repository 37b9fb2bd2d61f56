import AsyncHTTPClient
import Foundation
import KubeModel
import NIOCore
import NIOFoundationCompat
import NIOHTTP1
import NIOSSL

/// The benchmark's own HTTP client for the simulator: its `/sim/` control endpoint, the rollout change a
/// pipeline would apply, and the witness's watches.
///
/// It is not the gate's client (the gate runs as its own process, over its own connections). The server
/// certificate is not verified: the simulator is a child of the benchmark on loopback, and the control
/// endpoint needs no credentials; API requests carry the bearer token the simulator was started with.
public struct SimulatorHTTP: Sendable {
    /// The simulator's base URL, such as `https://127.0.0.1:40123`.
    public let baseURL: String
    /// The bearer token for API requests.
    public let token: String
    let client: HTTPClient

    /// Runs `body` with a client for the simulator at `baseURL`, shut down afterwards.
    public static func with<Result: Sendable>(
        baseURL: String,
        token: String,
        _ body: (SimulatorHTTP) async throws -> Result
    ) async throws -> Result {
        var tls = TLSConfiguration.makeClientConfiguration()
        tls.certificateVerification = .none
        tls.shutdownTimeout = .milliseconds(100)
        var configuration = HTTPClient.Configuration(tlsConfiguration: tls)
        configuration.httpVersion = .http1Only
        configuration.connectionPool = .init(idleTimeout: .seconds(30), concurrentHTTP1ConnectionsPerHostSoftLimit: 64)
        configuration.connectionPool.retryConnectionEstablishment = false
        configuration.timeout = .init(connect: .seconds(5), read: nil)
        let client = HTTPClient(eventLoopGroup: HTTPClient.defaultEventLoopGroup, configuration: configuration)
        let http = SimulatorHTTP(baseURL: baseURL, token: token, client: client)
        let result: Result
        do {
            result = try await body(http)
        } catch {
            try? await client.shutdown()
            throw error
        }
        try await client.shutdown()
        return result
    }

    /// Sends one request and collects the response body (up to 256 MiB).
    public func send(
        _ method: HTTPMethod,
        _ path: String,
        body: Data? = nil,
        contentType: String = "application/json",
        authorized: Bool = true,
        timeout: TimeAmount = .seconds(60)
    ) async throws -> (status: UInt, body: Data) {
        var request = HTTPClientRequest(url: baseURL + path)
        request.method = method
        if authorized { request.headers.add(name: "Authorization", value: "Bearer \(token)") }
        request.headers.add(name: "User-Agent", value: "rollout-bench")
        if let body {
            request.headers.add(name: "Content-Type", value: contentType)
            request.body = .bytes(ByteBuffer(data: body))
        }
        let response = try await client.execute(request, timeout: timeout)
        let bytes = try await response.body.collect(upTo: 256 << 20)
        return (response.status.code, Data(buffer: bytes))
    }

    /// `GET /sim/stats`, decoded.
    public func statistics() async throws -> SimulatorCounters {
        let (status, body) = try await send(.GET, "/sim/stats", authorized: false)
        guard status == 200 else {
            throw BenchError("GET /sim/stats answered \(status): \(String(decoding: body.prefix(300), as: UTF8.self))")
        }
        do {
            return try JSONDecoder().decode(SimulatorCounters.self, from: body)
        } catch {
            throw BenchError("GET /sim/stats returned counters the benchmark cannot read: \(error)")
        }
    }

    /// Sets a Deployment's container image, as `kubectl set image` does (a strategic merge patch).
    ///
    /// This is the change a pipeline applies before it runs the gate; the new image selects the behaviour
    /// the scenario's rules give its pods.
    public func setImage(namespace: String, deployment: String, container: String, image: String) async throws {
        let patch: [String: Any] = [
            "spec": ["template": ["spec": ["containers": [["name": container, "image": image]]]]]
        ]
        let body = try JSONSerialization.data(withJSONObject: patch)
        let path = "/apis/apps/v1/namespaces/\(namespace)/deployments/\(deployment)"
        let (status, answer) = try await send(
            .PATCH,
            path,
            body: body,
            contentType: "application/strategic-merge-patch+json"
        )
        guard status == 200 else {
            throw BenchError(
                "setting the image of \(namespace)/\(deployment) answered \(status): "
                    + String(decoding: answer.prefix(300), as: UTF8.self)
            )
        }
    }
}

/// The simulator's counters (`GET /sim/stats`), as far as the benchmark reads them.
public struct SimulatorCounters: Codable, Sendable, Hashable {
    /// Requests by verb, then by resource.
    public var requests: [String: [String: Int]]
    /// Every API request counted (control requests are not).
    public var totalRequests: Int
    /// Watch streams opened since the start.
    public var watchStreamsOpened: Int
    /// Watch streams open now.
    public var watchStreamsOpen: Int
    /// Response body bytes sent, watch events included.
    public var bytesSent: Int
    /// TCP connections accepted since the start.
    public var connectionsAccepted: Int

    /// Creates counters (tests).
    public init(
        requests: [String: [String: Int]] = [:],
        totalRequests: Int = 0,
        watchStreamsOpened: Int = 0,
        watchStreamsOpen: Int = 0,
        bytesSent: Int = 0,
        connectionsAccepted: Int = 0
    ) {
        self.requests = requests
        self.totalRequests = totalRequests
        self.watchStreamsOpened = watchStreamsOpened
        self.watchStreamsOpen = watchStreamsOpen
        self.bytesSent = bytesSent
        self.connectionsAccepted = connectionsAccepted
    }

    /// What happened between `earlier` and this snapshot.
    public func since(_ earlier: SimulatorCounters) -> SimulatorCounters {
        var requests: [String: [String: Int]] = [:]
        for (verb, byResource) in self.requests {
            for (resource, count) in byResource {
                let delta = count - (earlier.requests[verb]?[resource] ?? 0)
                if delta != 0 { requests[verb, default: [:]][resource] = delta }
            }
        }
        return SimulatorCounters(
            requests: requests,
            totalRequests: totalRequests - earlier.totalRequests,
            watchStreamsOpened: watchStreamsOpened - earlier.watchStreamsOpened,
            watchStreamsOpen: watchStreamsOpen,
            bytesSent: bytesSent - earlier.bytesSent,
            connectionsAccepted: connectionsAccepted - earlier.connectionsAccepted
        )
    }
}

/// One entry of the simulator's publish journal (`GET /sim/published`): when a change reached the watches.
public struct PublishedChange: Codable, Sendable, Hashable {
    /// The object's kind, such as `Pod`.
    public var kind: String
    /// The object's namespace (empty for cluster-scoped objects).
    public var namespace: String
    /// The object's name.
    public var name: String
    /// The resourceVersion the change gave the object.
    public var resourceVersion: String
    /// The simulator's wall clock (`CLOCK_REALTIME`) when the change was published, in nanoseconds.
    public var publishedAtNanos: Int64
    /// What the object showed, such as `CrashLoopBackOff` or `RolloutComplete`.
    public var signals: [String]

    /// Creates an entry (tests).
    public init(
        kind: String,
        namespace: String,
        name: String,
        resourceVersion: String,
        publishedAtNanos: Int64,
        signals: [String] = []
    ) {
        self.kind = kind
        self.namespace = namespace
        self.name = name
        self.resourceVersion = resourceVersion
        self.publishedAtNanos = publishedAtNanos
        self.signals = signals
    }
}

/// The publish times of the changes a witness recorded, looked up by object and resourceVersion.
///
/// The witness knows when it *received* a change; the simulator's journal knows when it *published* it,
/// which is where the time to verdict starts. A change missing from the journal (dropped because the
/// journal was full) has no publish time, and the replay falls back to the receive time for it.
public struct PublishTimes: Sendable, Hashable {
    private var byChange: [String: WallInstant] = [:]
    /// Entries the simulator dropped from its journal before the benchmark read it.
    public var dropped = 0

    /// Indexes `entries`.
    public init(_ entries: [PublishedChange], dropped: Int = 0) {
        for entry in entries {
            byChange[Self.key(entry.kind, entry.namespace, entry.name, entry.resourceVersion)] = WallInstant(
                nanoseconds: entry.publishedAtNanos
            )
        }
        self.dropped = dropped
    }

    /// How many changes have a publish time.
    public var count: Int { byChange.count }

    /// Adds the publish times of `other`.
    public mutating func merge(_ other: PublishTimes) {
        byChange.merge(other.byChange) { first, _ in first }
        dropped = max(dropped, other.dropped)
    }

    /// The publish time of the change `record` shows, if the journal has it.
    public func instant(of record: WitnessRecord) -> WallInstant? {
        let metadata = record.object.metadata
        guard let version = metadata.resourceVersion else { return nil }
        return byChange[Self.key(record.object.kind, metadata.namespace ?? "", metadata.name, version)]
    }

    static func key(_ kind: String, _ namespace: String, _ name: String, _ version: String) -> String {
        "\(kind)/\(namespace)/\(name)@\(version)"
    }
}

extension SimulatorHTTP {
    /// Reads the simulator's publish journal for `kind` and `namespace` (each `nil` for any), page by page.
    ///
    /// Throws when the simulator has no journal (an older `kube-sim`): the caller decides whether receive
    /// times will do, and says so.
    public func publishTimes(kinds: [String?], namespace: String?) async throws -> PublishTimes {
        struct Page: Decodable {
            var entries: [PublishedChange]
            var dropped: Int?
        }
        var entries: [PublishedChange] = []
        var dropped = 0
        for kind in kinds {
            var after: String?
            while true {
                var parameters: [(String, String)] = [("limit", "10000")]
                if let kind { parameters.append(("kind", kind)) }
                if let namespace { parameters.append(("namespace", namespace)) }
                if let after { parameters.append(("afterResourceVersion", after)) }
                let query = parameters.map { "\($0.0)=\(WitnessQuery.escape($0.1))" }.joined(separator: "&")
                let (status, body) = try await send(.GET, "/sim/published?" + query, authorized: false)
                guard status == 200 else {
                    throw BenchError(
                        "GET /sim/published answered \(status): \(String(decoding: body.prefix(300), as: UTF8.self))"
                    )
                }
                let page: Page
                do {
                    page = try JSONDecoder().decode(Page.self, from: body)
                } catch {
                    throw BenchError("GET /sim/published returned a journal the benchmark cannot read: \(error)")
                }
                entries += page.entries
                dropped = max(dropped, page.dropped ?? 0)
                guard page.entries.count == 10000, let last = page.entries.last else { break }
                after = last.resourceVersion
            }
        }
        return PublishTimes(entries, dropped: dropped)
    }
}

import AsyncHTTPClient
import Foundation
import KubeClient
import KubeModel
import NIOCore
import NIOFoundationCompat
import NIOHTTP1
import Synchronization

/// One collection the witness lists and watches.
public struct WitnessQuery: Sendable, Hashable {
    /// The resource.
    public var resource: APIResource
    /// The namespace, or `nil` for every namespace.
    public var namespace: String?
    /// A label selector the server applies.
    public var labelSelector: String?
    /// A field selector the server applies.
    public var fieldSelector: String?
    /// Whether objects are decoded and recorded, or only their bytes counted.
    public var records: Bool
    /// Whether the bytes received count as the bytes of the targets' own objects.
    public var countsAsOwned: Bool

    /// Creates a query.
    public init(
        resource: APIResource,
        namespace: String?,
        labelSelector: String? = nil,
        fieldSelector: String? = nil,
        records: Bool = true,
        countsAsOwned: Bool = false
    ) {
        self.resource = resource
        self.namespace = namespace
        self.labelSelector = labelSelector
        self.fieldSelector = fieldSelector
        self.records = records
        self.countsAsOwned = countsAsOwned
    }

    /// The collection's path and query string, plus `extra` parameters.
    func path(_ extra: [(String, String)]) -> String {
        var parameters: [(String, String)] = []
        if let labelSelector { parameters.append(("labelSelector", labelSelector)) }
        if let fieldSelector { parameters.append(("fieldSelector", fieldSelector)) }
        parameters += extra
        let query = parameters.map { "\($0.0)=\(Self.escape($0.1))" }.joined(separator: "&")
        return resource.collectionPath(namespace: namespace) + (query.isEmpty ? "" : "?" + query)
    }

    static func escape(_ value: String) -> String {
        var allowed = CharacterSet.alphanumerics
        allowed.insert(charactersIn: "-._~")
        return value.addingPercentEncoding(withAllowedCharacters: allowed) ?? value
    }
}

/// An object the witness saw.
public enum WitnessedObject: Sendable, Hashable {
    /// A Deployment.
    case deployment(Deployment)
    /// A ReplicaSet.
    case replicaSet(ReplicaSet)
    /// A Pod.
    case pod(Pod)
    /// An Event.
    case event(Event)

    /// The object's metadata.
    public var metadata: ObjectMeta {
        switch self {
        case .deployment(let object): object.metadata
        case .replicaSet(let object): object.metadata
        case .pod(let object): object.metadata
        case .event(let object): object.metadata
        }
    }

    /// The Kubernetes kind.
    public var kind: String {
        switch self {
        case .deployment: "Deployment"
        case .replicaSet: "ReplicaSet"
        case .pod: "Pod"
        case .event: "Event"
        }
    }
}

/// One change the witness received, with the instant it arrived.
public struct WitnessRecord: Sendable, Hashable {
    /// Added or modified (the object's current state), or deleted.
    public var deleted: Bool
    /// Whether it came from the initial list (state before the benchmark's change), not the watch.
    public var initial: Bool
    /// The object.
    public var object: WitnessedObject
    /// When the benchmark's process decoded it (real-time clock).
    public var receivedAt: WallInstant

    /// Creates a record.
    public init(deleted: Bool = false, initial: Bool = false, object: WitnessedObject, receivedAt: WallInstant) {
        self.deleted = deleted
        self.initial = initial
        self.object = object
        self.receivedAt = receivedAt
    }
}

/// What the witness received: the records, and its own traffic, to be subtracted from the simulator's
/// counters so that they describe the gate alone.
public final class WitnessLog: Sendable {
    private struct State {
        var records: [WitnessRecord] = []
        var bytes = 0
        var ownedBytes = 0
        var requests = 0
        var streams = 0
    }
    private let state = Mutex(State())

    /// Creates an empty log.
    public init() {}

    /// Every record so far, in arrival order.
    public var records: [WitnessRecord] { state.withLock { $0.records } }
    /// Response body bytes the witness received (lists and watch events).
    public var bytesReceived: Int { state.withLock { $0.bytes } }
    /// Bytes received by the queries that count as the targets' own objects.
    public var ownedBytesReceived: Int { state.withLock { $0.ownedBytes } }
    /// Requests the witness sent (lists and watches).
    public var requestsSent: Int { state.withLock { $0.requests } }
    /// Watch streams the witness opened.
    public var streamsOpened: Int { state.withLock { $0.streams } }

    func append(_ records: [WitnessRecord]) {
        guard !records.isEmpty else { return }
        state.withLock { $0.records.append(contentsOf: records) }
    }

    func count(bytes: Int, owned: Bool) {
        state.withLock {
            $0.bytes += bytes
            if owned { $0.ownedBytes += bytes }
        }
    }

    func countRequest(stream: Bool) {
        state.withLock {
            $0.requests += 1
            if stream { $0.streams += 1 }
        }
    }
}

/// A second observer of the simulated cluster: it lists and watches what a benchmark run needs to know
/// when the decisive change happened, and counts its own traffic.
///
/// The gate is a black box run as a process; to know *which* published change made its verdict certain,
/// the benchmark replays what the witness saw through the same rules (``DecisiveMoment``). Lists happen
/// before the benchmark applies its change; the watches resume from the lists' resourceVersion, so no
/// change is missed, and run until the caller cancels them.
public enum Witness {
    /// Lists every query (counting and recording the objects) and returns the resourceVersions to watch from.
    public static func list(
        _ queries: [WitnessQuery],
        http: SimulatorHTTP,
        into log: WitnessLog
    ) async throws -> [String] {
        var versions: [String] = []
        for query in queries {
            log.countRequest(stream: false)
            let (status, body) = try await http.send(.GET, query.path([]))
            log.count(bytes: body.count, owned: query.countsAsOwned)
            guard status == 200 else {
                throw BenchError("the witness's list of \(query.resource) answered \(status)")
            }
            let receivedAt = WallInstant.now()
            let version: String?
            if query.records {
                let (objects, listVersion) = try decodeList(query.resource, body)
                log.append(objects.map { WitnessRecord(initial: true, object: $0, receivedAt: receivedAt) })
                version = listVersion
            } else {
                version = try JSONDecoder().decode(ObjectList<Skipped>.self, from: body).metadata.resourceVersion
            }
            guard let version else { throw BenchError("the list of \(query.resource) has no resourceVersion") }
            versions.append(version)
        }
        return versions
    }

    /// Watches `query` from `resourceVersion` until cancelled, recording into `log`.
    public static func watch(
        _ query: WitnessQuery,
        from resourceVersion: String,
        http: SimulatorHTTP,
        into log: WitnessLog
    ) async throws {
        var version = resourceVersion
        while !Task.isCancelled {
            log.countRequest(stream: true)
            var request = HTTPClientRequest(
                url: http.baseURL
                    + query.path([("watch", "true"), ("resourceVersion", version), ("timeoutSeconds", "3600")])
            )
            request.headers.add(name: "Authorization", value: "Bearer \(http.token)")
            request.headers.add(name: "User-Agent", value: "rollout-bench-witness")
            let response: HTTPClientResponse
            do {
                response = try await http.client.execute(request, timeout: .hours(2))
            } catch {
                if Task.isCancelled { return }
                throw BenchError("the witness's watch of \(query.resource) failed: \(error)")
            }
            guard response.status == .ok else {
                throw BenchError("the witness's watch of \(query.resource) answered \(response.status.code)")
            }
            var framer = LineFramer(maximumLineLength: 16 << 20)
            do {
                for try await chunk in response.body {
                    log.count(bytes: chunk.readableBytes, owned: query.countsAsOwned)
                    framer.append(chunk)
                    var batch: [WitnessRecord] = []
                    while let line = try framer.nextLine() {
                        let receivedAt = WallInstant.now()
                        if let next = try decodeEvent(query, line, receivedAt: receivedAt, into: &batch) {
                            version = next
                        }
                    }
                    log.append(batch)
                }
            } catch {
                if Task.isCancelled { return }
                throw BenchError("the witness's watch of \(query.resource) broke: \(error)")
            }
        }
    }

    /// Decodes one watch line; records it when the query records; returns its resourceVersion.
    static func decodeEvent(
        _ query: WitnessQuery,
        _ line: ByteBuffer,
        receivedAt: WallInstant,
        into batch: inout [WitnessRecord]
    ) throws -> String? {
        let decoder = JSONDecoder()
        guard query.records else {
            switch try decoder.decode(WatchEvent<Skipped>.self, from: line) {
            case .added(let object), .modified(let object), .deleted(let object):
                return object.metadata?.resourceVersion
            case .bookmark(let version): return version
            case .error(let status): throw BenchError("the witness's watch ended with \(status.message ?? "an error")")
            }
        }
        func record<Object: KubeObject>(
            _ type: Object.Type,
            _ wrap: (Object) -> WitnessedObject
        ) throws -> String? {
            switch try decoder.decode(WatchEvent<Object>.self, from: line) {
            case .added(let object), .modified(let object):
                batch.append(WitnessRecord(object: wrap(object), receivedAt: receivedAt))
                return object.metadata.resourceVersion
            case .deleted(let object):
                batch.append(WitnessRecord(deleted: true, object: wrap(object), receivedAt: receivedAt))
                return object.metadata.resourceVersion
            case .bookmark(let version): return version
            case .error(let status): throw BenchError("the witness's watch ended with \(status.message ?? "an error")")
            }
        }
        switch query.resource.kind {
        case "Deployment": return try record(Deployment.self) { .deployment($0) }
        case "ReplicaSet": return try record(ReplicaSet.self) { .replicaSet($0) }
        case "Pod": return try record(Pod.self) { .pod($0) }
        case "Event": return try record(Event.self) { .event($0) }
        default: throw BenchError("the witness cannot record \(query.resource.kind) objects")
        }
    }

    static func decodeList(_ resource: APIResource, _ body: Data) throws -> ([WitnessedObject], String?) {
        let decoder = JSONDecoder()
        switch resource.kind {
        case "Deployment":
            let list = try decoder.decode(ObjectList<Deployment>.self, from: body)
            return (list.items.map { .deployment($0) }, list.metadata.resourceVersion)
        case "ReplicaSet":
            let list = try decoder.decode(ObjectList<ReplicaSet>.self, from: body)
            return (list.items.map { .replicaSet($0) }, list.metadata.resourceVersion)
        case "Pod":
            let list = try decoder.decode(ObjectList<Pod>.self, from: body)
            return (list.items.map { .pod($0) }, list.metadata.resourceVersion)
        case "Event":
            let list = try decoder.decode(ObjectList<Event>.self, from: body)
            return (list.items.map { .event($0) }, list.metadata.resourceVersion)
        default:
            throw BenchError("the witness cannot record \(resource.kind) objects")
        }
    }
}

/// An object read only for its resourceVersion.
struct Skipped: Decodable, Sendable {
    struct Meta: Decodable, Sendable { var resourceVersion: String? }
    var metadata: Meta?
}

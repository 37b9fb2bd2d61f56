import Synchronization

/// A snapshot of the simulator's counters: what the gate's tests and the benchmarks assert on.
public struct SimulatorStatistics: Sendable, Hashable {
    /// Requests by verb, then by resource (`["list": ["pods": 2]]`); control requests are not counted.
    public var requests: [String: [String: Int]]
    /// Responses by HTTP status code.
    public var responses: [Int: Int]
    /// Watch streams open now.
    public var watchStreamsOpen: Int
    /// Watch streams opened since the start.
    public var watchStreamsOpened: Int
    /// Response body bytes sent (watch events included).
    public var bytesSent: Int
    /// TCP connections open now.
    public var connectionsOpen: Int
    /// TCP connections accepted since the start.
    public var connectionsAccepted: Int
    /// Connections that negotiated HTTP/2 since the start.
    public var http2ConnectionsAccepted = 0
    /// Requests answered 401.
    public var unauthorized: Int
    /// Faults applied.
    public var faultsApplied: Int
    /// Requests by `User-Agent` header (`(none)` when absent), so a test can assert what a client sends.
    ///
    /// Bounded: past `SimulatorStatistics.userAgentLimit` distinct values, new ones count under `(other)`.
    public var userAgents: [String: Int] = [:]

    /// How many distinct User-Agent values are counted one by one.
    public static let userAgentLimit = 64

    /// All requests counted, whatever the verb.
    public var totalRequests: Int { requests.values.reduce(0) { $0 + $1.values.reduce(0, +) } }

    /// Requests with one verb, across resources.
    public func requests(verb: String) -> Int { requests[verb]?.values.reduce(0, +) ?? 0 }

    /// The snapshot as the JSON `GET /sim/stats` serves.
    public var json: JSONValue {
        var requestMembers: [String: JSONValue] = [:]
        for (verb, byResource) in requests {
            requestMembers[verb] = .object(byResource.mapValues { .int(Int64($0)) })
        }
        var responseMembers: [String: JSONValue] = [:]
        for (code, count) in responses { responseMembers[String(code)] = .int(Int64(count)) }
        return [
            "requests": .object(requestMembers), "responses": .object(responseMembers),
            "totalRequests": .int(Int64(totalRequests)), "watchStreamsOpen": .int(Int64(watchStreamsOpen)),
            "watchStreamsOpened": .int(Int64(watchStreamsOpened)), "bytesSent": .int(Int64(bytesSent)),
            "connectionsOpen": .int(Int64(connectionsOpen)), "connectionsAccepted": .int(Int64(connectionsAccepted)),
            "http2ConnectionsAccepted": .int(Int64(http2ConnectionsAccepted)),
            "unauthorized": .int(Int64(unauthorized)), "faultsApplied": .int(Int64(faultsApplied)),
            "userAgents": .object(userAgents.mapValues { .int(Int64($0)) }),
        ]
    }
}

/// The live counters behind `SimulatorStatistics`.
final class StatisticsRecorder: Sendable {
    private let state = Mutex(
        SimulatorStatistics(
            requests: [:],
            responses: [:],
            watchStreamsOpen: 0,
            watchStreamsOpened: 0,
            bytesSent: 0,
            connectionsOpen: 0,
            connectionsAccepted: 0,
            unauthorized: 0,
            faultsApplied: 0
        )
    )

    var snapshot: SimulatorStatistics { state.withLock { $0 } }

    func request(_ request: RequestClass, userAgent: String?) {
        state.withLock { state in
            state.requests[request.verb, default: [:]][request.resource, default: 0] += 1
            var agent = userAgent ?? "(none)"
            if state.userAgents[agent] == nil && state.userAgents.count >= SimulatorStatistics.userAgentLimit {
                agent = "(other)"
            }
            state.userAgents[agent, default: 0] += 1
        }
    }

    func response(status: Int) {
        state.withLock {
            $0.responses[status, default: 0] += 1
            if status == 401 { $0.unauthorized += 1 }
        }
    }

    func sent(bytes: Int) {
        state.withLock { $0.bytesSent += bytes }
    }

    func watchOpened() {
        state.withLock {
            $0.watchStreamsOpen += 1
            $0.watchStreamsOpened += 1
        }
    }

    func watchClosed() {
        state.withLock { $0.watchStreamsOpen -= 1 }
    }

    func connectionOpened() {
        state.withLock {
            $0.connectionsOpen += 1
            $0.connectionsAccepted += 1
        }
    }

    func http2Negotiated() {
        state.withLock { $0.http2ConnectionsAccepted += 1 }
    }

    func connectionClosed() {
        state.withLock { $0.connectionsOpen -= 1 }
    }

    func faultApplied() {
        state.withLock { $0.faultsApplied += 1 }
    }
}

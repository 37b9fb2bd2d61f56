import AsyncHTTPClient
import Foundation
import KubeSimulator
import NIOHTTP1
import TestSupport
import Testing

@Suite("Live server: faults and counters")
struct LiveFaultTests {
    static let scenario = Scenario(objects: [Fixtures.deployment("web"), Fixtures.pod("web-1", labels: ["app": "web"])])

    @Test("the next N matching requests get 429 with Retry-After, 500 or 503; others are untouched")
    func statusFaults() async throws {
        try await withKubeSimulator(scenario: Self.scenario) { sim async throws in
            try await LiveClient.with(sim) { client async throws in
                sim.failNext(2, with: 429, retryAfterSeconds: 3, verbs: ["list"], resources: ["pods"])
                sim.failNext(1, with: 503, verbs: ["get"])
                let deployments = try await client.request(.GET, "/apis/apps/v1/deployments", token: sim.token)
                #expect(deployments.status == 200)
                let first = try await client.request(.GET, "/api/v1/pods", token: sim.token)
                #expect(first.status == 429)
                #expect(first.headers.first(name: "Retry-After") == "3")
                #expect(first.json["reason"] == "TooManyRequests")
                #expect(first.json[path: ["details", "retryAfterSeconds"]] == 3)
                #expect(try await client.request(.GET, "/api/v1/pods", token: sim.token).status == 429)
                #expect(try await client.request(.GET, "/api/v1/pods", token: sim.token).status == 200)
                let unavailable = try await client.request(.GET, "/api/v1/namespaces/shop/pods/web-1", token: sim.token)
                #expect(unavailable.status == 503)
                #expect(unavailable.json["reason"] == "ServiceUnavailable")
                #expect(
                    try await client.request(.GET, "/api/v1/namespaces/shop/pods/web-1", token: sim.token).status == 200
                )
                sim.failNext(1, with: 500, verbs: ["log"])
                let log = try await client.request(
                    .GET,
                    "/api/v1/namespaces/shop/pods/web-1/log?container=app",
                    token: sim.token
                )
                #expect(log.status == 500)
                #expect(sim.statistics.faultsApplied == 4)
                #expect(sim.statistics.requests["list"]?["pods"] == 3)
                #expect(sim.statistics.requests["log"]?["pods"] == 1)
            }
        }
    }

    @Test("a delay holds the request until the network clock passes it")
    func delay() async throws {
        let network = ManualClock()
        var configuration = KubeSimulatorConfiguration()
        configuration.networkClock = network
        try await withKubeSimulator(scenario: Self.scenario, configuration: configuration) { sim async throws in
            try await LiveClient.with(sim) { client async throws in
                sim.inject(FaultRule(action: .delay(.seconds(5)), count: 1, verbs: ["list"]))
                try await withThrowingTaskGroup(of: Int.self) { group async throws in
                    group.addTask { try await client.request(.GET, "/api/v1/pods", token: sim.token).status }
                    #expect(try await eventually { network.sleeperCount == 1 })
                    network.advance(by: .seconds(4))
                    #expect(network.sleeperCount == 1)
                    network.advance(by: .seconds(1))
                    #expect(try await group.next() == 200)
                }
            }
        }
    }

    @Test("a drop cuts the response body in half and closes the connection")
    func drop() async throws {
        try await withKubeSimulator(scenario: Self.scenario) { sim async throws in
            try await LiveClient.with(sim) { client async throws in
                sim.inject(FaultRule(action: .drop, count: 1, verbs: ["list"]))
                await #expect(throws: (any Error).self) {
                    _ = try await client.request(.GET, "/api/v1/pods", token: sim.token)
                }
                #expect(try await client.request(.GET, "/api/v1/pods", token: sim.token).status == 200)
            }
        }
    }

    @Test("a dropped watch ends mid-line: the client holds half an event and an error")
    func dropWatch() async throws {
        try await withKubeSimulator(scenario: Self.scenario) { sim async throws in
            try await LiveClient.with(sim) { client async throws in
                sim.inject(FaultRule(action: .drop, count: 1, verbs: ["watch"]))
                let collector = LineCollector()
                try await client.watch("/api/v1/pods?watch=1", token: sim.token, into: collector)
                #expect(collector.lines.isEmpty)
                #expect(!collector.partial.isEmpty)
                #expect(collector.partial.first == UInt8(ascii: "{"))
                #expect(try await eventually { sim.statistics.watchStreamsOpen == 0 })
            }
        }
    }

    @Test("a stalled request sends headers and then nothing, until the client gives up")
    func stall() async throws {
        try await withKubeSimulator(scenario: Self.scenario) { sim async throws in
            try await LiveClient.with(sim) { client async throws in
                sim.inject(FaultRule(action: .stall, count: 1, verbs: ["watch"]))
                let collector = LineCollector()
                try await withThrowingTaskGroup(of: Void.self) { group async throws in
                    group.addTask { try await client.watch("/api/v1/pods?watch=1", token: sim.token, into: collector) }
                    #expect(try await eventually { collector.statusCode == 200 })
                    sim.simulator.cluster.apply([.upsert(Fixtures.pod("unseen"))])
                    #expect(collector.lines.isEmpty)
                    group.cancelAll()
                }
                #expect(collector.lines.isEmpty)
            }
        }
    }

    @Test("closing all watch streams ends them cleanly; dropping cuts them; stalling silences them")
    func streamFaults() async throws {
        try await withKubeSimulator(scenario: Self.scenario) { sim async throws in
            try await LiveClient.with(sim) { client async throws in
                let version = sim.simulator.cluster.resourceVersion
                let path = "/api/v1/pods?watch=1&resourceVersion=\(version)"
                let closed = LineCollector()
                let dropped = LineCollector()
                try await withThrowingTaskGroup(of: Void.self) { group async throws in
                    group.addTask { try await client.watch(path, token: sim.token, into: closed) }
                    #expect(try await eventually { sim.statistics.watchStreamsOpen == 1 })
                    sim.closeAllWatchStreams()
                    #expect(try await eventually { closed.ended })
                    #expect(closed.error == nil)
                    #expect(closed.partial.isEmpty)
                    #expect(sim.statistics.watchStreamsOpen == 0)

                    group.addTask { try await client.watch(path, token: sim.token, into: dropped) }
                    #expect(try await eventually { sim.statistics.watchStreamsOpen == 1 })
                    sim.dropAllWatchStreams()
                    #expect(try await eventually { dropped.ended })
                    #expect(dropped.error != nil)
                    #expect(!dropped.partial.isEmpty)
                    group.cancelAll()
                }
                let stalled = LineCollector()
                try await withThrowingTaskGroup(of: Void.self) { group async throws in
                    #expect(try await eventually { sim.statistics.watchStreamsOpen == 0 })
                    group.addTask { try await client.watch(path, token: sim.token, into: stalled) }
                    #expect(try await eventually { sim.statistics.watchStreamsOpen == 1 })
                    sim.stallAllWatchStreams()
                    sim.simulator.cluster.apply([.upsert(Fixtures.pod("never-delivered"))])
                    sim.closeAllWatchStreams()
                    #expect(try await eventually { stalled.ended })
                    #expect(stalled.lines.isEmpty)
                    group.cancelAll()
                }
                #expect(try await eventually { sim.statistics.watchStreamsOpen == 0 })
            }
        }
    }

    @Test("going away refuses connections and closes streams; coming back listens on the same port")
    func goAway() async throws {
        try await withKubeSimulator(scenario: Self.scenario) { sim async throws in
            let port = sim.port
            try await LiveClient.with(sim) { client async throws in
                let watch = LineCollector()
                try await withThrowingTaskGroup(of: Void.self) { group async throws in
                    group.addTask { try await client.watch("/api/v1/pods?watch=1", token: sim.token, into: watch) }
                    #expect(try await eventually { watch.lines.count == 1 })
                    sim.goAway()
                    #expect(try await eventually { watch.ended })
                    group.cancelAll()
                }
                #expect(!sim.simulator.isListening)
                await #expect(throws: (any Error).self) {
                    _ = try await client.request(.GET, "/api/v1/pods", token: sim.token)
                }
                sim.comeBack()
                #expect(try await eventually { sim.simulator.isListening })
                #expect(sim.port == port)
                #expect(try await client.request(.GET, "/api/v1/pods", token: sim.token).status == 200)
            }
        }
    }

    @Test("the control endpoint arms faults and reports the counters as JSON")
    func controlEndpoint() async throws {
        try await withKubeSimulator(scenario: Self.scenario) { sim async throws in
            try await LiveClient.with(sim) { client async throws in
                let armed = try await client.request(
                    .POST,
                    "/sim/faults",
                    body: #"{"action":"status","code":503,"count":1,"verbs":["list"],"resources":["deployments"]}"#
                )
                #expect(armed.status == 200)
                #expect(try await client.request(.GET, "/apis/apps/v1/deployments", token: sim.token).status == 503)
                #expect(try await client.request(.GET, "/apis/apps/v1/deployments", token: sim.token).status == 200)
                let stats = try await client.request(.GET, "/sim/stats").json
                #expect(stats[path: ["requests", "list", "deployments"]] == 2)
                #expect(stats["watchStreamsOpen"] == 0)
                #expect((stats["bytesSent"]?.intValue ?? 0) > 0)
                let bad = try await client.request(.POST, "/sim/faults", body: #"{"action":"explode"}"#)
                #expect(bad.status == 400)
                #expect(try await client.request(.POST, "/sim/history/expire").status == 200)
                #expect(try await client.request(.PUT, "/sim/tokens", body: #"{"tokens":["rotated"]}"#).status == 200)
                #expect(try await client.request(.GET, "/api/v1/pods", token: "rotated").status == 200)
                #expect(try await client.request(.GET, "/sim/nothing").status == 404)
            }
        }
    }

    @Test("GET /sim/published answers the journal: filtered, oldest first, with wall-clock publish times")
    func publishedEndpoint() async throws {
        var configuration = KubeSimulatorConfiguration()
        let stamp = 1_795_000_000_123_456_789 as Int64
        configuration.wallClock = { stamp }
        try await withKubeSimulator(scenario: Self.scenario, configuration: configuration) { sim async throws in
            try await LiveClient.with(sim) { client async throws in
                let patch =
                    #"{"status":{"conditions":[{"type":"Available","status":"True","reason":"MinimumReplicasAvailable"}]}}"#
                let patched = try await client.request(
                    .PATCH,
                    "/apis/apps/v1/namespaces/shop/deployments/web/status",
                    token: sim.token,
                    body: patch,
                    contentType: "application/merge-patch+json"
                )
                #expect(patched.status == 200)
                let resourceVersion = patched.json[path: ["metadata", "resourceVersion"]]
                let found = try await client.request(
                    .GET,
                    "/sim/published?kind=Deployment&namespace=shop&signal=MinimumReplicasAvailable&limit=1"
                ).json
                let entry = try #require(found["entries"]?.arrayValue?.first)
                #expect(entry["name"] == "web")
                #expect(entry["type"] == "MODIFIED")
                #expect(entry["resourceVersion"] == resourceVersion)
                #expect(entry["publishedAtNanos"] == .int(stamp))
                #expect(entry["publishedAt"] == "2026-11-18T11:06:40.123456Z")
                #expect(entry["signals"] == ["Available", "MinimumReplicasAvailable"])
                let none = try await client.request(.GET, "/sim/published?kind=Deployment&signal=ReplicaFailure").json
                #expect(none["entries"] == [])
                #expect(try await client.request(.GET, "/sim/published?limit=0").status == 400)
                #expect(try await client.request(.GET, "/sim/published?afterResourceVersion=x").status == 400)
            }
        }
    }

    @Test("bytes sent and requests by verb are counted; control requests are not")
    func counters() async throws {
        try await withKubeSimulator(scenario: Self.scenario) { sim async throws in
            try await LiveClient.with(sim) { client async throws in
                let before = sim.statistics
                let response = try await client.request(
                    .GET,
                    "/apis/apps/v1/namespaces/shop/deployments/web",
                    token: sim.token
                )
                _ = try await client.request(.GET, "/sim/stats")
                let after = sim.statistics
                #expect(after.bytesSent - before.bytesSent >= response.body.count)
                #expect(after.requests(verb: "get") == before.requests(verb: "get") + 1)
                #expect(after.totalRequests == before.totalRequests + 1)
            }
        }
    }
}

@Suite("Live server: malformed traffic")
struct LiveRobustnessTests {
    static func plain() -> KubeSimulatorConfiguration {
        var configuration = KubeSimulatorConfiguration()
        configuration.transport = .http
        configuration.maxRequestBodyBytes = 1024
        return configuration
    }

    @Test("bytes that are not HTTP get a 400 and a closed connection; the server keeps serving")
    func garbage() async throws {
        try await withKubeSimulator(configuration: Self.plain()) { sim async throws in
            let answer = try await rawExchange(port: sim.port, bytes: Array("\u{1}\u{2}GARBAGE \r\n\r\n".utf8))
            #expect(answer.hasPrefix("HTTP/1.1 400"))
            let ok = try await rawExchange(
                port: sim.port,
                bytes: Array(
                    "GET /version HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer \(sim.token)\r\nConnection: close\r\n\r\n"
                        .utf8
                )
            )
            #expect(ok.hasPrefix("HTTP/1.1 200"))
        }
    }

    @Test("a body over the limit gets 413")
    func tooLarge() async throws {
        try await withKubeSimulator(configuration: Self.plain()) { sim async throws in
            let body = String(repeating: "x", count: 4096)
            let request =
                "POST /api/v1/namespaces/default/pods HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer \(sim.token)\r\n"
                + "Content-Type: application/json\r\nContent-Length: \(body.count)\r\n\r\n\(body)"
            let answer = try await rawExchange(port: sim.port, bytes: Array(request.utf8))
            #expect(answer.hasPrefix("HTTP/1.1 413"))
            #expect(answer.contains("RequestEntityTooLarge"))
        }
    }
}

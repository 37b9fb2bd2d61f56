import Foundation
import KubeSimulator
import NIOHTTP1
import TestSupport
import Testing

@Suite("Live server: watch streams, resume, 410, bookmarks, watch-list")
struct LiveWatchTests {
    static let scenario = Scenario(objects: [
        Fixtures.pod("web-1", labels: ["app": "web"]), Fixtures.pod("web-2", labels: ["app": "web"]),
        Fixtures.pod("db-1", labels: ["app": "db"]),
    ])

    /// Runs `body` while a watch of `path` streams into a collector; the watch is cancelled afterwards.
    static func watching(
        _ sim: SimulatedAPIServer,
        _ client: LiveClient,
        _ path: String,
        _ body: (LineCollector) async throws -> Void
    ) async throws {
        let collector = LineCollector()
        try await withThrowingTaskGroup(of: Void.self) { group async throws in
            group.addTask { try await client.watch(path, token: sim.token, into: collector) }
            try await body(collector)
            group.cancelAll()
        }
    }

    @Test("from resourceVersion 0: the current objects as ADDED, then every change in order")
    func initialStateThenChanges() async throws {
        try await withKubeSimulator(scenario: Self.scenario) { sim async throws in
            try await LiveClient.with(sim) { client async throws in
                try await Self.watching(sim, client, "/api/v1/namespaces/shop/pods?watch=1&resourceVersion=0") {
                    watch async throws in
                    #expect(try await eventually { watch.lines.count == 3 })
                    #expect(watch.types == ["ADDED", "ADDED", "ADDED"])
                    var changed = Fixtures.pod("web-1", labels: ["app": "web", "ready": "yes"])
                    changed.setValue("Succeeded", at: ["status", "phase"])
                    sim.simulator.cluster.apply([
                        .upsert(changed), .delete(kind: "Pod", namespace: "shop", name: "db-1"),
                        .upsert(Fixtures.pod("other", namespace: "elsewhere")),
                    ])
                    #expect(try await eventually { watch.lines.count == 5 })
                    #expect(watch.types.suffix(2) == ["MODIFIED", "DELETED"])
                    let versions = watch.lines.compactMap {
                        $0[path: ["object", "metadata", "resourceVersion"]]?.stringValue
                    }
                    .compactMap { Int64($0) }
                    #expect(versions.suffix(2) == versions.suffix(2).sorted())
                    #expect(watch.statusCode == 200)
                    #expect(sim.statistics.watchStreamsOpen == 1)
                }
                #expect(try await eventually { sim.statistics.watchStreamsOpen == 0 })
                #expect(sim.statistics.watchStreamsOpened == 1)
            }
        }
    }

    @Test("an object that stops matching the label selector is DELETED for that watch")
    func selectorTransitions() async throws {
        try await withKubeSimulator(scenario: Self.scenario) { sim async throws in
            try await LiveClient.with(sim) { client async throws in
                let version = sim.simulator.cluster.resourceVersion
                let path = "/api/v1/namespaces/shop/pods?watch=1&labelSelector=app%3Dweb&resourceVersion=\(version)"
                try await Self.watching(sim, client, path) { watch async throws in
                    sim.simulator.cluster.apply([.upsert(Fixtures.pod("web-1", labels: ["app": "retired"]))])
                    sim.simulator.cluster.apply([.upsert(Fixtures.pod("db-1", labels: ["app": "web"]))])
                    #expect(try await eventually { watch.lines.count == 2 })
                    #expect(watch.types == ["DELETED", "ADDED"])
                    #expect(watch.names("DELETED") == ["web-1"])
                    #expect(watch.names("ADDED") == ["db-1"])
                }
            }
        }
    }

    @Test("a resume from a resourceVersion replays exactly the changes after it")
    func resume() async throws {
        try await withKubeSimulator(scenario: Self.scenario) { sim async throws in
            let cluster = sim.simulator.cluster
            let before = cluster.resourceVersion
            cluster.apply([.upsert(Fixtures.pod("new-1"))])
            cluster.apply([.delete(kind: "Pod", namespace: "shop", name: "web-2")])
            try await LiveClient.with(sim) { client async throws in
                try await Self.watching(sim, client, "/api/v1/namespaces/shop/pods?watch=1&resourceVersion=\(before)") {
                    watch async throws in
                    #expect(try await eventually { watch.lines.count == 2 })
                    #expect(watch.types == ["ADDED", "DELETED"])
                    #expect(watch.names("ADDED") == ["new-1"])
                    #expect(watch.names("DELETED") == ["web-2"])
                }
            }
        }
    }

    @Test("a resume from before the retained history gets a 410 Expired ERROR event, then the stream ends")
    func expired() async throws {
        try await withKubeSimulator(scenario: Self.scenario) { sim async throws in
            let old = sim.simulator.cluster.resourceVersion - 1
            sim.simulator.cluster.apply([.upsert(Fixtures.pod("later"))])
            sim.expireHistory()
            try await LiveClient.with(sim) { client async throws in
                try await Self.watching(sim, client, "/api/v1/namespaces/shop/pods?watch=1&resourceVersion=\(old)") {
                    watch async throws in
                    #expect(try await eventually { watch.ended })
                    #expect(watch.statusCode == 200)
                    #expect(watch.types == ["ERROR"])
                    let status = try #require(watch.lines.first?["object"])
                    #expect(status["code"] == 410)
                    #expect(status["reason"] == "Expired")
                    let current = sim.simulator.cluster.resourceVersion
                    #expect(status["message"] == .string("too old resource version: \(old) (\(current))"))
                }
            }
        }
    }

    @Test("the history is bounded: resuming from before the last N changes of a kind gets 410")
    func boundedHistory() async throws {
        var configuration = KubeSimulatorConfiguration()
        configuration.historyLimit = 3
        try await withKubeSimulator(scenario: Self.scenario, configuration: configuration) { sim async throws in
            let start = sim.simulator.cluster.resourceVersion
            for index in 0..<5 { sim.simulator.cluster.apply([.upsert(Fixtures.pod("n\(index)"))]) }
            try await LiveClient.with(sim) { client async throws in
                try await Self.watching(sim, client, "/api/v1/pods?watch=1&resourceVersion=\(start)") {
                    watch async throws in
                    #expect(try await eventually { watch.ended })
                    #expect(watch.lines.first?[path: ["object", "code"]] == 410)
                }
                try await Self.watching(sim, client, "/api/v1/pods?watch=1&resourceVersion=\(start + 2)") {
                    watch async throws in
                    #expect(try await eventually { watch.lines.count == 3 })
                    #expect(watch.names("ADDED") == ["n2", "n3", "n4"])
                }
            }
        }
    }

    @Test("bookmarks come every interval and once more just before timeoutSeconds ends the stream")
    func bookmarks() async throws {
        let network = ManualClock()
        var configuration = KubeSimulatorConfiguration()
        configuration.networkClock = network
        configuration.bookmarkInterval = .seconds(10)
        try await withKubeSimulator(scenario: Self.scenario, configuration: configuration) { sim async throws in
            try await LiveClient.with(sim) { client async throws in
                let version = sim.simulator.cluster.resourceVersion
                let path =
                    "/api/v1/namespaces/shop/pods?watch=1&allowWatchBookmarks=true&timeoutSeconds=25&resourceVersion=\(version)"
                try await Self.watching(sim, client, path) { watch async throws in
                    #expect(try await eventually { network.sleeperCount == 1 })
                    sim.simulator.cluster.apply([.upsert(Fixtures.pod("late"))])
                    #expect(try await eventually { watch.lines.count == 1 })
                    network.advance(by: .seconds(10))
                    try #require(try await eventually { watch.lines.count == 2 })
                    let bookmark = watch.lines[1]
                    #expect(bookmark["type"] == "BOOKMARK")
                    #expect(bookmark[path: ["object", "kind"]] == "Pod")
                    #expect(bookmark[path: ["object", "metadata", "resourceVersion"]] == .string(String(version + 1)))
                    #expect(!watch.ended)
                    #expect(try await eventually { network.sleeperCount == 1 })
                    network.advance(by: .seconds(10))
                    #expect(try await eventually { watch.lines.count == 3 })
                    #expect(try await eventually { network.sleeperCount == 1 })
                    network.advance(by: .seconds(5))
                    #expect(try await eventually { watch.ended })
                    #expect(watch.types == ["ADDED", "BOOKMARK", "BOOKMARK", "BOOKMARK"])
                    #expect(watch.error == nil)
                }
                #expect(try await eventually { sim.statistics.watchStreamsOpen == 0 })
            }
        }
    }

    @Test("watch-list: sendInitialEvents gives ADDED events, then a BOOKMARK marking their end")
    func watchList() async throws {
        try await withKubeSimulator(scenario: Self.scenario) { sim async throws in
            try await LiveClient.with(sim) { client async throws in
                let path =
                    "/api/v1/namespaces/shop/pods?watch=1&sendInitialEvents=true&allowWatchBookmarks=true"
                    + "&resourceVersionMatch=NotOlderThan&resourceVersion="
                try await Self.watching(sim, client, path) { watch async throws in
                    try #require(try await eventually { watch.lines.count == 4 })
                    #expect(watch.types == ["ADDED", "ADDED", "ADDED", "BOOKMARK"])
                    let bookmark = try #require(watch.lines.last)
                    #expect(
                        bookmark[path: ["object", "metadata", "annotations", "k8s.io/initial-events-end"]] == "true"
                    )
                    #expect(
                        bookmark[path: ["object", "metadata", "resourceVersion"]]
                            == .string(String(sim.simulator.cluster.resourceVersion))
                    )
                }
            }
        }
    }

    @Test("hundreds of concurrent watches all receive a change, and all close when their clients leave")
    func manyWatches() async throws {
        try await withKubeSimulator(scenario: Self.scenario) { sim async throws in
            try await LiveClient.with(sim) { client async throws in
                let count = 50
                let collectors = (0..<count).map { _ in LineCollector() }
                let version = sim.simulator.cluster.resourceVersion
                try await withThrowingTaskGroup(of: Void.self) { group async throws in
                    for collector in collectors {
                        group.addTask {
                            try await client.watch(
                                "/api/v1/pods?watch=1&resourceVersion=\(version)",
                                token: sim.token,
                                into: collector
                            )
                        }
                    }
                    #expect(try await eventually { sim.statistics.watchStreamsOpen == count })
                    sim.simulator.cluster.apply([.upsert(Fixtures.pod("broadcast"))])
                    #expect(try await eventually { collectors.allSatisfy { $0.lines.count == 1 } })
                    group.cancelAll()
                }
                #expect(try await eventually { sim.statistics.watchStreamsOpen == 0 })
                #expect(sim.statistics.watchStreamsOpened == count)
            }
        }
    }
}

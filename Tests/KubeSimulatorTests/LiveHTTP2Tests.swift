import Foundation
import KubeSimulator
import NIOHTTP1
import TestSupport
import Testing

@Suite("Live server: HTTP/2 by ALPN, with kube-apiserver's per-connection stream limit")
struct LiveHTTP2Tests {
    static func configuration(streams: Int) -> KubeSimulatorConfiguration {
        var configuration = KubeSimulatorConfiguration()
        configuration.http2MaxConcurrentStreams = streams
        return configuration
    }

    @Test("a client that offers h2 gets HTTP/2; one that does not still gets HTTP/1.1")
    func negotiation() async throws {
        try await withKubeSimulator(configuration: Self.configuration(streams: 100)) { sim async throws in
            try await LiveClient.with(sim, http2: true) { client async throws in
                let response = try await client.request(.GET, "/api/v1/namespaces", token: sim.token)
                #expect(response.status == 200)
                #expect(response.version == .http2)
                let missing = try await client.request(.GET, "/api/v1/namespaces/nope", token: sim.token)
                #expect(missing.status == 404)
                #expect(missing.json["reason"] == "NotFound")
            }
            try await LiveClient.with(sim) { client async throws in
                let response = try await client.request(.GET, "/api/v1/namespaces", token: sim.token)
                #expect(response.version == .http1_1)
            }
        }
    }

    @Test("watches share one connection up to the stream limit; the next waits until a stream frees up")
    func streamLimit() async throws {
        let scenario = Scenario(objects: [Fixtures.pod("web-1")])
        try await withKubeSimulator(scenario: scenario, configuration: Self.configuration(streams: 3)) {
            sim async throws in
            try await LiveClient.with(sim, http2: true) { client async throws in
                let collectors = (0..<4).map { _ in LineCollector() }
                try await withThrowingTaskGroup(of: Void.self) { group async throws in
                    for collector in collectors {
                        group.addTask {
                            try await client.watch("/api/v1/pods?watch=1", token: sim.token, into: collector)
                        }
                    }
                    #expect(try await eventually { sim.statistics.watchStreamsOpen == 3 })
                    #expect(try await eventually { collectors.filter { $0.statusCode != nil }.count == 3 })
                    #expect(sim.statistics.connectionsAccepted == 1)
                    sim.closeAllWatchStreams()
                    #expect(try await eventually { collectors.allSatisfy { $0.statusCode == 200 } })
                    #expect(try await eventually { sim.statistics.watchStreamsOpen == 1 })
                    group.cancelAll()
                }
                #expect(try await eventually { sim.statistics.watchStreamsOpen == 0 })
            }
        }
    }
}

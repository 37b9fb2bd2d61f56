import Foundation
import KubeClient
import KubeModel
import Testing

@testable import RolloutBench

/// The throughput fixture and both measured paths, at a small size (the figures themselves belong to the
/// benchmark, not to tests).
@Suite struct ThroughputTests {
    @Test func theFixtureStreamHasOneLinePerEventAndDecodesAsPods() throws {
        let fixture = RolloutFixture(deployments: 3, replicas: 2)
        let stream = try fixture.podWatchStream()
        #expect(stream.filter { $0 == UInt8(ascii: "\n") }.count == fixture.podEventCount)
        var decoder = PodStreamDecoder(stream)
        var updates = 0
        var last: Pod?
        while let update = try decoder.next() {
            updates += 1
            last = update.object
        }
        #expect(updates == fixture.podEventCount)
        let crashed = try #require(last?.status.containerStatuses.first)
        #expect(crashed.restartCount == 3)
        #expect(last?.metadata.name.hasPrefix("svc-3-") == true)
    }

    @Test func bothModesJudgeEveryEventAndStopAtTheLast() async throws {
        let suite = ThroughputSuite(fixture: RolloutFixture(deployments: 4, replicas: 3), rounds: 1)
        let results = try await suite.run(pinned: false) { _ in }
        #expect(results.map(\.mode) == ["decode+rules", "coordinator"])
        for result in results {
            #expect(result.events == 4 * 3 * 5 + 1)
            #expect(result.eventsPerSecond.count == 1)
            #expect(result.eventsPerSecond.median > 0)
            // Both rates are measured on every round.
            let cpu = try #require(result.eventsPerCPUSecond)
            #expect(cpu.count == 1)
            #expect(cpu.median > 0)
            #expect(result.bytesPerEvent > 1000)
        }
    }
}

import Foundation
import KubeModel
import RolloutRules
import Testing

@Suite struct WarningEventsTests {
    @Test func theWorkloadsOwnWarningsComeMostRecentFirst() throws {
        let observation = try Fixture.observation("deployment-progress-deadline")
        let events = observation.warningEvents()
        #expect(
            events.map(\.metadata.name) == [
                "web-58b7c6d9e-zt4lq.17c9b2c3d4e50006", "web-58b7c6d9e-9hd7s.17c9b2c3d4e50005",
            ]
        )
        #expect(observation.warningEvents(limit: 1).count == 1)
        #expect(observation.warningEvents(limit: 0).isEmpty)
    }

    @Test func anotherDeploymentsEventsAreLeftOut() throws {
        var observation = try Fixture.observation("deployment-overlapping-selectors", workload: "web")
        let canaryPod = try #require(observation.pods.first { $0.metadata.name.hasPrefix("web-canary") })
        let ownPod = try #require(observation.pods.first { $0.metadata.name == "web-7c9d8f6b5-2xq8p" })
        observation.events = [
            Build.event(about: canaryPod, "BackOff", "Back-off restarting failed container", last: "10:04:00"),
            Build.event(about: ownPod, "Unhealthy", "Readiness probe failed: timeout", last: "10:03:00"),
        ]
        #expect(observation.warningEvents().map(\.reason) == ["Unhealthy"])
    }

    @Test func replicaSetAndWorkloadEventsAreIncluded() throws {
        var observation = try Fixture.observation("deployment-quota")
        observation.events = [
            Event(
                metadata: ObjectMeta(name: "web-6c7d8e9f0.1", namespace: "shop"),
                involvedObject: ObjectReference(kind: "ReplicaSet", namespace: "shop", name: "web-6c7d8e9f0"),
                reason: "FailedCreate",
                message: #"Error creating: pods "web-6c7d8e9f0-5gq2k" is forbidden: exceeded quota: compute-quota"#,
                type: "Warning",
                count: 12,
                lastTimestamp: Build.time("10:04:10")
            ),
            Event(
                metadata: ObjectMeta(name: "web.1", namespace: "shop"),
                involvedObject: ObjectReference(
                    kind: "Deployment",
                    namespace: "shop",
                    name: "web",
                    uid: Build.deploymentUID
                ),
                reason: "ScalingReplicaSet",
                message: "Scaled up replica set web-6c7d8e9f0 to 1",
                type: "Normal",
                lastTimestamp: Build.time("10:00:00")
            ),
        ]
        #expect(observation.warningEvents().map(\.reason) == ["FailedCreate"])
    }
}

import Foundation
import Testing

@testable import KubeSimulator

/// The model's work per call follows what changed, not how big the cluster is.
///
/// These count the model's reads of the store (single-object lookups, lists and change-feed reads), which
/// is what grows if a controller scans everything per object; they assert no timings.
@Suite struct ScaleTests {
    static func yaml(namespaces: Int, services: Int, unrelated: Int) -> String {
        let names = (1...namespaces).map { "ns-\($0)" }.joined(separator: ", ")
        return """
            deployments:
              - name: svc-{i}
                count: \(services)
                namespace: [\(names)]
                replicas: 2
                start: rolled-out
            pods:
              - name: other-{i}
                count: \(unrelated)
                namespace: [\(names)]
            """
    }

    /// Settles a cluster, then measures the reads of one client change's reaction.
    static func readsForOneScale(
        namespaces: Int,
        services: Int,
        unrelated: Int,
        feed: Bool = true
    ) throws -> (lookups: Int, listings: Int) {
        var driver = try ClusterDriver(
            workloads: yaml(namespaces: namespaces, services: services, unrelated: unrelated)
        )
        driver.cluster.keepsChangeFeed = feed
        driver.run(for: 3)
        #expect(driver.cluster.all("Pod").count == namespaces * (services * 2 + unrelated))
        // Let the periodic re-list pass, so the measured calls do only what the change needs.
        driver.run(for: 2)
        driver.cluster.resetCounters()
        try driver.edit("Deployment", "svc-1", namespace: "ns-1") { $0.set(["spec", "replicas"], 3) }
        return driver.cluster.counted
    }

    @Test func idleCallsReadOnlyTheChangeFeed() throws {
        var driver = try ClusterDriver(workloads: Self.yaml(namespaces: 4, services: 5, unrelated: 20))
        driver.run(for: 5)
        #expect(driver.nextWake == nil, "an idle cluster needs no wake-ups: \(driver.model.controlPlane.timers)")
        driver.cluster.resetCounters()
        driver.settle()
        let counted = driver.cluster.counted
        #expect(counted.lookups == 0)
        #expect(counted.listings == 0)
        // Deployments, StatefulSets, DaemonSets, Jobs, ReplicaSets, Pods.
        #expect(driver.cluster.feedReads == 6)
    }

    @Test func withoutAChangeFeedIdleCallsReadOnlyTheLists() throws {
        var driver = try ClusterDriver(workloads: Self.yaml(namespaces: 4, services: 5, unrelated: 20))
        driver.cluster.keepsChangeFeed = false
        driver.run(for: 5)
        #expect(driver.nextWake == nil, "an idle cluster needs no wake-ups: \(driver.model.controlPlane.timers)")
        driver.cluster.resetCounters()
        driver.settle()
        let counted = driver.cluster.counted
        #expect(counted.lookups == 0)
        #expect(counted.listings == 6)
        #expect(driver.cluster.feedReads == 0)
    }

    @Test func aClientsEditIsSeenAtOnceThroughTheFeed() throws {
        var driver = try ClusterDriver(workloads: Self.yaml(namespaces: 2, services: 2, unrelated: 5))
        driver.run(for: 5)
        let pod = try #require(driver.cluster.all("Pod", namespace: "ns-1").first { $0.metaName.hasPrefix("svc-1-") })
        // A client's graceful delete: the count stays the same, yet the kubelet takes it up in the same call.
        let deadline = KubeTimestamp.seconds(driver.now + 30)
        try driver.edit("Pod", pod.metaName, namespace: "ns-1") {
            $0.set(["metadata", "deletionTimestamp"], .string(deadline))
        }
        let replicaSet = try #require(
            driver.cluster.all("ReplicaSet", namespace: "ns-1").first { $0.metaName.hasPrefix("svc-1-") }
        )
        #expect(replicaSet.int("status", "terminatingReplicas") == 1)
        #expect(driver.cluster.owned("Pod", by: replicaSet).count == 3, "a replacement was created at once")
        driver.run(for: 3)
        #expect(driver.cluster.get("Pod", pod.metaName, namespace: "ns-1") == nil)
    }

    @Test(arguments: [true, false])
    func oneChangeCostsTheSameInSmallAndLargeClusters(feed: Bool) throws {
        let small = try Self.readsForOneScale(namespaces: 2, services: 5, unrelated: 10, feed: feed)
        let large = try Self.readsForOneScale(namespaces: 8, services: 20, unrelated: 50, feed: feed)
        #expect(small.lookups > 0)
        #expect(large.lookups <= small.lookups + 10, "lookups grew with the cluster: \(small) → \(large)")
        #expect(large.listings <= small.listings + 6)
    }

    @Test func aWideRolloutSettles() throws {
        var driver = try ClusterDriver(
            workloads: """
                deployments:
                  - name: svc-{i}
                    count: 10
                    namespace: [a, b, c, d, e]
                    replicas: 2
                    start: rolled-out
                    image: svc:1
                    updates:
                      - {at: 1s, image: "svc:2"}
                """
        )
        driver.run(for: 15)
        let deployments = driver.cluster.all("Deployment")
        #expect(deployments.count == 50)
        for deployment in deployments {
            #expect(
                KubectlRolloutStatus.deployment(deployment)
                    == .done("deployment \"\(deployment.metaName)\" successfully rolled out")
            )
            #expect(deployment.metaAnnotations["deployment.kubernetes.io/revision"] == "2")
        }
        #expect(driver.cluster.all("Pod").count == 100)
        #expect(driver.calls < 400, "calls: \(driver.calls)")
    }
}

/// The benchmark's scenario, played in memory: opt in with `BEHAVIOUR_LARGE=1` (it takes a while in debug).
@Suite struct LargeReleaseTests {
    @Test(.enabled(if: ProcessInfo.processInfo.environment["BEHAVIOUR_LARGE"] == "1"))
    func largeReleaseRollsOutEverywhere() throws {
        var driver = try ScenarioLibraryTests.driver("large-release.yaml")
        let started = ContinuousClock.now
        driver.settle()
        let settled = ContinuousClock.now
        driver.run(for: 30)
        let finished = ContinuousClock.now
        let deployments = driver.cluster.all("Deployment")
        #expect(deployments.count == 1_000)
        #expect(driver.cluster.all("Pod").count == 12_000)
        for deployment in deployments {
            #expect(deployment.metaAnnotations["deployment.kubernetes.io/revision"] == "2")
            #expect(
                KubectlRolloutStatus.deployment(deployment)
                    == .done("deployment \"\(deployment.metaName)\" successfully rolled out")
            )
        }
        print("large-release: settle \(settled - started), rollout \(finished - settled), \(driver.calls) calls")
    }
}

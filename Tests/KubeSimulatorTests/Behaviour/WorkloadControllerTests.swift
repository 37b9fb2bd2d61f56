import Foundation
import Testing

@testable import KubeSimulator

/// The StatefulSet, DaemonSet and Job controllers: a healthy run and a failure each.
@Suite struct WorkloadControllerTests {
    // MARK: StatefulSet

    @Test func statefulSetCreatesPodsInOrder() throws {
        var driver = try ClusterDriver(
            workloads: """
                statefulSets:
                  - name: db
                    replicas: 3
                    serviceName: db
                    behaviour: healthy after 2s
                """
        )
        driver.recording = true
        driver.run(for: 20)
        for state in driver.history {
            let names = Set(state.all("Pod").map(\.metaName))
            if names.contains("db-1") {
                let first = try #require(state.get("Pod", "db-0"))
                #expect(PodRanking.readySince(first) != nil, "db-1 was created before db-0 was ready")
            }
        }
        let statefulSet = try #require(driver.cluster.get("StatefulSet", "db"))
        let revision = try #require(statefulSet.string("status", "updateRevision"))
        #expect(revision.hasPrefix("db-"))
        #expect(statefulSet.string("status", "currentRevision") == revision)
        // Real kubectl 1.37 says "partitioned" whenever a partition is set, even 0.
        #expect(
            KubectlRolloutStatus.statefulSet(statefulSet)
                == .done("partitioned roll out complete: 3 new pods have been updated...")
        )
        let pod = try #require(driver.cluster.get("Pod", "db-1"))
        #expect(pod.metaLabels["controller-revision-hash"] == revision)
        #expect(pod.metaLabels["statefulset.kubernetes.io/pod-name"] == "db-1")
        #expect(pod.metaLabels["apps.kubernetes.io/pod-index"] == "1")
        #expect(pod.string("spec", "hostname") == "db-1")
        #expect(pod.string("spec", "subdomain") == "db")
        let messages = driver.cluster.events(about: statefulSet).compactMap { $0["message"]?.stringValue }
        #expect(
            messages == [
                "create Pod db-0 in StatefulSet db successful", "create Pod db-1 in StatefulSet db successful",
                "create Pod db-2 in StatefulSet db successful",
            ]
        )
    }

    @Test func statefulSetRollingUpdateStopsAtThePartition() throws {
        var driver = try ClusterDriver(
            workloads: """
                statefulSets:
                  - name: db
                    replicas: 3
                    partition: 1
                    start: rolled-out
                    image: db:1
                    updates:
                      - {at: 1s, image: "db:2"}
                """
        )
        driver.run(for: 30)
        let statefulSet = try #require(driver.cluster.get("StatefulSet", "db"))
        let update = try #require(statefulSet.string("status", "updateRevision"))
        #expect(statefulSet.string("status", "currentRevision") != update)
        #expect(statefulSet.int("status", "updatedReplicas") == 2)
        #expect(driver.cluster.get("Pod", "db-0")?.metaLabels["controller-revision-hash"] != update)
        #expect(driver.cluster.get("Pod", "db-2")?.metaLabels["controller-revision-hash"] == update)
        #expect(
            KubectlRolloutStatus.statefulSet(statefulSet)
                == .done("partitioned roll out complete: 2 new pods have been updated...")
        )
    }

    @Test func onDeleteStatefulSetReplacesOnlyDeletedPods() throws {
        var driver = try ClusterDriver(
            workloads: """
                statefulSets:
                  - name: db
                    replicas: 2
                    updateStrategy: OnDelete
                    start: rolled-out
                    image: db:1
                    updates:
                      - {at: 1s, image: "db:2"}
                """
        )
        driver.run(for: 5)
        var statefulSet = try #require(driver.cluster.get("StatefulSet", "db"))
        let update = try #require(statefulSet.string("status", "updateRevision"))
        #expect(statefulSet.int("status", "updatedReplicas") == nil)
        #expect(statefulSet.string("status", "currentRevision") != update)
        // The user deletes db-1; it comes back at the new revision.
        driver.client(.delete(kind: "Pod", namespace: "default", name: "db-1"))
        driver.run(for: 5)
        statefulSet = try #require(driver.cluster.get("StatefulSet", "db"))
        #expect(driver.cluster.get("Pod", "db-1")?.metaLabels["controller-revision-hash"] == update)
        #expect(driver.cluster.get("Pod", "db-0")?.metaLabels["controller-revision-hash"] != update)
        #expect(statefulSet.int("status", "updatedReplicas") == 1)
    }

    @Test func statefulSetWithACrashingPodWaitsAtThatOrdinal() throws {
        var driver = try ClusterDriver(
            workloads: """
                timeScale: 0.1
                statefulSets:
                  - name: db
                    replicas: 3
                    behaviour: crash-loop
                """
        )
        driver.run(for: 10)
        #expect(driver.cluster.all("Pod").map(\.metaName) == ["db-0"])
        let statefulSet = try #require(driver.cluster.get("StatefulSet", "db"))
        #expect(KubectlRolloutStatus.statefulSet(statefulSet) == .waiting("Waiting for 3 pods to be ready..."))
    }

    // MARK: DaemonSet

    @Test func daemonSetRunsOnePodPerNodeAndRollsOneAtATime() throws {
        var driver = try ClusterDriver(
            workloads: """
                nodes: 4
                daemonSets:
                  - name: agent
                    start: rolled-out
                    image: agent:1
                    updates:
                      - {at: 1s, image: "agent:2"}
                """
        )
        driver.settle()
        var daemonSet = try #require(driver.cluster.get("DaemonSet", "agent"))
        let nodes = ["node-1", "node-2", "node-3", "node-4"]
        #expect(driver.cluster.all("Pod").compactMap { $0.string("spec", "nodeName") }.sorted() == nodes)
        #expect(KubectlRolloutStatus.daemonSet(daemonSet) == .done("daemon set \"agent\" successfully rolled out"))
        driver.recording = true
        driver.run(for: 30)
        for state in driver.history {
            let available = state.get("DaemonSet", "agent")?.int("status", "numberAvailable") ?? 0
            #expect(available >= 3, "more than maxUnavailable (1) pods down at once")
        }
        daemonSet = try #require(driver.cluster.get("DaemonSet", "agent"))
        #expect(daemonSet.int("status", "desiredNumberScheduled") == 4)
        #expect(daemonSet.int("status", "updatedNumberScheduled") == 4)
        #expect(KubectlRolloutStatus.daemonSet(daemonSet) == .done("daemon set \"agent\" successfully rolled out"))
        let pods = driver.cluster.all("Pod")
        #expect(pods.compactMap { $0.string("spec", "nodeName") }.sorted() == nodes)
        #expect(pods.allSatisfy { $0.metaLabels["pod-template-generation"] == "2" })
        for state in driver.history {
            let live = state.all("Pod").filter { !$0.isTerminating }
            let perNode = Dictionary(grouping: live) { ControlPlane.affinityNode($0) ?? "?" }
            #expect(perNode.values.allSatisfy { $0.count == 1 }, "two live daemon pods on one node")
        }
    }

    @Test func daemonSetWithABadImageNeverBecomesAvailable() throws {
        var driver = try ClusterDriver(
            workloads: """
                daemonSets:
                  - name: agent
                    behaviour: image-pull-error
                """
        )
        driver.run(for: 10)
        let daemonSet = try #require(driver.cluster.get("DaemonSet", "agent"))
        #expect(daemonSet.int("status", "numberUnavailable") == 3)
        #expect(
            KubectlRolloutStatus.daemonSet(daemonSet)
                == .waiting("Waiting for daemon set \"agent\" rollout to finish: 0 of 3 updated pods are available...")
        )
    }

    // MARK: Job

    @Test func jobCompletes() throws {
        var driver = try ClusterDriver(
            workloads: """
                jobs:
                  - name: migrate
                    completions: 2
                    parallelism: 2
                    behaviour: healthy after 2s
                """
        )
        driver.run(for: 10)
        let job = try #require(driver.cluster.get("Job", "migrate"))
        #expect(job.condition("SuccessCriteriaMet")?["reason"] == "CompletionsReached")
        #expect(job.condition("Complete")?["status"] == "True")
        #expect(job.int("status", "succeeded") == 2)
        #expect(job.string("status", "completionTime") != nil)
        #expect(driver.cluster.eventReasons(about: job).last == "Completed")
        let pod = try #require(driver.cluster.owned("Pod", by: job).first)
        #expect(pod.metaLabels["batch.kubernetes.io/job-name"] == "migrate")
        #expect(pod.string("spec", "restartPolicy") == "Never")
    }

    @Test func failingJobStopsAtTheBackoffLimit() throws {
        var driver = try ClusterDriver(
            workloads: """
                timeScale: 0.05
                jobs:
                  - name: migrate
                    backoffLimit: 2
                    behaviour: crash-loop
                """
        )
        driver.run(for: 20)
        let job = try #require(driver.cluster.get("Job", "migrate"))
        #expect(job.condition("Failed")?["reason"] == "BackoffLimitExceeded")
        #expect(job.condition("Failed")?["message"] == "Job has reached the specified backoff limit")
        #expect(job.condition("FailureTarget") != nil)
        #expect(job.int("status", "failed") == 3)
        #expect(driver.cluster.owned("Pod", by: job).count == 3)
        #expect(driver.cluster.eventReasons(about: job).contains("BackoffLimitExceeded"))
    }

    // MARK: Bare pods

    @Test func unrelatedPodsRunAndStayOutOfTheWay() throws {
        var driver = try ClusterDriver(
            workloads: """
                pods:
                  - name: sidecar-{i}
                    namespace: [team-a, team-b]
                    count: 5
                    labels: {app: unrelated}
                """
        )
        driver.run(for: 5)
        let pods = driver.cluster.all("Pod")
        #expect(pods.count == 10)
        #expect(pods.allSatisfy { $0.string("status", "phase") == "Running" })
        #expect(Set(pods.compactMap(\.metaNamespace)) == ["team-a", "team-b"])
        #expect(driver.cluster.all("Namespace").map(\.metaName) == ["team-a", "team-b"])
    }
}

import Foundation
import Testing

@testable import KubeSimulator

/// The simulated Deployment and ReplicaSet controllers, driven through whole rollouts.
@Suite struct DeploymentControllerTests {
    @Test func healthyRolloutEndsWithTheStatusKubectlAccepts() throws {
        var driver = try ClusterDriver(
            workloads: """
                deployments:
                  - name: web
                    namespace: shop
                    replicas: 3
                    behaviour: healthy after 2s
                """
        )
        driver.run(for: 10)
        let deployment = try #require(driver.cluster.get("Deployment", "web", namespace: "shop"))
        #expect(KubectlRolloutStatus.deployment(deployment) == .done("deployment \"web\" successfully rolled out"))
        #expect(deployment.int("status", "observedGeneration") == deployment.metaGeneration)
        #expect(deployment.int("status", "replicas") == 3)
        #expect(deployment.int("status", "updatedReplicas") == 3)
        #expect(deployment.int("status", "readyReplicas") == 3)
        #expect(deployment.int("status", "availableReplicas") == 3)
        #expect(deployment.int("status", "unavailableReplicas") == nil)
        #expect(deployment.metaAnnotations["deployment.kubernetes.io/revision"] == "1")
        #expect(deployment.condition("Available")?["reason"] == "MinimumReplicasAvailable")
        #expect(deployment.condition("Available")?["message"] == "Deployment has minimum availability.")

        let replicaSets = driver.cluster.owned("ReplicaSet", by: deployment)
        let replicaSet = try #require(replicaSets.first)
        #expect(replicaSets.count == 1)
        let hash = try #require(replicaSet.metaLabels["pod-template-hash"])
        #expect(replicaSet.metaName == "web-\(hash)")
        #expect(hash.allSatisfy { "bcdfghjklmnpqrstvwxz2456789".contains($0) })
        #expect(replicaSet[path: ["spec", "selector", "matchLabels", "pod-template-hash"]] == .string(hash))
        #expect(replicaSet[path: ["spec", "template", "metadata", "labels", "pod-template-hash"]] == .string(hash))
        #expect(replicaSet.metaAnnotations["deployment.kubernetes.io/revision"] == "1")
        #expect(replicaSet.metaAnnotations["deployment.kubernetes.io/desired-replicas"] == "3")
        #expect(replicaSet.metaAnnotations["deployment.kubernetes.io/max-replicas"] == "4")
        #expect(replicaSet[path: ["metadata", "ownerReferences"]]?.arrayValue?.first?["controller"] == true)
        #expect(replicaSet.int("status", "readyReplicas") == 3)
        #expect(replicaSet.int("status", "observedGeneration") == replicaSet.metaGeneration)
        let progressing = try #require(deployment.condition("Progressing"))
        #expect(progressing["status"] == "True")
        #expect(progressing["reason"] == "NewReplicaSetAvailable")
        #expect(progressing["message"] == .string("ReplicaSet \"\(replicaSet.metaName)\" has successfully progressed."))

        let pods = driver.cluster.owned("Pod", by: replicaSet)
        #expect(pods.count == 3)
        for pod in pods {
            #expect(pod.metaName.hasPrefix(replicaSet.metaName + "-"))
            #expect(pod.metaName.count == replicaSet.metaName.count + 6)
            #expect(pod.metaLabels == ["app": "web", "pod-template-hash": hash])
            #expect(pod.string("status", "phase") == "Running")
            #expect(pod.string("spec", "nodeName")?.hasPrefix("node-") == true)
            #expect(
                driver.cluster.eventReasons(about: pod) == ["Scheduled", "Pulling", "Pulled", "Created", "Started"]
            )
        }
        let scaling = driver.cluster.events(about: deployment)
        #expect(scaling.map { $0["message"] } == [.string("Scaled up replica set \(replicaSet.metaName) from 0 to 3")])
        #expect(scaling.first?["source"]?["component"] == "deployment-controller")
        #expect(
            driver.cluster.eventReasons(about: replicaSet) == [
                "SuccessfulCreate", "SuccessfulCreate", "SuccessfulCreate",
            ]
        )
        // Nothing is left to do: the model sleeps.
        #expect(driver.nextWake == nil || driver.nextWake! > driver.now)
    }

    @Test func podNamesAndHashesAreTheSameOnEveryRun() throws {
        let yaml = """
            deployments:
              - name: api
                replicas: 2
            """
        var first = try ClusterDriver(workloads: yaml)
        var second = try ClusterDriver(workloads: yaml)
        first.run(for: 5)
        second.run(for: 5)
        #expect(first.cluster.all("Pod").map(\.metaName) == second.cluster.all("Pod").map(\.metaName))
        #expect(first.cluster.all("ReplicaSet").map(\.metaName) == second.cluster.all("ReplicaSet").map(\.metaName))
    }

    /// Revision 1 is live at the start; the template changes at 2 s; maxSurge 1 and maxUnavailable 1
    /// bound every intermediate state.
    @Test func rollingUpdateRespectsSurgeAndUnavailabilityAtEveryStep() throws {
        var driver = try ClusterDriver(
            workloads: """
                deployments:
                  - name: web
                    replicas: 4
                    maxSurge: 1
                    maxUnavailable: 1
                    start: rolled-out
                    image: registry.example.com/shop/web:1.0.0
                    updates:
                      - at: 2s
                        image: registry.example.com/shop/web:1.1.0
                        behaviour: healthy after 1s
                """
        )
        driver.settle()
        let initial = try #require(driver.cluster.get("Deployment", "web"))
        #expect(KubectlRolloutStatus.deployment(initial) == .done("deployment \"web\" successfully rolled out"))
        #expect(driver.cluster.all("Pod").count == 4)

        driver.recording = true
        driver.run(for: 30)
        for state in driver.history {
            let replicaSets = state.all("ReplicaSet")
            let desired = replicaSets.reduce(0) { $0 + ($1.int("spec", "replicas") ?? 0) }
            let available = replicaSets.reduce(0) { $0 + ($1.int("status", "availableReplicas") ?? 0) }
            #expect(desired <= 5, "more pods than replicas + maxSurge")
            #expect(available >= 3 || state.all("Pod").count < 4, "fewer available pods than replicas - maxUnavailable")
        }
        let deployment = try #require(driver.cluster.get("Deployment", "web"))
        #expect(KubectlRolloutStatus.deployment(deployment) == .done("deployment \"web\" successfully rolled out"))
        #expect(deployment.metaAnnotations["deployment.kubernetes.io/revision"] == "2")
        #expect(deployment.metaGeneration == 2)
        let replicaSets = driver.cluster.owned("ReplicaSet", by: deployment).sorted {
            ($0.metaAnnotations["deployment.kubernetes.io/revision"] ?? "")
                < ($1.metaAnnotations["deployment.kubernetes.io/revision"] ?? "")
        }
        #expect(replicaSets.map { $0.int("spec", "replicas") } == [0, 4])
        #expect(replicaSets.map { $0.metaAnnotations["deployment.kubernetes.io/revision"] } == ["1", "2"])
        #expect(driver.cluster.owned("Pod", by: replicaSets[0]).isEmpty)
        let messages = driver.cluster.events(about: deployment).compactMap { $0["message"]?.stringValue }
        #expect(messages.contains("Scaled up replica set \(replicaSets[1].metaName) from 0 to 1"))
        #expect(messages.contains { $0.hasPrefix("Scaled down replica set \(replicaSets[0].metaName) from 4 to ") })
        // Old pods went through termination: deletionTimestamp, then gone.
        #expect(driver.history.contains { state in state.all("Pod").contains { $0.isTerminating } })
    }

    @Test func returningToAnEarlierTemplateReusesItsReplicaSet() throws {
        var driver = try ClusterDriver(
            workloads: """
                deployments:
                  - name: web
                    replicas: 2
                    start: rolled-out
                    image: web:1
                    updates:
                      - {at: 1s, image: "web:2"}
                      - {at: 10s, image: "web:1"}
                """
        )
        driver.run(for: 20)
        let deployment = try #require(driver.cluster.get("Deployment", "web"))
        let replicaSets = driver.cluster.owned("ReplicaSet", by: deployment)
        #expect(replicaSets.count == 2)
        let reused = try #require(replicaSets.first { $0.int("spec", "replicas") == 2 })
        #expect(reused.metaAnnotations["deployment.kubernetes.io/revision"] == "3")
        #expect(reused.metaAnnotations["deployment.kubernetes.io/revision-history"] == "1")
        #expect(deployment.metaAnnotations["deployment.kubernetes.io/revision"] == "3")
        #expect(KubectlRolloutStatus.deployment(deployment) == .done("deployment \"web\" successfully rolled out"))
    }

    @Test func recreateRemovesEveryOldPodBeforeTheNewReplicaSet() throws {
        var driver = try ClusterDriver(
            workloads: """
                deployments:
                  - name: db
                    replicas: 2
                    strategy: Recreate
                    start: rolled-out
                    image: db:1
                    updates:
                      - {at: 1s, image: "db:2"}
                """
        )
        driver.settle()
        driver.recording = true
        driver.run(for: 15)
        for state in driver.history {
            let deployment = state.get("Deployment", "db")
            let replicaSets = deployment.map { state.owned("ReplicaSet", by: $0) } ?? []
            let newSet = replicaSets.first { $0.metaAnnotations["deployment.kubernetes.io/revision"] == "2" }
            if let newSet, (newSet.int("spec", "replicas") ?? 0) > 0 {
                let oldPods = replicaSets.filter { $0.metaName != newSet.metaName }.flatMap {
                    state.owned("Pod", by: $0)
                }
                #expect(oldPods.isEmpty, "Recreate scaled up while old pods remained")
            }
        }
        let deployment = try #require(driver.cluster.get("Deployment", "db"))
        #expect(KubectlRolloutStatus.deployment(deployment) == .done("deployment \"db\" successfully rolled out"))
    }

    @Test func revisionHistoryLimitDeletesTheOldestEmptyReplicaSets() throws {
        var driver = try ClusterDriver(
            workloads: """
                deployments:
                  - name: web
                    replicas: 1
                    revisionHistoryLimit: 1
                    image: web:1
                    updates:
                      - {at: 5s, image: "web:2"}
                      - {at: 10s, image: "web:3"}
                      - {at: 15s, image: "web:4"}
                """
        )
        driver.run(for: 25)
        let deployment = try #require(driver.cluster.get("Deployment", "web"))
        let revisions = driver.cluster.owned("ReplicaSet", by: deployment).compactMap {
            $0.metaAnnotations["deployment.kubernetes.io/revision"]
        }.sorted()
        #expect(revisions == ["3", "4"])
    }

    @Test func pausedDeploymentReportsPausedAndWaitsForResume() throws {
        var driver = try ClusterDriver(
            workloads: """
                deployments:
                  - name: web
                    replicas: 2
                    start: rolled-out
                    image: web:1
                    updates:
                      - {at: 1s, paused: true}
                      - {at: 2s, image: "web:2"}
                      - {at: 10s, paused: false}
                """
        )
        driver.run(for: 5)
        var deployment = try #require(driver.cluster.get("Deployment", "web"))
        #expect(deployment.condition("Progressing")?["reason"] == "DeploymentPaused")
        #expect(deployment.condition("Progressing")?["status"] == "Unknown")
        #expect(deployment.condition("Progressing")?["message"] == "Deployment is paused")
        #expect(driver.cluster.owned("ReplicaSet", by: deployment).count == 1)
        #expect(deployment.int("status", "observedGeneration") == deployment.metaGeneration)

        driver.run(for: 1)
        driver.run(until: ClusterDriver.epoch + 10.2)
        deployment = try #require(driver.cluster.get("Deployment", "web"))
        #expect(
            ["DeploymentResumed", "NewReplicaSetCreated", "ReplicaSetUpdated"].contains(
                deployment.condition("Progressing")?["reason"]?.stringValue ?? ""
            )
        )
        driver.run(for: 15)
        deployment = try #require(driver.cluster.get("Deployment", "web"))
        #expect(KubectlRolloutStatus.deployment(deployment) == .done("deployment \"web\" successfully rolled out"))
        #expect(deployment.metaAnnotations["deployment.kubernetes.io/revision"] == "2")
    }

    /// A late wake-up (a loaded machine) finds two declared updates of one Deployment due at once: they
    /// are still two writes, two generations, as two `kubectl apply`s would be.
    @Test func updatesDueTogetherAreSeparateGenerations() throws {
        var driver = try ClusterDriver(
            workloads: """
                deployments:
                  - name: web
                    replicas: 2
                    start: rolled-out
                    image: web:1
                    updates:
                      - {at: 1s, paused: true}
                      - {at: 2s, image: "web:2"}
                """
        )
        driver.settle()
        let before = try #require(driver.cluster.get("Deployment", "web")).metaGeneration
        driver.now = ClusterDriver.epoch + 5
        driver.settle()
        let deployment = try #require(driver.cluster.get("Deployment", "web"))
        #expect(deployment.metaGeneration == before + 2)
        #expect(deployment[path: ["spec", "paused"]] == .bool(true))
        #expect(deployment[path: ["spec", "template", "spec", "containers"]]?.arrayValue?.first?["image"] == "web:2")
    }

    /// `kubectl rollout pause` on a finished rollout: the paused condition stays while nothing changes.
    @Test func pausingAFinishedRolloutKeepsThePausedCondition() throws {
        var driver = try ClusterDriver(
            workloads: """
                deployments:
                  - name: web
                    replicas: 2
                    start: rolled-out
                    updates:
                      - {at: 1s, paused: true}
                      - {at: 3s, replicas: 3}
                """
        )
        driver.run(for: 2)
        var deployment = try #require(driver.cluster.get("Deployment", "web"))
        #expect(deployment.condition("Progressing")?["reason"] == "DeploymentPaused")
        driver.run(for: 5)
        deployment = try #require(driver.cluster.get("Deployment", "web"))
        #expect(deployment.condition("Progressing")?["reason"] == "DeploymentPaused")
        #expect(deployment.int("status", "availableReplicas") == 3, "a paused Deployment still scales")
    }

    @Test func neverReadyPodsExceedTheProgressDeadline() throws {
        var driver = try ClusterDriver(
            workloads: """
                deployments:
                  - name: web
                    replicas: 2
                    progressDeadlineSeconds: 5
                    behaviour: never-ready
                """
        )
        driver.run(for: 4)
        var deployment = try #require(driver.cluster.get("Deployment", "web"))
        #expect(deployment.condition("Progressing")?["status"] == "True")
        if case .failed = KubectlRolloutStatus.deployment(deployment) { Issue.record("failed before the deadline") }

        driver.run(for: 4)
        deployment = try #require(driver.cluster.get("Deployment", "web"))
        let progressing = try #require(deployment.condition("Progressing"))
        let replicaSet = try #require(driver.cluster.owned("ReplicaSet", by: deployment).first)
        #expect(progressing["status"] == "False")
        #expect(progressing["reason"] == "ProgressDeadlineExceeded")
        #expect(progressing["message"] == .string("ReplicaSet \"\(replicaSet.metaName)\" has timed out progressing."))
        #expect(
            KubectlRolloutStatus.deployment(deployment) == .failed("deployment \"web\" exceeded its progress deadline")
        )
        #expect(deployment.condition("Available")?["status"] == "False")
        let pod = try #require(driver.cluster.owned("Pod", by: replicaSet).first)
        #expect(driver.cluster.eventReasons(about: pod).contains("Unhealthy"))
    }

    @Test func quotaRejectionBecomesReplicaFailure() throws {
        var driver = try ClusterDriver(
            workloads: """
                deployments:
                  - name: batch
                    replicas: 3
                    behaviour: {name: quota-exceeded, quota: team-quota}
                """
        )
        driver.run(for: 5)
        let deployment = try #require(driver.cluster.get("Deployment", "batch"))
        let replicaSet = try #require(driver.cluster.owned("ReplicaSet", by: deployment).first)
        #expect(driver.cluster.owned("Pod", by: replicaSet).isEmpty)
        let failure = try #require(replicaSet.condition("ReplicaFailure"))
        #expect(failure["reason"] == "FailedCreate")
        let message = try #require(failure["message"]?.stringValue)
        #expect(message.hasPrefix("pods \"\(replicaSet.metaName)-"))
        #expect(
            message.hasSuffix(
                "\" is forbidden: exceeded quota: team-quota, requested: cpu=2, used: cpu=8, limited: cpu=8"
            )
        )
        let copied = try #require(deployment.condition("ReplicaFailure"))
        #expect(copied["message"]?.stringValue == message)
        #expect(copied["reason"] == "FailedCreate")
        let events = driver.cluster.events(about: replicaSet)
        #expect(events.first?["reason"] == "FailedCreate")
        #expect(events.first?["type"] == "Warning")
        #expect(events.first?["message"] == .string("Error creating: \(message)"))
        #expect((events.first?["count"]?.intValue ?? 0) > 1, "the controller retries and the event is aggregated")
    }

    @Test func limitRangeRejectsAfterTheAllowance() throws {
        var driver = try ClusterDriver(
            workloads: """
                deployments:
                  - name: web
                    replicas: 3
                    behaviour: {name: limit-range, allowed: 1}
                """
        )
        driver.run(for: 5)
        let deployment = try #require(driver.cluster.get("Deployment", "web"))
        let replicaSet = try #require(driver.cluster.owned("ReplicaSet", by: deployment).first)
        #expect(driver.cluster.owned("Pod", by: replicaSet).count == 1)
        #expect(
            replicaSet.condition("ReplicaFailure")?["message"]?.stringValue?.hasSuffix(
                "is forbidden: maximum cpu usage per Container is 1, but limit is 2"
            ) == true
        )
    }

    @Test func clientScaleIsObservedAndFollowed() throws {
        var driver = try ClusterDriver(
            workloads: """
                deployments:
                  - {name: web, replicas: 2, start: rolled-out}
                """
        )
        driver.run(for: 2)
        try driver.edit("Deployment", "web") { $0.set(["spec", "replicas"], 5) }
        // The same reconcile that sees the new generation reports it observed.
        var deployment = try #require(driver.cluster.get("Deployment", "web"))
        #expect(deployment.metaGeneration == 2)
        #expect(deployment.int("status", "observedGeneration") == 2)
        driver.run(for: 5)
        deployment = try #require(driver.cluster.get("Deployment", "web"))
        #expect(deployment.int("status", "availableReplicas") == 5)
        #expect(driver.cluster.owned("ReplicaSet", by: deployment).count == 1)
        try driver.edit("Deployment", "web") { $0.set(["spec", "replicas"], 1) }
        driver.run(for: 5)
        #expect(driver.cluster.all("Pod").count == 1)
        #expect(
            driver.cluster.events(about: deployment).compactMap { $0["message"]?.stringValue }.last?.hasSuffix(
                "from 5 to 1"
            ) == true
        )
    }

    @Test func minReadySecondsDelaysAvailability() throws {
        var driver = try ClusterDriver(
            workloads: """
                deployments:
                  - {name: web, replicas: 2, minReadySeconds: 5, behaviour: healthy after 1s}
                """
        )
        driver.run(for: 4)
        var deployment = try #require(driver.cluster.get("Deployment", "web"))
        #expect(deployment.int("status", "readyReplicas") == 2)
        #expect(deployment.int("status", "availableReplicas") == nil)
        #expect(driver.cluster.all("ReplicaSet").first?.int("spec", "minReadySeconds") == 5)
        driver.run(for: 4)
        deployment = try #require(driver.cluster.get("Deployment", "web"))
        #expect(deployment.int("status", "availableReplicas") == 2)
        #expect(KubectlRolloutStatus.deployment(deployment) == .done("deployment \"web\" successfully rolled out"))
    }

    @Test func aDeletedPodIsReplaced() throws {
        var driver = try ClusterDriver(
            workloads: """
                deployments:
                  - {name: web, replicas: 2, start: rolled-out}
                """
        )
        driver.run(for: 2)
        let victim = try #require(driver.cluster.all("Pod").first)
        // kubectl delete pod: the store removes it; the ReplicaSet controller notices the count.
        driver.client(.delete(kind: "Pod", namespace: "default", name: victim.metaName))
        driver.run(for: 3)
        let pods = driver.cluster.all("Pod")
        #expect(pods.count == 2)
        let names = pods.map { $0.metaName }
        #expect(!names.contains(victim.metaName))
        #expect(pods.allSatisfy { $0.string("status", "phase") == "Running" })
        let deployment = try #require(driver.cluster.get("Deployment", "web"))
        #expect(KubectlRolloutStatus.deployment(deployment) == .done("deployment \"web\" successfully rolled out"))
    }

    @Test func clientAppliedDeploymentGetsTheDefaultAndRulesKeyOnImages() throws {
        var driver = try ClusterDriver(
            workloads: """
                default: healthy after 1s
                rules:
                  - image: "*:broken"
                    behaviour: image-pull-error
                """
        )
        let manifest: JSONValue = [
            "apiVersion": "apps/v1", "kind": "Deployment",
            "metadata": ["name": "api", "namespace": "default"],
            "spec": [
                "replicas": 2, "selector": ["matchLabels": ["app": "api"]], "progressDeadlineSeconds": 30,
                "template": [
                    "metadata": ["labels": ["app": "api"]],
                    "spec": ["containers": [["name": "api", "image": "api:1"]]],
                ],
            ],
        ]
        driver.client(.upsert(manifest))
        driver.run(for: 5)
        var deployment = try #require(driver.cluster.get("Deployment", "api"))
        #expect(KubectlRolloutStatus.deployment(deployment) == .done("deployment \"api\" successfully rolled out"))

        // kubectl set image api api=api:broken
        try driver.edit("Deployment", "api") { deployment in
            deployment.set(["spec", "template", "spec", "containers"], [["name": "api", "image": "api:broken"]])
        }
        driver.run(for: 40)
        deployment = try #require(driver.cluster.get("Deployment", "api"))
        #expect(
            KubectlRolloutStatus.deployment(deployment) == .failed("deployment \"api\" exceeded its progress deadline")
        )
        let newSet = try #require(
            driver.cluster.owned("ReplicaSet", by: deployment).first {
                $0.metaAnnotations["deployment.kubernetes.io/revision"] == "2"
            }
        )
        let pod = try #require(driver.cluster.owned("Pod", by: newSet).first)
        let reason = pod.containerStatus()?[path: ["state", "waiting", "reason"]]?.stringValue
        #expect(reason == "ImagePullBackOff" || reason == "ErrImagePull")
        // The old revision keeps serving: one old pod is never taken away (maxUnavailable 25% of 2 is 0).
        #expect(deployment.int("status", "availableReplicas") == 2)
    }

    @Test func deletingTheDeploymentCollectsItsReplicaSetsAndPods() throws {
        var driver = try ClusterDriver(
            workloads: """
                deployments:
                  - name: web
                    replicas: 2
                    start: rolled-out
                    updates:
                      - {at: 3s, delete: true}
                """
        )
        driver.run(for: 2)
        #expect(driver.cluster.all("Pod").count == 2)
        driver.run(for: 2)
        #expect(driver.cluster.get("Deployment", "web") == nil)
        #expect(driver.cluster.all("ReplicaSet").isEmpty)
        #expect(driver.cluster.all("Pod").allSatisfy { $0.isTerminating })
        driver.run(for: 5)
        #expect(driver.cluster.all("Pod").isEmpty)
    }

    @Test func objectsThatArriveWithAStatusAreLeftAlone() throws {
        let handWritten: JSONValue = [
            "apiVersion": "apps/v1", "kind": "Deployment",
            "metadata": ["name": "legacy", "namespace": "default"],
            "spec": [
                "replicas": 3, "selector": ["matchLabels": ["app": "legacy"]],
                "template": [
                    "metadata": ["labels": ["app": "legacy"]], "spec": ["containers": [["name": "a", "image": "a"]]],
                ],
            ],
            "status": ["observedGeneration": 1, "replicas": 3, "updatedReplicas": 3, "availableReplicas": 1],
        ]
        var driver = ClusterDriver(objects: [handWritten])
        let before = try #require(driver.cluster.get("Deployment", "legacy"))
        driver.run(for: 10)
        #expect(driver.cluster.get("Deployment", "legacy") == before)
        #expect(driver.cluster.all("ReplicaSet").isEmpty)
    }

    @Test func evictedPodIsReplaced() throws {
        var driver = try ClusterDriver(
            workloads: """
                deployments:
                  - name: cache
                    replicas: 2
                    behaviour: evicted after 3s
                """
        )
        driver.run(for: 10)
        let deployment = try #require(driver.cluster.get("Deployment", "cache"))
        let replicaSet = try #require(driver.cluster.owned("ReplicaSet", by: deployment).first)
        let pods = driver.cluster.owned("Pod", by: replicaSet)
        #expect(pods.count == 3)
        #expect(pods.filter { $0.string("status", "reason") == "Evicted" }.count == 1)
        #expect(pods.filter { $0.string("status", "phase") == "Running" }.count == 2)
        #expect(KubectlRolloutStatus.deployment(deployment) == .done("deployment \"cache\" successfully rolled out"))
        #expect(driver.cluster.eventReasons(about: replicaSet).filter { $0 == "SuccessfulCreate" }.count == 3)
    }

    @Test func crashLoopLeavesPreviousLogsAndBackOffEvents() throws {
        var driver = try ClusterDriver(
            workloads: """
                timeScale: 0.1
                deployments:
                  - name: crashloop-backoff
                    replicas: 1
                    behaviour: {name: crash-loop, exitCode: 2, log: "fatal: missing DATABASE_URL"}
                """
        )
        driver.run(for: 8)
        let pod = try #require(driver.cluster.all("Pod").first)
        let status = try #require(pod.containerStatus())
        #expect((status["restartCount"]?.intValue ?? 0) >= 3)
        #expect(status[path: ["lastState", "terminated", "exitCode"]] == 2)
        let log = try #require(driver.cluster.logs["default/\(pod.metaName)/app"])
        #expect(log.previous?.contains("fatal: missing DATABASE_URL") == true)
        let backOff = try #require(driver.cluster.events(about: pod).first { $0["reason"] == "BackOff" })
        #expect((backOff["count"]?.intValue ?? 0) >= 2)
        #expect(backOff["involvedObject"]?["fieldPath"] == "spec.containers{app}")
        #expect(backOff["source"]?["host"] == pod[path: ["spec", "nodeName"]])
    }
}

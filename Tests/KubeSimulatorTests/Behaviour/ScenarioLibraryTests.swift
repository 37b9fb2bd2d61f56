import Foundation
import Testing
import Yams

@testable import KubeSimulator

/// Every scenario in `examples/scenarios/` with a `workloads:` section loads and plays out as its
/// header comment says: the failure it is named for shows in the objects, or the rollout succeeds.
@Suite struct ScenarioLibraryTests {
    static let directory = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        .appendingPathComponent("examples/scenarios")

    static func driver(_ file: String) throws -> ClusterDriver {
        let path = directory.appendingPathComponent(file).path
        let text = try String(contentsOfFile: path, encoding: .utf8)
        let document = try #require(try Yams.compose(yaml: text))
        let workloads = try #require(document["workloads"], "\(file) has no workloads section")
        return ClusterDriver(model: try BehaviourModel.load(workloads: workloads, file: path))
    }

    static func waitingReasons(_ cluster: InMemoryCluster, initContainers: Bool = false) -> Set<String> {
        Set(
            cluster.all("Pod").compactMap {
                $0.containerStatus(initContainer: initContainers)?[path: ["state", "waiting", "reason"]]?.stringValue
            }
        )
    }

    static func deployment(
        _ cluster: InMemoryCluster,
        _ name: String,
        _ namespace: String = "default"
    ) throws -> JSONValue {
        try #require(cluster.get("Deployment", name, namespace: namespace))
    }

    /// Every library file with a behaviour section is covered by a case below.
    @Test func everyBehaviourScenarioHasACase() throws {
        let files = try FileManager.default.contentsOfDirectory(atPath: Self.directory.path).filter {
            $0.hasSuffix(".yaml")
        }
        for file in files {
            let text = try String(contentsOfFile: Self.directory.appendingPathComponent(file).path, encoding: .utf8)
            guard text.contains("\nworkloads:") else { continue }
            #expect(text.hasPrefix("# "), "\(file) must start with a comment saying what it shows")
            #expect(text.contains("Gate:"), "\(file) must say what the gate answers")
            #expect(
                Self.cases.contains(file) || file == "large-release.yaml",
                "\(file) has no case in ScenarioLibraryTests"
            )
        }
    }

    /// kube-sim loads every library file as it is: the whole scenario, not only its workloads.
    @Test func everyScenarioLoadsThroughTheSimulatorsLoader() throws {
        let files = try FileManager.default.contentsOfDirectory(atPath: Self.directory.path).filter {
            $0.hasSuffix(".yaml")
        }
        #expect(files.count >= 20)
        for file in files {
            let scenario = try Scenario.load(file: Self.directory.appendingPathComponent(file).path)
            #expect(!scenario.name.isEmpty, "\(file) has no name")
        }
    }

    static let cases = [
        "healthy-rolling-update.yaml", "healthy-multi-namespace.yaml", "never-ready-progress-deadline.yaml",
        "crashloop-backoff.yaml", "not-found.yaml", "invalid-config-image-pull.yaml",
        "invalid-config-missing-configmap.yaml", "invalid-config-missing-secret.yaml",
        "invalid-config-invalid-image-name.yaml", "invalid-config-create-container-error.yaml",
        "invalid-config-failed-mount.yaml", "resource-limits-quota.yaml", "resource-limits-limit-range.yaml",
        "resource-limits-oom.yaml", "process-crashing-run-container-error.yaml", "process-crashing-init-container.yaml",
        "scheduling-unschedulable.yaml", "not-progressing-paused.yaml", "timeout-slow-start.yaml",
        "healthy-transient-crash.yaml", "healthy-all-kinds.yaml", "failing-other-kinds.yaml",
    ]

    @Test func healthyRollingUpdate() throws {
        var driver = try Self.driver("healthy-rolling-update.yaml")
        driver.settle()
        #expect(
            KubectlRolloutStatus.deployment(try Self.deployment(driver.cluster, "web", "shop"))
                == .done("deployment \"web\" successfully rolled out")
        )
        driver.run(for: 20)
        let web = try Self.deployment(driver.cluster, "web", "shop")
        #expect(KubectlRolloutStatus.deployment(web) == .done("deployment \"web\" successfully rolled out"))
        #expect(web.metaAnnotations["deployment.kubernetes.io/revision"] == "2")
    }

    @Test func healthyMultiNamespace() throws {
        var driver = try Self.driver("healthy-multi-namespace.yaml")
        driver.run(for: 20)
        let deployments = driver.cluster.all("Deployment")
        #expect(deployments.count == 9)
        for deployment in deployments {
            #expect(
                KubectlRolloutStatus.deployment(deployment)
                    == .done("deployment \"\(deployment.metaName)\" successfully rolled out")
            )
        }
        #expect(driver.cluster.all("Pod").filter { $0.metaLabels["app"] == "batch-runner" }.count == 60)
    }

    @Test func neverReadyProgressDeadline() throws {
        var driver = try Self.driver("never-ready-progress-deadline.yaml")
        driver.run(for: 15)
        #expect(
            KubectlRolloutStatus.deployment(try Self.deployment(driver.cluster, "never-ready"))
                == .failed("deployment \"never-ready\" exceeded its progress deadline")
        )
    }

    @Test func crashloopBackoff() throws {
        var driver = try Self.driver("crashloop-backoff.yaml")
        driver.run(for: 15)
        let pod = try #require(driver.cluster.all("Pod").first)
        #expect(pod.metaLabels["app"] == "crashloop-backoff")
        let status = try #require(pod.containerStatus("main"))
        #expect((status["restartCount"]?.intValue ?? 0) >= 2)
        #expect(status[path: ["lastState", "terminated", "reason"]] == "Error")
        let log = try #require(driver.cluster.logs["default/\(pod.metaName)/main"])
        #expect(log.previous?.contains("panic: invalid configuration") == true)
        #expect(driver.cluster.eventReasons(about: pod).contains("BackOff"))
    }

    @Test func notFound() throws {
        var driver = try Self.driver("not-found.yaml")
        driver.run(for: 2)
        #expect(driver.cluster.get("Deployment", "cart", namespace: "shop") != nil)
        driver.run(for: 4)
        #expect(driver.cluster.get("Deployment", "cart", namespace: "shop") == nil)
        #expect(driver.cluster.all("Deployment").allSatisfy { $0.metaLabels["app"] != "checkout" })
    }

    @Test(arguments: [
        ("invalid-config-image-pull.yaml", ["ErrImagePull", "ImagePullBackOff"]),
        ("invalid-config-missing-configmap.yaml", ["CreateContainerConfigError"]),
        ("invalid-config-missing-secret.yaml", ["CreateContainerConfigError"]),
        ("invalid-config-invalid-image-name.yaml", ["InvalidImageName"]),
        ("invalid-config-create-container-error.yaml", ["CreateContainerError"]),
        ("invalid-config-failed-mount.yaml", ["ContainerCreating"]),
        ("process-crashing-run-container-error.yaml", ["RunContainerError", "CrashLoopBackOff"]),
    ])
    func podsWaitForTheNamedReason(file: String, reasons: [String]) throws {
        var driver = try Self.driver(file)
        driver.run(for: 15)
        let seen = Self.waitingReasons(driver.cluster)
        #expect(!seen.isDisjoint(with: reasons), "\(file): waiting reasons \(seen)")
        for deployment in driver.cluster.all("Deployment") {
            if case .done = KubectlRolloutStatus.deployment(deployment) {
                Issue.record("\(file): \(deployment.metaName) rolled out")
            }
        }
    }

    @Test func missingConfigMapNamesIt() throws {
        var driver = try Self.driver("invalid-config-missing-configmap.yaml")
        driver.run(for: 5)
        let pod = try #require(driver.cluster.all("Pod").first)
        #expect(pod.containerStatus()?[path: ["state", "waiting", "message"]] == "configmap \"web-config\" not found")
    }

    @Test func failedMountRecordsEvents() throws {
        var driver = try Self.driver("invalid-config-failed-mount.yaml")
        driver.run(for: 15)
        let pod = try #require(driver.cluster.all("Pod").first)
        let messages = driver.cluster.events(about: pod).compactMap { $0["message"]?.stringValue }
        #expect(messages.contains("MountVolume.SetUp failed for volume \"tls\" : secret \"tls\" not found"))
        #expect(messages.contains { $0.hasPrefix("Unable to attach or mount volumes") })
    }

    @Test(arguments: [
        ("resource-limits-quota.yaml", "report", "batch", "exceeded quota: compute-quota"),
        ("resource-limits-limit-range.yaml", "web", "default", "maximum cpu usage per Container is 1, but limit is 2"),
    ])
    func admissionRejections(file: String, name: String, namespace: String, fragment: String) throws {
        var driver = try Self.driver(file)
        driver.run(for: 10)
        let deployment = try Self.deployment(driver.cluster, name, namespace)
        #expect(deployment.condition("ReplicaFailure")?["message"]?.stringValue?.contains(fragment) == true)
    }

    @Test func oomKilled() throws {
        var driver = try Self.driver("resource-limits-oom.yaml")
        driver.recording = true
        driver.run(for: 10)
        let reasons = driver.cluster.all("Pod").compactMap {
            $0.containerStatus()?[path: ["lastState", "terminated", "reason"]]?.stringValue
        }
        #expect(reasons == ["OOMKilled", "OOMKilled"])
        // Killed while starting up: no pod is ever ready, so the rollout never completes before the
        // gate sees the OOM kills (the scenario demonstrates resource-limits-exceeded, not a pass).
        for cluster in driver.history {
            for pod in cluster.all("Pod") {
                #expect(pod.containerStatus()?["ready"]?.boolValue != true, "\(pod.metaName) became ready")
            }
            let deployment = try Self.deployment(cluster, "cache")
            #expect(
                KubectlRolloutStatus.deployment(deployment) != .done("deployment \"cache\" successfully rolled out")
            )
        }
    }

    @Test func initContainerCrashLoops() throws {
        var driver = try Self.driver("process-crashing-init-container.yaml")
        driver.run(for: 10)
        #expect(Self.waitingReasons(driver.cluster, initContainers: true) == ["CrashLoopBackOff"])
        #expect(Self.waitingReasons(driver.cluster) == ["PodInitializing"])
    }

    @Test func unschedulable() throws {
        var driver = try Self.driver("scheduling-unschedulable.yaml")
        driver.run(for: 10)
        let pods = driver.cluster.all("Pod")
        #expect(pods.count == 2)
        #expect(pods.allSatisfy { $0.condition("PodScheduled")?["reason"] == "Unschedulable" })
        #expect(pods.allSatisfy { $0.string("spec", "nodeName") == nil })
        let events = pods.flatMap { driver.cluster.events(about: $0) }
        #expect(
            events.allSatisfy {
                $0["reason"] == "FailedScheduling" && $0["lastTimestamp"] == .null && $0["eventTime"] != nil
            }
        )
    }

    @Test func pausedDeployment() throws {
        var driver = try Self.driver("not-progressing-paused.yaml")
        driver.run(for: 5)
        let web = try Self.deployment(driver.cluster, "web")
        #expect(web.condition("Progressing")?["reason"] == "DeploymentPaused")
        #expect(web[path: ["spec", "paused"]] == true)
    }

    @Test func slowStartIsStillProgressingAfterTenSeconds() throws {
        var driver = try Self.driver("timeout-slow-start.yaml")
        driver.run(for: 10)
        let search = try Self.deployment(driver.cluster, "search")
        #expect(
            KubectlRolloutStatus.deployment(search)
                == .waiting(
                    "Waiting for deployment \"search\" rollout to finish: 0 of 2 updated replicas are available..."
                )
        )
        #expect(search.condition("Progressing")?["status"] == "True")
    }

    @Test func transientCrashAndEvictionStillSucceed() throws {
        var driver = try Self.driver("healthy-transient-crash.yaml")
        driver.run(for: 15)
        for name in ["api", "cache"] {
            #expect(
                KubectlRolloutStatus.deployment(try Self.deployment(driver.cluster, name))
                    == .done("deployment \"\(name)\" successfully rolled out")
            )
        }
        let restarts = driver.cluster.all("Pod").filter { $0.metaLabels["app"] == "api" }.map {
            $0.containerStatus()?["restartCount"]?.intValue
        }
        #expect(restarts == [1, 1])
    }

    @Test func allKindsSucceed() throws {
        var driver = try Self.driver("healthy-all-kinds.yaml")
        driver.run(for: 20)
        #expect(
            KubectlRolloutStatus.deployment(try Self.deployment(driver.cluster, "web"))
                == .done("deployment \"web\" successfully rolled out")
        )
        let db = try #require(driver.cluster.get("StatefulSet", "db"))
        if case .done = KubectlRolloutStatus.statefulSet(db) {
        } else {
            Issue.record("db: \(KubectlRolloutStatus.statefulSet(db))")
        }
        let agent = try #require(driver.cluster.get("DaemonSet", "log-agent"))
        #expect(KubectlRolloutStatus.daemonSet(agent) == .done("daemon set \"log-agent\" successfully rolled out"))
        #expect(driver.cluster.get("Job", "migrate")?.condition("Complete")?["status"] == "True")
    }

    @Test func otherKindsFail() throws {
        var driver = try Self.driver("failing-other-kinds.yaml")
        driver.run(for: 20)
        let db = try #require(driver.cluster.get("StatefulSet", "db"))
        #expect(KubectlRolloutStatus.statefulSet(db) == .waiting("Waiting for 3 pods to be ready..."))
        #expect(driver.cluster.get("DaemonSet", "log-agent")?.int("status", "numberUnavailable") == 3)
        #expect(driver.cluster.get("Job", "migrate")?.condition("Failed")?["reason"] == "BackoffLimitExceeded")
    }
}

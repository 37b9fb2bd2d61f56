import Foundation
import Testing

@testable import KubeSimulator

/// `kubectl logs` as the kubelet serves it: the current log of a terminated container is the instance
/// that just died, with its last lines; `--previous` is the instance before it; during a back-off both
/// are the last crashed instance (the kubelet reads `lastState.terminated`'s container then).
@Suite struct ContainerLogTests {
    /// Every state the cluster passed through, for a one-replica crash loop.
    static func crashLoopHistory(_ behaviour: String, seconds: TimeInterval) throws -> [InMemoryCluster] {
        var driver = try ClusterDriver(
            workloads: """
                timeScale: 0.1
                deployments:
                  - name: web
                    replicas: 1
                    behaviour: \(behaviour)
                """
        )
        driver.recording = true
        driver.run(for: seconds)
        return driver.history
    }

    @Test func aTerminatedContainersCurrentLogAlreadyHoldsItsCrash() throws {
        let history = try Self.crashLoopHistory(
            #"{name: crash-loop, exitCode: 3, log: "fatal: missing DATABASE_URL"}"#,
            seconds: 8
        )
        var terminatedStates = 0
        var backOffStates = 0
        for cluster in history {
            guard let pod = cluster.all("Pod").first, let status = pod.containerStatus(),
                let log = cluster.logs["default/\(pod.metaName)/app"]
            else { continue }
            let restarts = status["restartCount"]?.intValue ?? 0
            if status[path: ["state", "terminated"]] != nil {
                terminatedStates += 1
                #expect(log.current.contains("fatal: missing DATABASE_URL"), "restart \(restarts): \(log.current)")
                if restarts > 0 {
                    #expect(log.previous?.contains("fatal: missing DATABASE_URL") == true)
                } else {
                    #expect(log.previous == nil)
                }
            } else if status[path: ["state", "waiting", "reason"]] == "CrashLoopBackOff" {
                backOffStates += 1
                #expect(log.current.contains("fatal: missing DATABASE_URL"))
                #expect(log.previous == log.current, "in a back-off both name the last crashed instance")
            } else if status[path: ["state", "running"]] != nil, restarts > 0 {
                #expect(!log.current.contains("fatal"), "the running instance has not crashed")
                #expect(log.previous?.contains("fatal: missing DATABASE_URL") == true)
            }
        }
        #expect(terminatedStates >= 2, "the history passes through terminated states")
        #expect(backOffStates >= 1, "the history passes through a back-off")
    }
}

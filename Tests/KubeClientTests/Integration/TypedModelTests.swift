import Foundation
import KubeClient
import KubeModel
import KubeSimulator
import TestSupport
import Testing

/// The model's real types (from the rules colleague) through the client, on the simulator's example
/// scenario: what the coordinator will do, minus the rules.
@Suite("Typed models against the simulator", .timeLimit(.minutes(2)))
struct TypedModelTests {
    @Test("a crash-looping pod, its warning event and its previous log, as the coordinator sees them")
    func crashedPodScenario() async throws {
        let scenario = try Scenario.load(file: RepositoryFiles.scenario("timeline-crashed-pod"))
        try await withKubeSimulator(scenario: scenario) { sim in
            let path = try sim.writeKubeconfig(.clientCertificate(.rsa), namespace: "shop")
            defer { try? FileManager.default.removeItem(atPath: path) }
            let environment = simEnvironment(kubeconfig: path)
            let configuration = try ClientConfiguration.resolve(environment: environment, transport: fastTransport)
            try await withKubeClient(configuration, environment: environment) { client in
                let deployments = try await client.list(Deployment.self, namespace: "shop")
                #expect(deployments.items.map(\.metadata.name) == ["web"])
                let replicaSets = try await client.list(ReplicaSet.self, namespace: nil)
                #expect(replicaSets.items.count == 1)

                var crashed: Pod?
                var warning: Event?
                // Leaving a loop drops the watch's iterator, which closes its stream.
                for try await update in client.watch(Pod.self, namespace: "shop") {
                    // The crash may come before or after the initial list, as an added or a modified pod.
                    if let pod = update.object,
                        case .waiting(let waiting) = pod.status.containerStatuses.first?.state,
                        waiting.reason == "CrashLoopBackOff"
                    {
                        crashed = pod
                        break
                    }
                }
                for try await update in client.watch(Event.self, namespace: "shop") {
                    if case .added(let event) = update, event.isWarning {
                        warning = event
                        break
                    }
                }
                #expect(crashed?.status.containerStatuses.first?.restartCount == 1)
                #expect(warning?.reason == "BackOff")
                #expect(warning?.involvedObject.name == crashed?.metadata.name)
                let log = try await client.logs(
                    pod: try #require(crashed?.metadata.name),
                    namespace: "shop",
                    options: LogOptions(container: "app", previous: true, tailLines: 1)
                )
                #expect(log.hasPrefix("panic: dial tcp"))
            }
            #expect(try await sim.eventually { sim.statistics.watchStreamsOpen == 0 })
        }
    }
}

import Foundation
import KubeClient
import KubeModel
import KubeSimulator
import TestSupport
import Testing

/// get, paged list and pod logs against the simulator, and the errors they map to.
@Suite("Reads against the simulator", .timeLimit(.minutes(3)))
struct ReadTests {
    static func withClient(
        _ sim: SimulatedAPIServer,
        transport: TransportOptions = fastTransport,
        _ body: (KubeClient) async throws -> Void
    ) async throws {
        let path = try sim.writeKubeconfig(.token(), namespace: "shop")
        defer { try? FileManager.default.removeItem(atPath: path) }
        let environment = simEnvironment(kubeconfig: path)
        let configuration = try ClientConfiguration.resolve(environment: environment, transport: transport)
        try await withKubeClient(configuration, environment: environment) { client in try await body(client) }
    }

    @Test("get one object; a missing one is a 404 naming it")
    func get() async throws {
        try await withKubeSimulator { sim in
            sim.putPod("web-1", namespace: "shop", phase: "Running")
            try await Self.withClient(sim) { client in
                #expect(client.defaultNamespace == "shop")
                let pod = try await client.get(SimPod.self, namespace: "shop", name: "web-1")
                #expect(pod.metadata.name == "web-1")
                #expect(pod.status?.phase == "Running")
                #expect(pod.metadata.resourceVersion?.isEmpty == false)
                let error = await #expect(throws: KubeClientError.self) {
                    try await client.get(SimPod.self, namespace: "shop", name: "gone")
                }
                #expect(error?.httpStatus == 404)
                #expect(error?.description.contains("get pods \"gone\" in namespace \"shop\"") == true)
                #expect(error?.description.contains("not found") == true)
            }
            // Every request names the tool, so an API server's audit log shows who asked.
            #expect(sim.statistics.userAgents == [TransportOptions.defaultUserAgent: sim.statistics.totalRequests])
        }
    }

    @Test("list follows continue tokens; pages, selectors and all namespaces")
    func pagedList() async throws {
        try await withKubeSimulator { sim in
            for index in 0..<23 {
                sim.putPod(
                    String(format: "pod-%02d", index),
                    namespace: "shop",
                    labels: ["tier": index < 10 ? "web" : "db"]
                )
            }
            sim.putPod("elsewhere", namespace: "other")
            try await Self.withClient(sim) { client in
                let first = try await client.listPage(SimPod.self, namespace: "shop", options: ListOptions(limit: 10))
                #expect(first.items.count == 10)
                #expect(first.metadata.continue?.isEmpty == false)

                let all = try await client.list(SimPod.self, namespace: "shop", options: ListOptions(limit: 10))
                #expect(all.items.count == 23)
                #expect(Set(all.items.map(\.metadata.name)).count == 23)
                #expect(all.metadata.resourceVersion == first.metadata.resourceVersion)
                #expect((sim.statistics.requests["list"]?["pods"] ?? 0) == 4)

                let web = try await client.list(
                    SimPod.self,
                    namespace: "shop",
                    options: ListOptions(labelSelector: "tier in (web)")
                )
                #expect(web.items.count == 10)
                let everywhere = try await client.list(SimPod.self, namespace: nil)
                #expect(everywhere.items.count == 24)
            }
        }
    }

    @Test("an expired continue token falls back to one unpaged list")
    func expiredContinue() async throws {
        try await withKubeSimulator { sim in
            for index in 0..<7 { sim.putPod("pod-\(index)", namespace: "shop") }
            try await Self.withClient(sim) { client in
                // A real expiry: the token of a page taken before the history was dropped.
                let first = try await client.listPage(SimPod.self, namespace: "shop", options: ListOptions(limit: 3))
                sim.putPod("late", namespace: "shop")
                sim.expireHistory()
                let error = await #expect(throws: KubeClientError.self) {
                    try await client.listPage(
                        SimPod.self,
                        namespace: "shop",
                        options: ListOptions(limit: 3),
                        continueToken: first.metadata.continue
                    )
                }
                #expect(error?.httpStatus == 410)

                // Through list(): the first page passes (a zero delay), the second gets 410.
                sim.inject(FaultRule(action: .delay(.zero), count: 1, verbs: ["list"], resources: ["pods"]))
                sim.failNext(1, with: 410, verbs: ["list"], resources: ["pods"])
                let listsBefore = sim.statistics.requests["list"]?["pods"] ?? 0
                let all = try await client.list(SimPod.self, namespace: "shop", options: ListOptions(limit: 3))
                #expect(all.items.count == 8)
                #expect((sim.statistics.requests["list"]?["pods"] ?? 0) - listsBefore == 3)
            }
        }
    }

    @Test("pod logs: container, previous instance, tailLines, limitBytes")
    func logs() async throws {
        try await withKubeSimulator { sim in
            sim.putPod("api-1", namespace: "shop")
            sim.simulator.cluster.apply([
                .setLog(
                    namespace: "shop",
                    pod: "api-1",
                    container: "app",
                    current: "starting\nlistening on :8080\n",
                    previous: "starting\npanic: config missing\nexit status 2\n"
                )
            ])
            try await Self.withClient(sim) { client in
                #expect(
                    try await client.logs(pod: "api-1", namespace: "shop", options: LogOptions(container: "app"))
                        .contains("listening")
                )
                let previous = try await client.logs(
                    pod: "api-1",
                    namespace: nil,
                    options: LogOptions(container: "app", previous: true, tailLines: 2)
                )
                #expect(previous == "panic: config missing\nexit status 2\n")
                let limited = try await client.logs(pod: "api-1", namespace: "shop", options: LogOptions(limitBytes: 8))
                #expect(limited == "starting")
                let error = await #expect(throws: KubeClientError.self) {
                    try await client.logs(pod: "api-1", namespace: "shop", options: LogOptions(container: "sidecar"))
                }
                #expect(error?.httpStatus == 400)
                #expect(error?.description.contains("sidecar") == true)
            }
        }
    }

    @Test("429 and 5xx on a plain request are reported, not retried behind the caller's back")
    func errorsOnRequests() async throws {
        try await withKubeSimulator { sim in
            try await Self.withClient(sim) { client in
                sim.failNext(1, with: 429, retryAfterSeconds: 7, verbs: ["list"])
                let throttled = await #expect(throws: KubeClientError.self) {
                    try await client.list(SimPod.self, namespace: "shop")
                }
                guard case .api(let failure) = try #require(throttled) else {
                    Issue.record("expected an API failure")
                    return
                }
                #expect(failure.kind == .tooManyRequests)
                #expect(failure.retryAfter == .seconds(7))
                sim.failNext(1, with: 503, verbs: ["get"])
                let unavailable = await #expect(throws: KubeClientError.self) {
                    try await client.get(SimPod.self, namespace: "shop", name: "x")
                }
                #expect(unavailable?.httpStatus == 503)
            }
        }
    }

    @Test("a request stalled past the idle limit is a timeout")
    func stalledRequest() async throws {
        try await withKubeSimulator { sim in
            var transport = fastTransport
            transport.idleTimeout = .seconds(1)
            try await Self.withClient(sim, transport: transport) { client in
                sim.inject(FaultRule(action: .stall, count: 1, verbs: ["list"]))
                let error = await #expect(throws: KubeClientError.self) {
                    try await client.list(SimPod.self, namespace: "shop")
                }
                guard case .timeout = try #require(error) else {
                    Issue.record("expected a timeout, got \(String(describing: error))")
                    return
                }
            }
        }
    }

    @Test("no error or diagnostic of any auth mode contains its secret")
    func canaries() async throws {
        try await withKubeSimulator { sim in
            let scratch = try Scratch()
            defer { scratch.remove() }
            let canary = "CANARY-\(UUID().uuidString)"
            try scratch.write("issued", canary)
            try scratch.write("token-file", canary)
            let plugin = { (mode: String) in
                """
                    exec:
                      apiVersion: client.authentication.k8s.io/v1
                      command: \(Fixtures.plugin)
                      interactiveMode: Never
                      env:
                      - {name: FAKE_MODE, value: \(mode)}
                      - {name: FAKE_API_VERSION, value: client.authentication.k8s.io/v1}
                      - {name: FAKE_TOKEN_FILE, value: \(scratch.file("issued"))}
                      - {name: CANARY_ENV, value: \(canary)}

                """
            }
            let users = [
                "    token: \(canary)\n",
                "    tokenFile: \(scratch.file("token-file"))\n",
                "    username: admin\n    password: \(canary)\n",
                plugin("token"),
                plugin("garbage"),
            ]
            for (index, user) in users.enumerated() {
                let path = try scratch.write("config-\(index)", sim.kubeconfigText(user: user))
                let recorder = DiagnosticsRecorder()
                let environment = simEnvironment(kubeconfig: path, diagnostics: recorder)
                var printed = recorder.recorded.joined(separator: "\n")
                do {
                    let configuration = try ClientConfiguration.resolve(
                        environment: environment,
                        transport: fastTransport
                    )
                    printed += SecretRedactionTests.everything(configuration)
                    try await withKubeClient(configuration, environment: environment) { client in
                        _ = try await client.list(SimPod.self, namespace: "default")
                        Issue.record("user \(index) was accepted with a wrong secret")
                    }
                } catch {
                    printed += SecretRedactionTests.everything(error)
                }
                printed += recorder.recorded.joined(separator: "\n")
                #expect(!printed.contains(canary), "user \(index) leaked its secret: \(printed)")
                #expect(!printed.isEmpty)
            }
        }
    }
}

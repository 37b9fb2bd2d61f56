import Foundation
import KubeModel
import KubeSimulator
import TestSupport
import Testing

@testable import KubeClient

/// Every way the client authenticates and trusts, against the simulator over HTTPS.
@Suite("Authentication against the simulator", .timeLimit(.minutes(3)))
struct AuthenticationTests {
    /// Lists the default namespace's pods through a kubeconfig and returns their names.
    static func listPods(_ kubeconfig: String, environment: KubeClientEnvironment? = nil) async throws -> [String] {
        let environment = environment ?? simEnvironment(kubeconfig: kubeconfig)
        let configuration = try ClientConfiguration.resolve(environment: environment, transport: fastTransport)
        return try await withKubeClient(configuration, environment: environment) { client in
            try await client.list(SimPod.self, namespace: client.defaultNamespace).items.map(\.metadata.name)
        }
    }

    @Test("client certificates with RSA and EC keys", arguments: [ClientKeyType.rsa, .ec])
    func clientCertificate(keyType: ClientKeyType) async throws {
        try await withKubeSimulator { sim in
            sim.putPod("web-1")
            let path = try sim.writeKubeconfig(.clientCertificate(keyType))
            defer { try? FileManager.default.removeItem(atPath: path) }
            #expect(try await Self.listPods(path) == ["web-1"])
        }
    }

    @Test("bearer token and basic authentication")
    func tokenAndBasic() async throws {
        try await withKubeSimulator { sim in
            sim.putPod("web-1")
            for mode in [SimulatedAPIServer.Authentication.token(), .basic] {
                let path = try sim.writeKubeconfig(mode)
                defer { try? FileManager.default.removeItem(atPath: path) }
                #expect(try await Self.listPods(path) == ["web-1"])
            }
        }
    }

    @Test("a wrong token is a 401 that names the request and never shows the token")
    func wrongToken() async throws {
        let canary = "CANARY-wrong-token-31e9"
        try await withKubeSimulator { sim in
            let path = try sim.writeKubeconfig(.token(canary))
            defer { try? FileManager.default.removeItem(atPath: path) }
            let error = await #expect(throws: KubeClientError.self) { try await Self.listPods(path) }
            #expect(error?.httpStatus == 401)
            let message = try #require(error).description
            #expect(message.contains("list pods in namespace \"default\""))
            #expect(!message.contains(canary))
        }
    }

    @Test("a 403 carries the RBAC message")
    func forbidden() async throws {
        var configuration = KubeSimulatorConfiguration()
        configuration.denyRules = [
            AccessRule(users: ["ci-bot"], verbs: [.list], resources: ["pods"], namespaces: ["default"])
        ]
        try await withKubeSimulator(configuration: configuration) { sim in
            let issued = try sim.clientCertificate(user: "ci-bot")
            let scratch = try Scratch()
            defer { scratch.remove() }
            let user = """
                    client-certificate-data: \(Data(issued.certificatePEM.utf8).base64EncodedString())
                    client-key-data: \(Data(issued.privateKeyPEM.utf8).base64EncodedString())
                """
            let path = try scratch.write("config", sim.kubeconfigText(user: user))
            let error = await #expect(throws: KubeClientError.self) { try await Self.listPods(path) }
            #expect(error?.httpStatus == 403)
            #expect(error?.description.contains("User \"ci-bot\" cannot list resource \"pods\"") == true)
        }
    }

    @Test("a token file rotated during a watch: the watch continues with the new token")
    func tokenFileRotation() async throws {
        try await withKubeSimulator { sim in
            let scratch = try Scratch()
            defer { scratch.remove() }
            try scratch.write("token", "first-token\n")
            sim.rotateTokens(to: ["first-token"])
            let path = try scratch.write("config", sim.kubeconfigText(user: "    tokenFile: token\n"))
            let environment = simEnvironment(kubeconfig: path)
            let configuration = try ClientConfiguration.resolve(environment: environment, transport: fastTransport)
            let view = PodView()
            try await withKubeClient(configuration, environment: environment) { client in
                try await withThrowingTaskGroup(of: Void.self) { group in
                    group.addTask {
                        for try await update in client.watch(SimPod.self, namespace: "default") { view.apply(update) }
                    }
                    sim.putPod("before")
                    #expect(try await sim.eventually { view.pods["before"] != nil })
                    // The kubelet rotates the projected token: the server stops accepting the old one.
                    try scratch.write("token", "second-token\n")
                    sim.rotateTokens(to: ["second-token"])
                    sim.closeAllWatchStreams()
                    sim.putPod("after")
                    #expect(try await sim.eventually { view.pods["after"] != nil })
                    group.cancelAll()
                }
            }
            // A request that read the old token just before the rotation gets one 401, re-reads the file and
            // retries; the watch itself never fails.
            #expect(view.problems.isEmpty)
        }
    }

    @Test("in-cluster: service-account files under an injected root and the pod environment")
    func inCluster() async throws {
        try await withKubeSimulator { sim in
            sim.putPod("job-1", namespace: "ci")
            let scratch = try Scratch()
            defer { scratch.remove() }
            let folder = "var/run/secrets/kubernetes.io/serviceaccount"
            try scratch.write("\(folder)/token", sim.token)
            try scratch.write("\(folder)/ca.crt", sim.caCertificatePEM)
            try scratch.write("\(folder)/namespace", "ci")
            let environment = KubeClientEnvironment(
                variables: ["KUBERNETES_SERVICE_HOST": "127.0.0.1", "KUBERNETES_SERVICE_PORT": String(sim.port)],
                homeDirectory: scratch.file("no-home"),
                inClusterRoot: scratch.path
            )
            let configuration = try ClientConfiguration.resolve(environment: environment, transport: fastTransport)
            #expect(configuration.namespace == "ci")
            let names = try await withKubeClient(configuration, environment: environment) { client in
                try await client.list(SimPod.self, namespace: client.defaultNamespace).items.map(\.metadata.name)
            }
            #expect(names == ["job-1"])
        }
    }

    @Test("tls-server-name: the URL carries the name (SNI and verification) and the connection goes to the server")
    func tlsServerName() async throws {
        var configuration = KubeSimulatorConfiguration()
        configuration.extraServerNames = ["api.internal.example"]
        try await withKubeSimulator(configuration: configuration) { sim in
            sim.putPod("web-1")
            let scratch = try Scratch()
            defer { scratch.remove() }
            let path = try scratch.write(
                "config",
                sim.kubeconfigText(
                    user: "    token: \(sim.token)\n",
                    cluster: "    tls-server-name: api.internal.example\n"
                )
            )
            let environment = simEnvironment(kubeconfig: path)
            let resolved = try ClientConfiguration.resolve(environment: environment, transport: fastTransport)
            #expect(resolved.tls.serverName == "api.internal.example")
            let names = try await withKubeClient(resolved, environment: environment) { client in
                let url = client.url(path: "/api/v1/pods", query: [("labelSelector", "app in (a,b)")])
                #expect(
                    url == "https://api.internal.example:\(sim.port)/api/v1/pods?labelSelector=app%20in%20%28a%2Cb%29"
                )
                return try await client.list(SimPod.self, namespace: "default").items.map(\.metadata.name)
            }
            // api.internal.example does not resolve: the list succeeding shows the connection went to
            // 127.0.0.1 while TLS used the name.
            #expect(names == ["web-1"])
        }
    }

    @Test(
        "tls-server-name is verified: with a certificate naming only api.internal.example, a wrong or missing name fails",
        arguments: [("api.internal.example", true), ("other.example", false), (nil, false)]
    )
    func tlsServerNameVerification(serverName: String?, succeeds: Bool) async throws {
        var configuration = KubeSimulatorConfiguration()
        configuration.extraServerNames = ["api.internal.example"]
        configuration.serverCertificateIncludesLoopbackNames = false
        try await withKubeSimulator(configuration: configuration) { sim in
            sim.putPod("web-1")
            let scratch = try Scratch()
            defer { scratch.remove() }
            let path = try scratch.write(
                "config",
                sim.kubeconfigText(
                    user: "    token: \(sim.token)\n",
                    cluster: serverName.map { "    tls-server-name: \($0)\n" } ?? ""
                )
            )
            guard succeeds else {
                let error = await #expect(throws: KubeClientError.self) { try await Self.listPods(path) }
                guard case .tlsVerification = try #require(error) else {
                    Issue.record("expected a TLS verification error, got \(String(describing: error))")
                    return
                }
                #expect(sim.statistics.totalRequests == 0, "nothing was sent to a server that failed verification")
                return
            }
            #expect(try await Self.listPods(path) == ["web-1"])
        }
    }

    @Test("insecure-skip-tls-verify connects without a CA and warns once")
    func insecure() async throws {
        try await withKubeSimulator { sim in
            sim.putPod("web-1")
            let scratch = try Scratch()
            defer { scratch.remove() }
            let path = try scratch.write(
                "config",
                sim.kubeconfigText(
                    user: "    token: \(sim.token)\n",
                    cluster: "    insecure-skip-tls-verify: true\n",
                    trust: false
                )
            )
            let recorder = DiagnosticsRecorder()
            #expect(
                try await Self.listPods(path, environment: simEnvironment(kubeconfig: path, diagnostics: recorder)) == [
                    "web-1"
                ]
            )
            #expect(recorder.recorded.count == 1)
            #expect(recorder.recorded.first?.contains("insecure-skip-tls-verify") == true)
        }
    }

    @Test("a CA that did not sign the server's certificate is a TLS verification error, never accepted")
    func wrongCA() async throws {
        try await withKubeSimulator { sim in
            let scratch = try Scratch()
            defer { scratch.remove() }
            let path = try scratch.write(
                "config",
                sim.kubeconfigText(user: "    token: \(sim.token)\n", caPEM: try Fixtures.text("pki/other-ca.crt"))
            )
            let error = await #expect(throws: KubeClientError.self) { try await Self.listPods(path) }
            guard case .tlsVerification = try #require(error) else {
                Issue.record("expected a TLS verification error, got \(String(describing: error))")
                return
            }
            #expect(sim.statistics.totalRequests == 0, "no request was sent to the untrusted server")
        }
    }

    @Test("a refused connection surfaces at once as unreachable")
    func refused() async throws {
        let scratch = try Scratch()
        defer { scratch.remove() }
        let path = try scratch.write(
            "config",
            """
            clusters: [{name: c, cluster: {server: "https://127.0.0.1:1", insecure-skip-tls-verify: true}}]
            contexts: [{name: x, context: {cluster: c}}]
            current-context: x
            """
        )
        let error = await #expect(throws: KubeClientError.self) { try await Self.listPods(path) }
        guard case .unreachable = try #require(error) else {
            Issue.record("expected unreachable, got \(String(describing: error))")
            return
        }
    }
}

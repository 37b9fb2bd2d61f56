import Foundation
import KubeClient
import KubeSimulator
import TestSupport
import Testing

/// Exec credential plugins (the fixture script, run for real) authenticating against the simulator.
@Suite("Exec plugins against the simulator", .timeLimit(.minutes(3)))
struct ExecPluginIntegrationTests {
    static func kubeconfig(
        _ sim: SimulatedAPIServer,
        scratch: Scratch,
        api: ExecCredentialAPI = .v1,
        env: [String: String],
        command: String = Fixtures.plugin
    ) throws -> String {
        var user = """
                exec:
                  apiVersion: \(api.rawValue)
                  command: \(command)
                  interactiveMode: Never
                  installHint: "get it from https://example.invalid/fake-plugin"
                  env:

            """
        for (name, value) in env.sorted(by: { $0.key < $1.key }) {
            user += "          - {name: \(name), value: \"\(value)\"}\n"
        }
        return try scratch.write("config", sim.kubeconfigText(user: user))
    }

    static func tokenEnv(_ scratch: Scratch, api: ExecCredentialAPI = .v1, expiry: String? = nil) -> [String: String] {
        var env = [
            "FAKE_MODE": "token", "FAKE_API_VERSION": api.rawValue, "FAKE_TOKEN_FILE": scratch.file("issued"),
            "FAKE_LOG": scratch.file("runs.log"),
        ]
        if let expiry { env["FAKE_EXPIRY"] = expiry }
        return env
    }

    static func list(_ path: String, now: @escaping @Sendable () -> Date = { Date() }) async throws -> [String] {
        try await AuthenticationTests.listPods(path, environment: simEnvironment(kubeconfig: path, now: now))
    }

    @Test("token output, v1 and v1beta1", arguments: ExecCredentialAPI.allCases)
    func token(api: ExecCredentialAPI) async throws {
        try await withKubeSimulator { sim in
            sim.putPod("web-1")
            let scratch = try Scratch()
            defer { scratch.remove() }
            try scratch.write("issued", sim.token)
            let path = try Self.kubeconfig(sim, scratch: scratch, api: api, env: Self.tokenEnv(scratch, api: api))
            #expect(try await Self.list(path) == ["web-1"])
        }
    }

    @Test("client certificate output, RSA and EC", arguments: [ClientKeyType.rsa, .ec])
    func certificate(keyType: ClientKeyType) async throws {
        try await withKubeSimulator { sim in
            sim.putPod("web-1")
            let scratch = try Scratch()
            defer { scratch.remove() }
            let issued = keyType == .rsa ? try sim.rsaClientCertificate : sim.ecClientCertificate
            let env = [
                "FAKE_MODE": "cert", "FAKE_API_VERSION": ExecCredentialAPI.v1beta1.rawValue,
                "FAKE_CERT_FILE": try scratch.write("cert.pem", issued.certificatePEM),
                "FAKE_KEY_FILE": try scratch.write("key.pem", issued.privateKeyPEM),
            ]
            let path = try Self.kubeconfig(sim, scratch: scratch, api: .v1beta1, env: env)
            #expect(try await Self.list(path) == ["web-1"])
        }
    }

    @Test("an expired credential is fetched again before the next request")
    func expiryRefresh() async throws {
        try await withKubeSimulator { sim in
            sim.putPod("web-1")
            let scratch = try Scratch()
            defer { scratch.remove() }
            try scratch.write("issued", "token-one")
            sim.rotateTokens(to: ["token-one"])
            let clock = TestWallClock()
            let path = try Self.kubeconfig(
                sim,
                scratch: scratch,
                env: Self.tokenEnv(scratch, expiry: "2027-01-15T08:10:00Z")
            )
            let environment = simEnvironment(kubeconfig: path, now: clock.now)
            let configuration = try ClientConfiguration.resolve(environment: environment, transport: fastTransport)
            try await withKubeClient(configuration, environment: environment) { client in
                _ = try await client.list(SimPod.self, namespace: "default")
                _ = try await client.list(SimPod.self, namespace: "default")
                #expect(ExecCredentialTests.runs(scratch) == 1)
                try scratch.write("issued", "token-two")
                sim.rotateTokens(to: ["token-two"])
                clock.advance(11 * 60)
                _ = try await client.list(SimPod.self, namespace: "default")
                #expect(ExecCredentialTests.runs(scratch) == 2)
            }
            #expect(sim.statistics.unauthorized == 0, "the refresh happened before the server had to refuse")
        }
    }

    @Test("a 401 runs the plugin once more and retries")
    func unauthorizedRefresh() async throws {
        try await withKubeSimulator { sim in
            sim.putPod("web-1")
            let scratch = try Scratch()
            defer { scratch.remove() }
            // The first run issues a token the server no longer accepts; the second a valid one.
            try scratch.write("issued", "revoked-token\n\(sim.token)\n")
            let path = try Self.kubeconfig(sim, scratch: scratch, env: Self.tokenEnv(scratch))
            #expect(try await Self.list(path) == ["web-1"])
            #expect(ExecCredentialTests.runs(scratch) == 2)
            #expect(sim.statistics.unauthorized == 1)
        }
    }

    @Test("a plugin that keeps issuing rejected tokens ends in one 401, not a loop")
    func persistentUnauthorized() async throws {
        try await withKubeSimulator { sim in
            let scratch = try Scratch()
            defer { scratch.remove() }
            try scratch.write("issued", "revoked-token")
            let path = try Self.kubeconfig(sim, scratch: scratch, env: Self.tokenEnv(scratch))
            let error = await #expect(throws: KubeClientError.self) { try await Self.list(path) }
            #expect(error?.httpStatus == 401)
            #expect(ExecCredentialTests.runs(scratch) == 2)
            #expect(error?.description.contains("revoked-token") == false)
        }
    }

    @Test("a missing plugin names its installHint; a failing one its stderr")
    func failures() async throws {
        try await withKubeSimulator { sim in
            let scratch = try Scratch()
            defer { scratch.remove() }
            let missing = try Self.kubeconfig(sim, scratch: scratch, env: [:], command: "no-such-credential-plugin")
            let notFound = await #expect(throws: KubeClientError.self) { try await Self.list(missing) }
            #expect(notFound?.description.contains("https://example.invalid/fake-plugin") == true)

            var env = Self.tokenEnv(scratch)
            env["FAKE_MODE"] = "fail"
            let failing = try Self.kubeconfig(sim, scratch: scratch, env: env)
            let failed = await #expect(throws: KubeClientError.self) { try await Self.list(failing) }
            #expect(failed?.description.contains("refresh token expired") == true)
            #expect(sim.statistics.totalRequests == 0)
        }
    }
}

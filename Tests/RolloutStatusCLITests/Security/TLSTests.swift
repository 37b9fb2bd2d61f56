import Foundation
import KubeSimulator
import RolloutReport
import RolloutRules
import RolloutStatusCLI
import TestSupport
import Testing

/// The gate verifies the API server's certificate unless the kubeconfig says not to (and then warns),
/// and never speaks a TLS version older than 1.2.
@Suite("TLS", .timeLimit(.minutes(3)))
struct TLSTests {
    static let arguments = ["-l", "app=web", "--timeout", "60s"]

    static var scenario: Scenario {
        get throws { try SecurityScenarios.crashLoop(log: "panic\n", eventMessage: "Back-off") }
    }

    @Test("no CA in the kubeconfig: the system's roots do not trust the server, so the gate refuses it (exit 3)")
    func verificationIsOnByDefault() async throws {
        let run = try await GateUnderFaults.run(
            Self.arguments,
            scenario: try Self.scenario,
            kubeconfigText: { sim in
                """
                apiVersion: v1
                current-context: gate
                clusters: [{name: sim, cluster: {server: "\(sim.url)"}}]
                contexts: [{name: gate, context: {cluster: sim, user: gate, namespace: shop}}]
                users: [{name: gate, user: {token: sim-token}}]
                """
            }
        )
        #expect(run.program.exitCode == .configuration, "\(run.program.stderr)")
        let error = try #require(try run.program.report().error)
        #expect(error.code == .program(.kubeconfig))
        #expect(error.message.contains("TLS verification of \(run.serverURL) failed"), "\(error.message)")
        #expect(run.statistics.totalRequests == 0, "not one request reached the unverified server")
        #expect(run.program.stderr.contains { $0.hasPrefix("rollout-status: kubeconfig: TLS verification") })
    }

    @Test("a CA that did not sign the server's certificate is refused the same way")
    func wrongCAIsRefused() async throws {
        let other = try SimulatorPKI()
        let run = try await GateUnderFaults.run(
            Self.arguments,
            scenario: try Self.scenario,
            kubeconfigText: { sim in
                """
                apiVersion: v1
                current-context: gate
                clusters:
                - name: sim
                  cluster:
                    server: "\(sim.url)"
                    certificate-authority-data: \(Data(other.caCertificatePEM.utf8).base64EncodedString())
                contexts: [{name: gate, context: {cluster: sim, user: gate, namespace: shop}}]
                users: [{name: gate, user: {token: sim-token}}]
                """
            }
        )
        #expect(run.program.exitCode == .configuration)
        #expect(try run.program.report().error?.message.contains("TLS verification") == true)
        #expect(run.statistics.totalRequests == 0)
    }

    @Test("insecure-skip-tls-verify: the gate connects, and says on stderr that the connection is not verified")
    func insecureSkipVerifyWarns() async throws {
        let run = try await GateUnderFaults.run(
            Self.arguments,
            scenario: try Self.scenario,
            kubeconfigText: { sim in
                SecurityScenarios.kubeconfig(sim.simulator, user: "token: sim-token", insecure: true)
            }
        )
        #expect(run.program.exitCode == .rolloutFailed, "the release was judged: \(run.program.stderr)")
        let warnings = run.program.stderr.filter { $0.contains("insecure-skip-tls-verify") }
        #expect(warnings.count == 1, "\(run.program.stderr)")
        #expect(warnings.first?.contains("not checked") == true)
    }

    @Test("a server that speaks only TLS 1.0 and 1.1 is refused before any request")
    func tls11ServerIsRefused() async throws {
        var configuration = KubeSimulatorConfiguration()
        configuration.maximumTLSVersion = .tls1_1
        let run = try await GateUnderFaults.run(
            Self.arguments,
            scenario: try Self.scenario,
            configuration: configuration,
            authentication: .token()
        )
        #expect(run.program.exitCode == .configuration, "\(run.program.stderr)")
        let message = try #require(try run.program.report().error?.message)
        #expect(message.contains("TLS handshake"), "\(message)")
        #expect(message.contains("PROTOCOL_VERSION"), "refused for its version: \(message)")
        #expect(run.statistics.totalRequests == 0)
    }

    @Test("a server that speaks only TLS 1.2 is accepted: 1.2 is the floor, not 1.3")
    func tls12ServerIsAccepted() async throws {
        var configuration = KubeSimulatorConfiguration()
        configuration.maximumTLSVersion = .tls1_2
        let run = try await GateUnderFaults.run(
            Self.arguments,
            scenario: try Self.scenario,
            configuration: configuration
        )
        #expect(run.program.exitCode == .rolloutFailed, "\(run.program.stderr)")
    }
}

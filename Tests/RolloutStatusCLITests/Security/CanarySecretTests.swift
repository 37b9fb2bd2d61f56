import Foundation
import KubeSimulator
import RolloutReport
import TestSupport
import Testing

/// Every way the gate authenticates, with canary secrets that no output may contain.
///
/// The built binary runs with `--verbose`, a report file and a JUnit file, against a release that fails (so errors, logs and events are printed), once
/// with credentials the server accepts and once with credentials it refuses. No output may contain a
/// token, a password, a private key, a client certificate or an exec plugin's output.
@Suite("Canary secrets in every auth mode", .timeLimit(.minutes(5)))
struct CanarySecretTests {
    enum Mode: String, CaseIterable, Sendable {
        case token, tokenFile, basic, clientKey, execPlugin
    }

    struct Setup {
        var user: String
        var canaries: [String]
        var configure: (inout KubeSimulatorConfiguration) -> Void = { _ in }
    }

    static let token = "CANARY-token-4f1c9e0b"
    static let fileToken = "CANARY-tokenfile-8d2a61"
    static let password = "CANARY-password-77b0c3"
    static let execToken = "CANARY-exec-token-3b5d90"
    static let execEnv = "CANARY-exec-env-1a9f44"

    /// The user entry, the canaries, and the server settings for one mode; `accepted` picks whether the
    /// server knows the secret.
    static func setup(_ mode: Mode, accepted: Bool, directory: URL, pki: SimulatorPKI?) throws -> Setup {
        func accept(_ token: String) -> (inout KubeSimulatorConfiguration) -> Void {
            { configuration in
                if accepted { configuration.tokens[token] = KubeSimulatorConfiguration.adminIdentity }
            }
        }
        switch mode {
        case .token:
            return Setup(user: "token: \(token)", canaries: [token], configure: accept(token))
        case .tokenFile:
            try Data("\(fileToken)\n".utf8).write(to: directory.appendingPathComponent("token"))
            return Setup(user: "tokenFile: token", canaries: [fileToken], configure: accept(fileToken))
        case .basic:
            let header = Data("gate-user:\(password)".utf8).base64EncodedString()
            return Setup(
                user: "username: gate-user\npassword: \(password)",
                canaries: [password, header],
                configure: { configuration in
                    if accepted {
                        configuration.basicUsers["gate-user"] = BasicUser(
                            password: password,
                            identity: KubeSimulatorConfiguration.adminIdentity
                        )
                    }
                }
            )
        case .clientKey:
            // A certificate from another CA is refused (401), as kube-apiserver refuses it.
            guard let pki else { return Setup(user: "", canaries: []) }
            let issuer = accepted ? pki : try SimulatorPKI()
            let issued = try issuer.issueClientCertificate(
                user: "gate",
                groups: ["system:masters"],
                keyType: .rsa
            )
            let keyLines = issued.privateKeyPEM.split(separator: "\n")
            let certificateLines = issued.certificatePEM.split(separator: "\n")
            let keyData = Data(issued.privateKeyPEM.utf8).base64EncodedString()
            let certificateData = Data(issued.certificatePEM.utf8).base64EncodedString()
            return Setup(
                user: "client-certificate-data: \(certificateData)\nclient-key-data: \(keyData)",
                canaries: [
                    String(keyLines[keyLines.count / 2]), String(certificateLines[certificateLines.count / 2]),
                    String(keyData.dropFirst(200).prefix(48)), String(certificateData.dropFirst(200).prefix(48)),
                ]
            )
        case .execPlugin:
            let output = """
                {"apiVersion": "client.authentication.k8s.io/v1", "kind": "ExecCredential", \
                "status": {"token": "\(execToken)", "expirationTimestamp": "2099-01-01T00:00:00Z"}}
                """
            try BadInputFixtures.script(
                "#!/bin/sh\necho '\(output)'\n",
                at: directory.appendingPathComponent("plugin")
            )
            return Setup(
                user: """
                    exec:
                      apiVersion: client.authentication.k8s.io/v1
                      command: ./plugin
                      interactiveMode: Never
                      env: [{name: PLUGIN_SECRET, value: \(execEnv)}]
                    """,
                canaries: [execToken, execEnv, output],
                configure: accept(execToken)
            )
        }
    }

    @Test(arguments: Mode.allCases, [true, false])
    func noSecretInAnyOutput(mode: Mode, accepted: Bool) async throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("canary-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        var configuration = KubeSimulatorConfiguration()
        configuration.tokens = [:]
        configuration.basicUsers = [:]
        // Tokens and passwords are known before the simulator starts; a client certificate it accepts can
        // only be issued by its own CA, once it runs, so the PKI is passed in there.
        try Self.setup(mode, accepted: accepted, directory: directory, pki: nil).configure(&configuration)
        let scenario = try SecurityScenarios.crashLoop(
            log: "starting web 2.0.0\npanic: missing STRIPE_KEY\n",
            eventMessage: "Back-off restarting failed container app in pod web-7c9d8b6f5-k2x9q_shop"
        )
        try await withKubeSimulator(scenario: scenario, configuration: configuration) { sim in
            let setup = try Self.setup(mode, accepted: accepted, directory: directory, pki: sim.simulator.pki)
            let kubeconfig = directory.appendingPathComponent("kubeconfig")
            try Data(SecurityScenarios.kubeconfig(sim.simulator, user: setup.user).utf8).write(to: kubeconfig)
            let reportFile = directory.appendingPathComponent("report.json")
            let junitFile = directory.appendingPathComponent("junit.xml")
            let result = try await GateProcess.run(
                [
                    "-l", "app=web", "--verbose", "--timeout", "60s", "--kubeconfig", kubeconfig.path,
                    "--report-file", reportFile.path, "--junit", junitFile.path,
                ],
                environment: ["PATH": "/usr/bin:/bin", "HOME": directory.path],
                workingDirectory: directory
            )
            if accepted {
                #expect(result.status == 1, "the release's crash, seen: \(result.stderr)")
            } else {
                #expect(result.status == 4, "refused credentials: \(result.stderr)")
                #expect(result.stderr.contains("rollout-status: unauthorized: "))
            }
            let outputs = [
                ("stdout", result.stdoutText), ("stderr", result.stderr),
                ("report file", (try? String(contentsOf: reportFile, encoding: .utf8)) ?? ""),
                ("JUnit file", (try? String(contentsOf: junitFile, encoding: .utf8)) ?? ""),
            ]
            #expect(outputs.allSatisfy { !$0.1.isEmpty }, "every output was written")
            for (name, text) in outputs {
                for canary in setup.canaries {
                    #expect(!text.contains(canary), "\(mode) leaked \(canary.prefix(24))… on \(name)")
                }
            }
        }
    }
}

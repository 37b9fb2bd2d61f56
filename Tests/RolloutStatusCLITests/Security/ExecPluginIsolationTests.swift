import Foundation
import KubeSimulator
import TestSupport
import Testing

/// The exec credential plugin as the built binary starts it: without a shell (arguments full of shell
/// syntax arrive verbatim and nothing they spell is run), with exactly the environment kubectl gives a
/// plugin (the gate's own, the kubeconfig's `env`, and `KUBERNETES_EXEC_INFO`), and with standard input
/// closed (`interactiveMode: Never`), so a manifest piped to `-f -` never reaches it.
@Suite("Exec plugin isolation", .timeLimit(.minutes(2)))
struct ExecPluginIsolationTests {
    static let arguments = ["$(touch PWNED)", "`touch PWNED2`", "a b", "; touch PWNED3", "|", "*", "$HOME", "'\""]

    @Test("no shell, kubectl's environment, no standard input")
    func isolation() async throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("exec-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        let record = directory.appendingPathComponent("record")
        // The plugin records its arguments (one per line, NUL-free), its environment and its stdin, then
        // answers with a token. /usr/bin/env and printf are not a shell interpreting the arguments.
        try BadInputFixtures.script(
            """
            #!/bin/sh
            for argument in "$@"; do printf 'arg:%s\\n' "$argument"; done > "\(record.path)"
            env | sort | sed 's/^/env:/' >> "\(record.path)"
            printf 'stdin:%s\\n' "$(readlink /proc/self/fd/0)" >> "\(record.path)"
            printf 'stdin-bytes:%s\\n' "$(head -c 64 | wc -c)" >> "\(record.path)"
            echo '{"apiVersion": "client.authentication.k8s.io/v1", "kind": "ExecCredential", "status": {"token": "exec-token"}}'
            """,
            at: directory.appendingPathComponent("plugin")
        )
        let yamlArguments = Self.arguments.map { SecurityScenarios.quoted($0) }.joined(separator: ", ")
        var configuration = KubeSimulatorConfiguration()
        configuration.tokens["exec-token"] = KubeSimulatorConfiguration.adminIdentity
        let manifest = "apiVersion: apps/v1\nkind: Deployment\nmetadata: {name: web, namespace: shop}\n"
        let result = try await withKubeSimulator(
            scenario: try SecurityScenarios.crashLoop(log: "panic\n", eventMessage: "Back-off"),
            configuration: configuration
        ) { sim in
            let kubeconfig = directory.appendingPathComponent("kubeconfig")
            let user = """
                exec:
                  apiVersion: client.authentication.k8s.io/v1
                  command: ./plugin
                  args: [\(yamlArguments)]
                  env: [{name: FROM_KUBECONFIG, value: "one two"}]
                  interactiveMode: Never
                  provideClusterInfo: true
                """
            try Data(SecurityScenarios.kubeconfig(sim.simulator, user: user).utf8).write(to: kubeconfig)
            return try await GateProcess.run(
                ["-f", "-", "--timeout", "60s", "--kubeconfig", kubeconfig.path],
                environment: [
                    "PATH": "/usr/bin:/bin", "HOME": directory.path, "FROM_PARENT": "inherited",
                    "LANG": "C.UTF-8",
                ],
                stdin: Data(manifest.utf8),
                workingDirectory: directory
            )
        }
        #expect(result.status == 1, "the plugin's token was used and the release judged: \(result.stderr)")
        let lines = try String(contentsOf: record, encoding: .utf8).split(separator: "\n").map(String.init)
        #expect(lines.filter { $0.hasPrefix("arg:") } == Self.arguments.map { "arg:\($0)" })
        for marker in ["PWNED", "PWNED2", "PWNED3"] {
            #expect(!FileManager.default.fileExists(atPath: directory.appendingPathComponent(marker).path))
        }
        let environment = Dictionary(
            lines.filter { $0.hasPrefix("env:") }.compactMap { line -> (String, String)? in
                let pair = line.dropFirst(4).split(separator: "=", maxSplits: 1).map(String.init)
                guard let name = pair.first else { return nil }
                return (name, pair.count > 1 ? pair[1] : "")
            },
            uniquingKeysWith: { first, _ in first }
        )
        // What kubectl gives: the caller's environment, the kubeconfig's env, KUBERNETES_EXEC_INFO. The
        // shell running the script adds PWD, SHLVL and `_`, which are its own.
        let ownOfTheShell: Set<String> = ["PWD", "SHLVL", "_", "OLDPWD"]
        #expect(
            Set(environment.keys).subtracting(ownOfTheShell)
                == ["PATH", "HOME", "FROM_PARENT", "LANG", "FROM_KUBECONFIG", "KUBERNETES_EXEC_INFO"]
        )
        #expect(environment["FROM_KUBECONFIG"] == "one two")
        #expect(environment["FROM_PARENT"] == "inherited")
        let info = try #require(environment["KUBERNETES_EXEC_INFO"])
        let object = try #require(try JSONSerialization.jsonObject(with: Data(info.utf8)) as? [String: Any])
        #expect(object["apiVersion"] as? String == "client.authentication.k8s.io/v1")
        #expect(object["kind"] as? String == "ExecCredential")
        let spec = try #require(object["spec"] as? [String: Any])
        #expect(spec["interactive"] as? Bool == false)
        #expect((spec["cluster"] as? [String: Any])?["server"] as? String != nil, "provideClusterInfo")
        #expect(lines.contains("stdin:/dev/null"), "\(lines.filter { $0.hasPrefix("stdin") })")
        #expect(lines.contains("stdin-bytes:0"))
    }
}

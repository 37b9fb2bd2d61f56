import Foundation
import KubeClient
import TestSupport
import Testing

/// The kubeconfig loader on mutated and random kubeconfigs (seeded): it never crashes or hangs, every
/// failure is a `KubeClientError` printed as one line, and a secret whose line survived the mutation is
/// never quoted in the error.
@Suite("Kubeconfig fuzzing", .timeLimit(.minutes(3)))
struct KubeconfigFuzzTests {
    static let token = "CANARY-fuzz-token-71aa"
    static let password = "CANARY-fuzz-password-0d3e"

    static func seeds() throws -> [String] {
        let ca = try Fixtures.base64("pki/ca.crt")
        let certificate = try Fixtures.base64("pki/client-ec.crt")
        let key = try Fixtures.base64("pki/client-ec.sec1.key")
        return [
            """
            apiVersion: v1
            kind: Config
            current-context: token
            clusters:
            - name: c
              cluster:
                server: https://127.0.0.1:6443
                certificate-authority-data: \(ca)
                tls-server-name: kubernetes
            contexts:
            - name: token
              context: {cluster: c, user: token, namespace: shop}
            - name: basic
              context: {cluster: c, user: basic}
            users:
            - name: token
              user:
                token: \(token)
            - name: basic
              user:
                username: admin
                password: \(password)
            """,
            """
            current-context: cert
            clusters: [{name: c, cluster: {server: "https://10.0.0.1", insecure-skip-tls-verify: true, proxy-url: "http://proxy:3128"}}]
            contexts: [{name: cert, context: {cluster: c, user: cert}}]
            users:
            - name: cert
              user: {client-certificate-data: \(certificate), client-key-data: \(key)}
            """,
            """
            apiVersion: v1
            kind: Config
            current-context: exec
            clusters:
            - {name: c, cluster: {server: "https://h:6443", certificate-authority: ca.crt}}
            contexts:
            - {name: exec, context: {cluster: c, user: exec}}
            users:
            - name: exec
              user:
                exec:
                  apiVersion: client.authentication.k8s.io/v1
                  command: /usr/local/bin/plugin
                  args: [get-token, --cluster, "x"]
                  env: [{name: A, value: b}]
                  interactiveMode: Never
                  provideClusterInfo: true
                  installHint: install it
            """,
            "{\"apiVersion\":\"v1\",\"clusters\":[{\"name\":\"c\",\"cluster\":{\"server\":\"https://h\"}}],"
                + "\"contexts\":[{\"name\":\"x\",\"context\":{\"cluster\":\"c\",\"user\":\"u\"}}],"
                + "\"current-context\":\"x\",\"users\":[{\"name\":\"u\",\"user\":{\"tokenFile\":\"/t\"}}]}",
        ]
    }

    static let mutator = InputMutator(dictionary: [
        ":", ": ", "\n", "\n  ", "- ", "[", "]", "{", "}", "\"", "'", "&a ", "*a", "!!binary ", "---\n", "null", "~",
        "true", "0x10", "server", "user", "cluster", "context", "current-context", "token", "exec", "command",
        "client-key-data", "certificate-authority-data", "https://", "http://", "\t", "#", "|", ">", "%",
    ])

    /// Resolves `bytes` as the only kubeconfig; checks the properties of the outcome.
    static func check(_ bytes: [UInt8]) {
        let files = InMemoryFileSystem()
        files.write("/k", data: Data(bytes))
        files.write("/ca.crt", (try? Fixtures.text("pki/ca.crt")) ?? "")
        files.write("/t", "token-from-file")
        let environment = KubeClientEnvironment.test(variables: ["KUBECONFIG": "/k"], files: files)
        do {
            _ = try ClientConfiguration.resolve(environment: environment)
        } catch {
            let message = error.description
            #expect(!message.isEmpty)
            #expect(!message.contains("\n"), "not one line: \(message)")
            let text = String(decoding: bytes, as: UTF8.self)
            for (line, secret) in [("token: \(token)", token), ("password: \(password)", password)] {
                let intact = text.components(separatedBy: secret).count == 2 && text.contains(line)
                if intact { #expect(!message.contains(secret), "\(secret) quoted in: \(message)") }
            }
        }
    }

    @Test("mutants of valid kubeconfigs", arguments: 0..<6)
    func mutants(round: UInt64) throws {
        var random = SeededGenerator(seed: 0xC0F1_0000 &+ round)
        let seeds = try Self.seeds().map { Array($0.utf8) }
        for _ in 0..<300 {
            let seed = seeds[Int.random(in: 0..<seeds.count, using: &random)]
            Self.check(Self.mutator.mutate(seed, using: &random))
        }
    }

    @Test("random bytes", arguments: 0..<2)
    func randomBytes(round: UInt64) {
        var random = SeededGenerator(seed: 0xC0F2_0000 &+ round)
        for _ in 0..<400 {
            Self.check(InputMutator.randomBytes(maximumLength: 600, using: &random))
        }
    }

    @Test("alias bombs and deep nesting end quickly with an error or a configuration")
    func bombs() {
        let laughs = InputMutator.yamlAliasBomb
        let cases = [
            laughs + "clusters: *a9\n",
            laughs
                + "users: [{name: u, user: {exec: {apiVersion: client.authentication.k8s.io/v1, command: x, args: *a9}}}]\n",
            String(repeating: "[", count: 5_000) + String(repeating: "]", count: 5_000),
            String(repeating: "{a: ", count: 2_000) + "b" + String(repeating: "}", count: 2_000),
            String(repeating: "- ", count: 3_000) + "x",
        ]
        for text in cases { Self.check(Array(text.utf8)) }
    }
}

import Foundation
import KubeClient
import Synchronization
import Testing

/// A wall clock a test moves by hand.
final class TestWallClock: Sendable {
    private let current = Mutex(Date(timeIntervalSince1970: 1_800_000_000))
    var now: @Sendable () -> Date { { [self] in current.withLock { $0 } } }
    func advance(_ seconds: TimeInterval) { current.withLock { $0 += seconds } }
}

/// A temporary folder for a test's kubeconfig, tokens and plugin logs.
struct Scratch {
    let path: String

    init() throws {
        path = (NSTemporaryDirectory() as NSString).appendingPathComponent("kubeclient-\(UUID().uuidString)")
        try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
    }

    func file(_ name: String) -> String { (path as NSString).appendingPathComponent(name) }

    @discardableResult
    func write(_ name: String, _ text: String) throws -> String {
        let target = file(name)
        try FileManager.default.createDirectory(
            atPath: (target as NSString).deletingLastPathComponent,
            withIntermediateDirectories: true
        )
        try Data(text.utf8).write(to: URL(fileURLWithPath: target))
        return target
    }

    func read(_ name: String) -> String {
        (try? String(contentsOfFile: file(name), encoding: .utf8)) ?? ""
    }

    func remove() { try? FileManager.default.removeItem(atPath: path) }
}

/// Exec credential plugins run for real (the fixture script, through Foundation's Process, no shell).
@Suite("Exec credential plugins")
struct ExecCredentialTests {
    static let canary = "CANARY-exec-token-7f3a9c"

    /// A kubeconfig whose user runs the fake plugin with the given settings.
    static func kubeconfig(
        apiVersion: String = "client.authentication.k8s.io/v1",
        command: String = Fixtures.plugin,
        env: [String: String],
        extra: String = "      interactiveMode: Never\n"
    ) -> String {
        var text = """
            apiVersion: v1
            kind: Config
            current-context: ctx
            clusters:
            - name: c
              cluster:
                server: https://127.0.0.1:6443
                insecure-skip-tls-verify: true
            contexts:
            - name: ctx
              context: {cluster: c, user: plugin-user}
            users:
            - name: plugin-user
              user:
                exec:
                  apiVersion: \(apiVersion)
                  command: \(command)
                  args: ["get-token", "--cluster", "c"]
                  installHint: "install it with: brew install fake-plugin"
                  provideClusterInfo: true

            """
        text += extra
        text += "      env:\n"
        for (name, value) in env.sorted(by: { $0.key < $1.key }) {
            text += "      - name: \(name)\n        value: \"\(value)\"\n"
        }
        return text
    }

    static func provider(
        _ scratch: Scratch,
        kubeconfig: String,
        clock: TestWallClock = TestWallClock(),
        path: String = "/usr/bin:/bin"
    ) throws -> CredentialProvider {
        let file = try scratch.write("kube/config", kubeconfig)
        let environment = KubeClientEnvironment(
            variables: ["KUBECONFIG": file, "PATH": path, "HOME": scratch.path],
            homeDirectory: scratch.path,
            now: clock.now
        )
        let configuration = try ClientConfiguration.resolve(environment: environment)
        return CredentialProvider(configuration: configuration, environment: environment)
    }

    static func tokenEnv(
        _ scratch: Scratch,
        api: String = "client.authentication.k8s.io/v1",
        expiry: String? = nil
    )
        throws -> [String: String]
    {
        try scratch.write("issued-token", canary)
        var env = [
            "FAKE_MODE": "token",
            "FAKE_API_VERSION": api,
            "FAKE_TOKEN_FILE": scratch.file("issued-token"),
            "FAKE_LOG": scratch.file("runs.log"),
            "FAKE_INFO_FILE": scratch.file("exec-info.json"),
        ]
        if let expiry { env["FAKE_EXPIRY"] = expiry }
        return env
    }

    static func runs(_ scratch: Scratch) -> Int {
        scratch.read("runs.log").split(separator: "\n").count
    }

    @Test(
        "token output, v1 and v1beta1; KUBERNETES_EXEC_INFO carries the cluster",
        arguments: ExecCredentialAPI.allCases
    )
    func tokenOutput(api: ExecCredentialAPI) async throws {
        let scratch = try Scratch()
        defer { scratch.remove() }
        let provider = try Self.provider(
            scratch,
            kubeconfig: Self.kubeconfig(apiVersion: api.rawValue, env: try Self.tokenEnv(scratch, api: api.rawValue))
        )
        let credentials = try await provider.current()
        #expect(credentials.authorization?.exposedValue == "Bearer \(Self.canary)")
        #expect(credentials.identity == nil)
        #expect(scratch.read("runs.log") == "run get-token --cluster c\n")
        let info = try JSONSerialization.jsonObject(with: Data(scratch.read("exec-info.json").utf8)) as? [String: Any]
        #expect(info?["apiVersion"] as? String == api.rawValue)
        #expect(info?["kind"] as? String == "ExecCredential")
        let spec = info?["spec"] as? [String: Any]
        #expect(spec?["interactive"] as? Bool == false)
        let cluster = spec?["cluster"] as? [String: Any]
        #expect(cluster?["server"] as? String == "https://127.0.0.1:6443")
        #expect(cluster?["insecure-skip-tls-verify"] as? Bool == true)
    }

    @Test("client certificate output becomes the TLS identity", arguments: ["pki/client-rsa", "pki/client-ec"])
    func certificateOutput(pair: String) async throws {
        let scratch = try Scratch()
        defer { scratch.remove() }
        let key = pair.hasSuffix("rsa") ? "\(pair).pkcs1.key" : "\(pair).sec1.key"
        let env = [
            "FAKE_MODE": "cert",
            "FAKE_API_VERSION": "client.authentication.k8s.io/v1",
            "FAKE_CERT_FILE": Fixtures.path("\(pair).crt"),
            "FAKE_KEY_FILE": Fixtures.path(key),
        ]
        let provider = try Self.provider(scratch, kubeconfig: Self.kubeconfig(env: env))
        let credentials = try await provider.current()
        #expect(credentials.authorization == nil)
        #expect(credentials.identity?.certificateChain.count == 1)
    }

    @Test("the credential is cached until its expirationTimestamp, then the plugin runs again")
    func expiryRefresh() async throws {
        let scratch = try Scratch()
        defer { scratch.remove() }
        let clock = TestWallClock()
        // 1_800_000_000 is 2027-01-15T08:00:00Z; the token expires ten minutes later.
        let env = try Self.tokenEnv(scratch, expiry: "2027-01-15T08:10:00Z")
        let provider = try Self.provider(scratch, kubeconfig: Self.kubeconfig(env: env), clock: clock)
        _ = try await provider.current()
        _ = try await provider.current()
        clock.advance(9 * 60)
        _ = try await provider.current()
        #expect(Self.runs(scratch) == 1)
        try scratch.write("issued-token", "second-token")
        clock.advance(61)
        let refreshed = try await provider.current()
        #expect(Self.runs(scratch) == 2)
        #expect(refreshed.authorization?.exposedValue == "Bearer second-token")
    }

    @Test("a 401 invalidates the cached credential once; the plugin runs again")
    func unauthorizedRefresh() async throws {
        let scratch = try Scratch()
        defer { scratch.remove() }
        let provider = try Self.provider(scratch, kubeconfig: Self.kubeconfig(env: try Self.tokenEnv(scratch)))
        let first = try await provider.current()
        try scratch.write("issued-token", "rotated-token")
        #expect(await provider.refreshAfterUnauthorized(first))
        let second = try await provider.current()
        #expect(second.authorization?.exposedValue == "Bearer rotated-token")
        // A stale 401 (for the first credential) does not throw away the new one.
        _ = await provider.refreshAfterUnauthorized(first)
        _ = try await provider.current()
        #expect(Self.runs(scratch) == 2)
    }

    @Test("many requests needing credentials at once run the plugin once")
    func concurrentRequestsShareOneRun() async throws {
        let scratch = try Scratch()
        defer { scratch.remove() }
        let provider = try Self.provider(scratch, kubeconfig: Self.kubeconfig(env: try Self.tokenEnv(scratch)))
        try await withThrowingTaskGroup(of: String?.self) { group in
            for _ in 0..<40 { group.addTask { try await provider.current().authorization?.exposedValue } }
            for try await value in group { #expect(value == "Bearer \(Self.canary)") }
        }
        #expect(Self.runs(scratch) == 1)
    }

    @Test("a bare command is found on PATH; a relative path resolves against the kubeconfig's folder")
    func commandLookup() async throws {
        let scratch = try Scratch()
        defer { scratch.remove() }
        let onPath = try Self.provider(
            scratch,
            kubeconfig: Self.kubeconfig(command: "fake-exec-plugin", env: try Self.tokenEnv(scratch)),
            path: "/nonexistent:\(Fixtures.path("plugins")):/usr/bin:/bin"
        )
        #expect(try await onPath.current().authorization != nil)

        let copy = scratch.file("kube/bin/plugin")
        try FileManager.default.createDirectory(atPath: scratch.file("kube/bin"), withIntermediateDirectories: true)
        try FileManager.default.copyItem(atPath: Fixtures.plugin, toPath: copy)
        let relative = try Self.provider(
            scratch,
            kubeconfig: Self.kubeconfig(command: "./bin/plugin", env: try Self.tokenEnv(scratch))
        )
        #expect(try await relative.current().authorization != nil)
    }

    struct FailureCase: Sendable, CustomTestStringConvertible {
        var name: String
        var command: String
        var mode: String
        var expected: [String]
        var testDescription: String { name }
    }

    static let failures = [
        FailureCase(
            name: "missing binary shows the installHint",
            command: "fake-plugin-that-is-not-installed",
            mode: "token",
            expected: ["fake-plugin-that-is-not-installed", "not found on PATH", "brew install fake-plugin"]
        ),
        FailureCase(
            name: "non-zero exit shows its stderr and status",
            command: Fixtures.plugin,
            mode: "fail",
            expected: ["exited with a failure", "exit status 3", "refresh token expired; run 'fake login' again"]
        ),
        FailureCase(
            name: "invalid JSON is a clear error that does not echo the output",
            command: Fixtures.plugin,
            mode: "garbage",
            expected: ["not a valid ExecCredential"]
        ),
        FailureCase(
            name: "an answer in another API version",
            command: Fixtures.plugin,
            mode: "wrong-version",
            expected: ["v1alpha1", "configured for \"client.authentication.k8s.io/v1\""]
        ),
    ]

    @Test("plugin failures", arguments: failures)
    func pluginFailures(_ failure: FailureCase) async throws {
        let scratch = try Scratch()
        defer { scratch.remove() }
        var env = try Self.tokenEnv(scratch)
        env["FAKE_MODE"] = failure.mode
        let provider = try Self.provider(scratch, kubeconfig: Self.kubeconfig(command: failure.command, env: env))
        let error = await #expect(throws: KubeClientError.self) { try await provider.current() }
        let message = try #require(error).description
        guard case .credentials = try #require(error) else {
            Issue.record("expected a credentials error: \(message)")
            return
        }
        #expect(!message.contains("\n"))
        #expect(!message.contains(Self.canary), "plugin output leaked: \(message)")
        #expect(message.contains("user \"plugin-user\""))
        for fragment in failure.expected { #expect(message.contains(fragment), "\(message) lacks \(fragment)") }
    }

    @Test("interactiveMode Always cannot be satisfied by a gate")
    func interactiveAlways() async throws {
        let scratch = try Scratch()
        defer { scratch.remove() }
        let provider = try Self.provider(
            scratch,
            kubeconfig: Self.kubeconfig(env: try Self.tokenEnv(scratch), extra: "      interactiveMode: Always\n")
        )
        let error = await #expect(throws: KubeClientError.self) { try await provider.current() }
        #expect(error?.description.contains("interactive") == true)
        #expect(Self.runs(scratch) == 0)
    }

    @Test("the plugin's environment is the injected one plus exec.env, without a shell")
    func environmentMerge() async throws {
        let runner = ScriptedProcessRunner([
            ProcessOutput(
                exitStatus: 0,
                standardOutput: Data(
                    #"{"apiVersion":"client.authentication.k8s.io/v1beta1","kind":"ExecCredential","status":{"token":"t"}}"#
                        .utf8
                ),
                standardError: Data()
            )
        ])
        let files = InMemoryFileSystem(
            [
                "/k/config": """
                clusters: [{name: c, cluster: {server: "https://h:1", insecure-skip-tls-verify: true}}]
                contexts: [{name: x, context: {cluster: c, user: u}}]
                current-context: x
                users:
                - name: u
                  user:
                    exec:
                      apiVersion: client.authentication.k8s.io/v1beta1
                      command: aws
                      args: [eks, get-token, --cluster-name, "a b; rm -rf /"]
                      env: [{name: AWS_PROFILE, value: ci}, {name: HOME, value: /override}]
                """
            ],
            executables: ["/opt/bin/aws"]
        )
        let environment = KubeClientEnvironment.test(
            variables: ["KUBECONFIG": "/k/config", "PATH": "/usr/bin:/opt/bin", "HOME": "/home/tester", "KEEP": "1"],
            files: files,
            runner: runner
        )
        let provider = CredentialProvider(
            configuration: try ClientConfiguration.resolve(environment: environment),
            environment: environment
        )
        _ = try await provider.current()
        let call = try #require(runner.invocations.first)
        #expect(call.executablePath == "/opt/bin/aws")
        #expect(call.arguments == ["eks", "get-token", "--cluster-name", "a b; rm -rf /"])
        #expect(call.environment["AWS_PROFILE"] == "ci")
        #expect(call.environment["HOME"] == "/override")
        #expect(call.environment["KEEP"] == "1")
        let info = try #require(call.environment["KUBERNETES_EXEC_INFO"])
        #expect(!info.contains("cluster"), "provideClusterInfo is off: \(info)")
    }
}

import Foundation
import KubeSimulator
import Testing

/// One bad input to the built binary and what the gate must answer: the exit code and report code the
/// documentation gives, and the words its one stderr line must contain to name the culprit.
struct BadInputCase: Sendable, CustomTestStringConvertible {
    /// A short name for the test list.
    var name: String
    /// The command line; `{dir}` stands for the case's own fixture directory.
    var arguments: [String]
    /// Variables added to (or, with an empty value, replacing) the base environment; `{dir}` is replaced.
    var environment: [String: String] = [:]
    /// Variables removed from the base environment.
    var unset: Set<String> = []
    /// Standard input.
    var stdin: Data = Data()
    /// The documented exit code.
    var exit: Int32
    /// The report's `error.code`.
    var code: String
    /// Words the stderr line must contain (case-insensitive), after `{dir}` replacement.
    var culprit: [String]
    /// Text that must appear in no output (a secret, a plugin's output).
    var mustNotAppear: [String] = []
    /// Writes the files the case needs into its directory.
    var setup: @Sendable (_ directory: URL) throws -> Void = { _ in }

    var testDescription: String { name }

    /// Exit 64, `invalid-input`: the usage errors.
    static func usage(
        _ name: String,
        _ arguments: [String],
        culprit: [String],
        stdin: Data = Data(),
        setup: @escaping @Sendable (URL) throws -> Void = { _ in }
    ) -> BadInputCase {
        BadInputCase(
            name: name,
            arguments: arguments,
            stdin: stdin,
            exit: 64,
            code: "invalid-input",
            culprit: culprit,
            setup: setup
        )
    }

    /// Exit 3, `kubeconfig`: the configuration and credential errors, with a kubeconfig written by `kubeconfig`.
    static func configuration(
        _ name: String,
        culprit: [String],
        mustNotAppear: [String] = [],
        arguments: [String] = [],
        kubeconfig: @escaping @Sendable (URL) throws -> String
    ) -> BadInputCase {
        BadInputCase(
            name: name,
            arguments: ["-l", "app=web", "-n", "shop", "--kubeconfig", "{dir}/config"] + arguments,
            exit: 3,
            code: "kubeconfig",
            culprit: culprit,
            mustNotAppear: mustNotAppear,
            setup: { directory in
                let text = try kubeconfig(directory)
                try Data(text.utf8).write(to: directory.appendingPathComponent("config"))
            }
        )
    }
}

/// Files the cases write.
enum BadInputFixtures {
    /// A kubeconfig with one context `ctx` → cluster `c` → user `u`; the server is a port nothing listens on.
    static func kubeconfig(
        cluster: String = "server: https://127.0.0.1:9",
        user: String = "token: abc",
        head: String = "current-context: ctx"
    ) -> String {
        """
        apiVersion: v1
        kind: Config
        \(head)
        clusters:
        - name: c
          cluster:
            \(cluster)
        contexts:
        - name: ctx
          context:
            cluster: c
            user: u
        users:
        - name: u
          user:
            \(user)
        """
    }

    /// A real CA certificate, base64 as kubeconfigs carry it.
    static func caData() throws -> String {
        Data(try SimulatorPKI().caCertificatePEM.utf8).base64EncodedString()
    }

    /// Writes an executable script.
    static func script(_ text: String, at url: URL) throws {
        try Data(text.utf8).write(to: url)
        try FileManager.default.setAttributes([.posixPermissions: 0o755], ofItemAtPath: url.path)
    }

    /// Writes a text file.
    static func write(_ text: String, _ directory: URL, _ name: String) throws {
        let url = directory.appendingPathComponent(name)
        try FileManager.default.createDirectory(at: url.deletingLastPathComponent(), withIntermediateDirectories: true)
        try Data(text.utf8).write(to: url)
    }

    /// A Deployment manifest.
    static let deployment = """
        apiVersion: apps/v1
        kind: Deployment
        metadata:
          name: web
          namespace: shop
        spec:
          selector: {matchLabels: {app: web}}
          template:
            metadata: {labels: {app: web}}
            spec: {containers: [{name: app, image: "registry.example.com/shop/web:1.0.0"}]}
        """
}

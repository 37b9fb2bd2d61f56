import Foundation
import KubeClient
import Testing

/// No description, dump, or error of the configuration ever shows a token, password, private key or exec-plugin output.
///
/// Each secret is a canary string that is searched for in everything printable.
@Suite("Secret redaction")
struct SecretRedactionTests {
    static let token = "CANARY-token-5b1d"
    static let password = "CANARY-password-88e2"
    static let envSecret = "CANARY-env-0c4f"

    static func everything(_ value: Any) -> String {
        var dumped = ""
        dump(value, to: &dumped)
        return "\(value)\n\(String(reflecting: value))\n\(dumped)"
    }

    static func keyCanary() throws -> String {
        // A line from the middle of the private key: the part that must never be printed.
        let lines = try Fixtures.text("pki/client-ec.sec1.key").split(separator: "\n")
        return String(lines[1])
    }

    static func kubeconfig() throws -> String {
        """
        current-context: token
        clusters:
        - name: c
          cluster: {server: "https://127.0.0.1:6443", certificate-authority-data: \(try Fixtures.base64("pki/ca.crt"))}
        contexts:
        - {name: token, context: {cluster: c, user: token}}
        - {name: basic, context: {cluster: c, user: basic}}
        - {name: cert, context: {cluster: c, user: cert}}
        - {name: exec, context: {cluster: c, user: exec}}
        users:
        - name: token
          user: {token: \(token)}
        - name: basic
          user: {username: admin, password: \(password)}
        - name: cert
          user:
            client-certificate-data: \(try Fixtures.base64("pki/client-ec.crt"))
            client-key-data: \(try Fixtures.base64("pki/client-ec.sec1.key"))
        - name: exec
          user:
            exec:
              apiVersion: client.authentication.k8s.io/v1beta1
              command: /bin/true
              env: [{name: SECRET, value: \(envSecret)}]
        """
    }

    @Test(
        "decoded kubeconfigs and resolved configurations print no secret",
        arguments: ["token", "basic", "cert", "exec"]
    )
    func configurations(context: String) throws {
        let files = InMemoryFileSystem(["/k": try Self.kubeconfig()], executables: ["/bin/true"])
        let environment = KubeClientEnvironment.test(variables: ["KUBECONFIG": "/k"], files: files)
        let merged = try KubeconfigLoader.load(overrides: .init(), environment: environment)
        let config = try ClientConfiguration.resolve(overrides: .init(context: context), environment: environment)
        let keyLine = try Self.keyCanary()
        let keyData = try Fixtures.base64("pki/client-ec.sec1.key")
        for printed in [
            Self.everything(merged.users.mapValues(\.value)), Self.everything(config), config.provenance.description,
            config.credentials.summary,
        ] {
            for canary in [Self.token, Self.password, Self.envSecret, keyLine, String(keyData.prefix(40))] {
                #expect(!printed.contains(canary), "\(canary) leaked")
            }
        }
    }

    @Test("errors about fields that hold secrets do not quote them")
    func errors() throws {
        let cases = [
            "users: [{name: u, user: {token: [\(Self.token)]}}]",
            "users: [{name: u, user: {password: {nested: \(Self.password)}}}]",
            """
            clusters: [{name: c, cluster: {server: "https://h"}}]
            contexts: [{name: x, context: {cluster: c, user: u}}]
            current-context: x
            users: [{name: u, user: {token: \(Self.token), username: a, password: \(Self.password)}}]
            """,
            """
            clusters: [{name: c, cluster: {server: "https://h"}}]
            contexts: [{name: x, context: {cluster: c, user: u}}]
            current-context: x
            users: [{name: u, user: {client-certificate-data: \(try Fixtures.base64("pki/client-rsa.crt")), client-key-data: "\(Self.password)"}}]
            """,
        ]
        for text in cases {
            let files = InMemoryFileSystem(["/k": text])
            let error = #expect(throws: KubeClientError.self) {
                try ClientConfiguration.resolve(environment: .test(variables: ["KUBECONFIG": "/k"], files: files))
            }
            let message = Self.everything(try #require(error))
            #expect(!message.contains(Self.token))
            #expect(!message.contains(Self.password))
        }
    }

    @Test("Secret never prints its value")
    func secretType() {
        let secret = Secret(Self.token)
        #expect("\(secret)" == "<redacted>")
        #expect(!Self.everything(secret).contains(Self.token))
        #expect(!Self.everything([secret]).contains(Self.token))
        #expect(!Self.everything(Optional(secret) as Any).contains(Self.token))
    }
}

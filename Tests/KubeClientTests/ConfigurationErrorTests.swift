import Foundation
import KubeClient
import Testing

/// Bad input never crashes and always ends in one line that names the culprit (file, line, entry, field).
@Suite("Configuration errors")
struct ConfigurationErrorTests {
    struct Case: Sendable, CustomTestStringConvertible {
        var name: String
        var kubeconfig: String
        var context: String?
        var expected: [String]
        var testDescription: String { name }
    }

    static func kubeconfig(cluster: String = "server: https://127.0.0.1:6443", user: String = "token: abc") -> String {
        """
        apiVersion: v1
        kind: Config
        current-context: ctx
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

    static var cases: [Case] {
        get throws {
            let notACertificate = Data(
                "-----BEGIN CERTIFICATE-----\nbm90IGEgY2VydA==\n-----END CERTIFICATE-----\n".utf8
            )
            .base64EncodedString()
            let plainText = Data("hello, I am not PEM".utf8).base64EncodedString()
            let rsaCert = try Fixtures.base64("pki/client-rsa.crt")
            let ecKey = try Fixtures.base64("pki/client-ec.sec1.key")
            return [
                Case(
                    name: "YAML syntax error names the line",
                    kubeconfig: "apiVersion: v1\nclusters:\n- name: c\n  cluster: {server: x\ncontexts: []\n",
                    expected: ["/kube/config", "YAML syntax error at line"]
                ),
                Case(
                    name: "wrong shape names the field and line",
                    kubeconfig: "apiVersion: v1\nclusters:\n- name: c\n  cluster:\n    server: [1, 2]\n",
                    expected: ["/kube/config:5", "clusters[0].cluster.server", "expected a single value"]
                ),
                Case(
                    name: "unknown context",
                    kubeconfig: kubeconfig(),
                    context: "staging",
                    expected: ["context \"staging\" is not defined", "/kube/config"]
                ),
                Case(
                    name: "unknown cluster",
                    kubeconfig: kubeconfig().replacingOccurrences(of: "cluster: c\n", with: "cluster: gone\n"),
                    expected: ["cluster \"gone\"", "context \"ctx\"", "not defined"]
                ),
                Case(
                    name: "unknown user",
                    kubeconfig: kubeconfig().replacingOccurrences(of: "user: u\n", with: "user: ghost\n"),
                    expected: ["user \"ghost\"", "not defined"]
                ),
                Case(
                    name: "server URL without scheme",
                    kubeconfig: kubeconfig(cluster: "server: 127.0.0.1:6443"),
                    expected: ["clusters[\"c\"].server", "\"127.0.0.1:6443\" is not a URL"]
                ),
                Case(
                    name: "invalid base64",
                    kubeconfig: kubeconfig(
                        cluster: "server: https://127.0.0.1:6443\n    certificate-authority-data: '%%% not base64 %%%'"
                    ),
                    expected: ["clusters[\"c\"].certificate-authority-data", "is not valid base64"]
                ),
                Case(
                    name: "a PEM block that is not a certificate",
                    kubeconfig: kubeconfig(
                        cluster: "server: https://127.0.0.1:6443\n    certificate-authority-data: \(notACertificate)"
                    ),
                    expected: ["certificate-authority-data", "not a PEM certificate"]
                ),
                Case(
                    name: "text that is not PEM at all",
                    kubeconfig: kubeconfig(
                        cluster: "server: https://127.0.0.1:6443\n    certificate-authority-data: \(plainText)"
                    ),
                    expected: ["certificate-authority-data"]
                ),
                Case(
                    name: "a key that does not match the certificate",
                    kubeconfig: kubeconfig(
                        user: "client-certificate-data: \(rsaCert)\n    client-key-data: \(ecKey)"
                    ),
                    expected: ["users[\"u\"].client-key-data", "does not match the client certificate"]
                ),
                Case(
                    name: "a key that is not a key",
                    kubeconfig: kubeconfig(
                        user: "client-certificate-data: \(rsaCert)\n    client-key-data: \(plainText)"
                    ),
                    expected: ["users[\"u\"].client-key-data", "is not a PEM private key"]
                ),
                Case(
                    name: "a certificate file that does not exist",
                    kubeconfig: kubeconfig(user: "client-certificate: certs/me.crt\n    client-key: certs/me.key"),
                    expected: ["users[\"u\"].client-certificate", "/kube/certs/me.crt does not exist"]
                ),
                Case(
                    name: "token and basic auth together",
                    kubeconfig: kubeconfig(user: "token: abc\n    username: admin\n    password: pw"),
                    expected: ["users[\"u\"]", "only one authentication method"]
                ),
                Case(
                    name: "a removed auth-provider",
                    kubeconfig: kubeconfig(user: "auth-provider:\n      name: gcp"),
                    expected: ["auth-provider \"gcp\"", "exec credential plugin"]
                ),
                Case(
                    name: "an exec plugin with an unsupported apiVersion",
                    kubeconfig: kubeconfig(
                        user: "exec:\n      apiVersion: client.authentication.k8s.io/v1alpha1\n      command: x"
                    ),
                    expected: ["exec.apiVersion", "v1alpha1"]
                ),
                Case(
                    name: "a v1 exec plugin without interactiveMode",
                    kubeconfig: kubeconfig(
                        user: "exec:\n      apiVersion: client.authentication.k8s.io/v1\n      command: x"
                    ),
                    expected: ["exec.interactiveMode", "is required"]
                ),
                Case(
                    name: "a CA together with insecure-skip-tls-verify",
                    kubeconfig: kubeconfig(
                        cluster:
                            "server: https://127.0.0.1:6443\n    insecure-skip-tls-verify: true\n    certificate-authority: ca.crt"
                    ),
                    expected: ["clusters[\"c\"]", "insecure-skip-tls-verify"]
                ),
            ]
        }
    }

    @Test("bad kubeconfig input", arguments: try cases)
    func badInput(_ testCase: Case) throws {
        let files = InMemoryFileSystem(["/kube/config": testCase.kubeconfig])
        let environment = KubeClientEnvironment.test(variables: ["KUBECONFIG": "/kube/config"], files: files)
        let error = #expect(throws: KubeClientError.self) {
            try ClientConfiguration.resolve(overrides: .init(context: testCase.context), environment: environment)
        }
        let message = try #require(error).description
        #expect(!message.contains("\n"), "one line: \(message)")
        guard case .invalidConfiguration = try #require(error) else {
            Issue.record("expected an invalid-configuration error, got \(message)")
            return
        }
        for fragment in testCase.expected {
            #expect(message.contains(fragment), "\(message) should contain \(fragment)")
        }
    }

    @Test(
        "every client key format loads",
        arguments: [
            ("pki/client-rsa.crt", "pki/client-rsa.pkcs1.key"),
            ("pki/client-rsa.crt", "pki/client-rsa.pkcs8.key"),
            ("pki/client-ec.crt", "pki/client-ec.sec1.key"),
            ("pki/client-ec.crt", "pki/client-ec.pkcs8.key"),
        ]
    )
    func keyFormats(certificate: String, key: String) throws {
        let identity = try TLSMaterial.identity(
            certificatePEM: Array(try Fixtures.text(certificate).utf8),
            keyPEM: Array(try Fixtures.text(key).utf8),
            certificateField: "cert",
            keyField: "key",
            source: "test"
        )
        #expect(identity.certificateChain.count == 1)
    }

    @Test("a CA bundle keeps every certificate")
    func bundle() throws {
        let bundle = try Fixtures.text("pki/ca.crt") + Fixtures.text("pki/other-ca.crt")
        let roots = try TLSMaterial.certificates(pem: Array(bundle.utf8), field: "ca", source: "test")
        #expect(roots.count == 2)
    }

    @Test(
        "server URLs",
        arguments: [
            ("https://10.0.0.1:6443", "https://10.0.0.1:6443"),
            ("https://api.example.com", "https://api.example.com:443"),
            ("http://localhost:8080/", "http://localhost:8080"),
            ("https://[fd00::1]:6443/k8s/clusters/c-1", "https://[fd00::1]:6443/k8s/clusters/c-1"),
        ]
    )
    func serverURLs(text: String, expected: String) throws {
        let endpoint = try #require(ServerEndpoint(url: text))
        #expect(endpoint.description == expected)
    }

    @Test(
        "not server URLs",
        arguments: ["10.0.0.1:6443", "ftp://x", "https://", "https://host:notaport", "https://:1"]
    )
    func notServerURLs(text: String) {
        #expect(ServerEndpoint(url: text) == nil)
    }
}

@Suite("Error categories")
struct ErrorCategoryTests {
    static let request = RequestDescription(verb: "list", resource: "pods", namespace: "ns", server: "https://s")

    @Test(
        "each error falls in the category a user acts on",
        arguments: [
            (
                KubeClientError.invalidConfiguration(.init(source: "f", problem: "p")),
                KubeClientError.Category.configuration
            ),
            (.credentials(.init(user: "u", problem: "p")), .credentials),
            (.tlsVerification(server: "s", detail: "d"), .credentials),
            (.tlsHandshake(server: "s", detail: "d"), .credentials),
            (.unreachable(server: "s", detail: "d"), .unavailable),
            (.timeout(request: request, detail: "d"), .unavailable),
            (.api(APIFailure(status: 401, request: request)), .unauthorized),
            (.api(APIFailure(status: 403, request: request)), .forbidden),
            (.api(APIFailure(status: 404, request: request)), .notFound),
            (.api(APIFailure(status: 429, request: request)), .unavailable),
            (.api(APIFailure(status: 503, request: request)), .unavailable),
            (.watchGaveUp(request: request, attempts: 3, lastError: "e"), .unavailable),
            (.cancelled, .cancelled),
        ]
    )
    func categories(error: KubeClientError, expected: KubeClientError.Category) {
        #expect(error.category == expected)
        #expect(!error.description.isEmpty)
        #expect(!error.description.contains("\n"))
    }
}

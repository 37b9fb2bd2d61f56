import AsyncHTTPClient
import Foundation
import KubeSimulator
import NIOHTTP1
import TestSupport
import Testing

@Suite("Live server: authentication and authorization over HTTPS")
struct LiveAuthTests {
    static let unauthorized: JSONValue = [
        "kind": "Status", "apiVersion": "v1", "metadata": [:], "status": "Failure", "message": "Unauthorized",
        "reason": "Unauthorized", "code": 401,
    ]

    @Test("a bearer token is accepted; a wrong or missing one gets kube-apiserver's 401 Status")
    func tokens() async throws {
        try await withKubeSimulator { sim async throws in
            try await LiveClient.with(sim) { client async throws in
                let ok = try await client.request(.GET, "/api/v1/namespaces", token: sim.token)
                #expect(ok.status == 200)
                #expect(ok.json["items"]?.arrayValue?.count == 4)
                let wrong = try await client.request(.GET, "/api/v1/namespaces", token: "wrong")
                #expect(wrong.status == 401)
                #expect(wrong.json == Self.unauthorized)
                let none = try await client.request(.GET, "/api/v1/namespaces")
                #expect(none.status == 401)
                #expect(sim.statistics.unauthorized == 2)
            }
        }
    }

    @Test("requests are counted per User-Agent, unauthenticated ones too; /sim/ requests are not")
    func userAgents() async throws {
        try await withKubeSimulator { sim async throws in
            try await LiveClient.with(sim) { client async throws in
                let kubectl = "kubectl/v1.37.0 (linux/amd64) kubernetes/0000000"
                _ = try await client.request(.GET, "/api/v1/namespaces", token: sim.token, userAgent: kubectl)
                _ = try await client.request(.GET, "/api/v1/pods", token: sim.token, userAgent: kubectl)
                _ = try await client.request(.GET, "/api/v1/pods", token: "wrong", userAgent: "rollout-status/0.1.0")
                _ = try await client.request(.GET, "/version", token: sim.token)
                _ = try await client.request(.GET, "/sim/stats", userAgent: "benchmark/1")
                let stats = try await client.request(.GET, "/sim/stats")
                #expect(sim.statistics.userAgents == [kubectl: 2, "rollout-status/0.1.0": 1, "(none)": 1])
                #expect(stats.json[path: ["userAgents", "rollout-status/0.1.0"]] == 1)
                #expect(stats.json[path: ["behaviour", "maxWakeLatenessSeconds"]] != nil)
            }
        }
    }

    @Test("a server certificate without the loopback names needs a name of its own")
    func certificateNames() throws {
        #expect(throws: PKIError.self) { try SimulatorPKI(includesLoopbackNames: false) }
        let pki = try SimulatorPKI(extraServerNames: ["api.internal.example"], includesLoopbackNames: false)
        #expect(pki.server.certificatePEM.hasPrefix("-----BEGIN CERTIFICATE-----"))
    }

    @Test("basic auth with the configured user and password")
    func basic() async throws {
        try await withKubeSimulator { sim async throws in
            try await LiveClient.with(sim) { client async throws in
                let credentials = try #require(sim.basicCredentials)
                let ok = try await client.request(
                    .GET,
                    "/api/v1/pods",
                    basic: (credentials.username, credentials.password)
                )
                #expect(ok.status == 200)
                let wrong = try await client.request(.GET, "/api/v1/pods", basic: (credentials.username, "nope"))
                #expect(wrong.status == 401)
            }
        }
    }

    @Test("client certificates signed by the CA authenticate, with RSA and EC keys", arguments: ClientKeyType.allCases)
    func clientCertificates(keyType: ClientKeyType) async throws {
        try await withKubeSimulator { sim async throws in
            let certificate = keyType == .rsa ? try sim.rsaClientCertificate : sim.ecClientCertificate
            #expect(certificate.privateKeyPEM.contains(keyType == .rsa ? "BEGIN RSA PRIVATE KEY" : "BEGIN PRIVATE KEY"))
            try await LiveClient.with(sim, certificate: certificate) { client async throws in
                let response = try await client.request(.GET, "/apis/apps/v1/deployments")
                #expect(response.status == 200)
            }
        }
    }

    @Test("a certificate from another CA completes TLS and then gets 401, as kube-apiserver answers")
    func foreignCertificate() async throws {
        let foreign = try SimulatorPKI().issueClientCertificate(user: "mallory", groups: ["system:masters"])
        try await withKubeSimulator { sim async throws in
            try await LiveClient.with(sim, certificate: foreign) { client async throws in
                let response = try await client.request(.GET, "/api/v1/pods")
                #expect(response.status == 401)
            }
        }
    }

    @Test("the certificate's CN is the user and its O values the groups: deny rules see them")
    func certificateIdentity() async throws {
        var configuration = KubeSimulatorConfiguration()
        configuration.denyRules = [
            AccessRule(users: ["ci"], verbs: [.list], resources: ["pods"], namespaces: ["payments"]),
            AccessRule(groups: ["interns"], verbs: [.delete]),
        ]
        try await withKubeSimulator(configuration: configuration) { sim async throws in
            let ci = try sim.clientCertificate(user: "ci", groups: ["deployers"])
            try await LiveClient.with(sim, certificate: ci) { client async throws in
                let denied = try await client.request(.GET, "/api/v1/namespaces/payments/pods")
                #expect(denied.status == 403)
                #expect(
                    denied.json["message"]
                        == "pods is forbidden: User \"ci\" cannot list resource \"pods\" in API group \"\" in the namespace \"payments\""
                )
                #expect(try await client.request(.GET, "/api/v1/namespaces/shop/pods").status == 200)
            }
            let intern = try sim.clientCertificate(user: "sam", groups: ["interns"], keyType: .rsa)
            try await LiveClient.with(sim, certificate: intern) { client async throws in
                let denied = try await client.request(.DELETE, "/api/v1/namespaces/default")
                #expect(denied.status == 403)
                #expect(
                    denied.json["message"]?.stringValue?.contains("User \"sam\" cannot delete resource \"namespaces\"")
                        == true
                )
            }
        }
    }

    @Test("rotating the tokens takes effect on the next request")
    func rotation() async throws {
        try await withKubeSimulator { sim async throws in
            try await LiveClient.with(sim) { client async throws in
                let old = sim.token
                #expect(try await client.request(.GET, "/api/v1/pods", token: old).status == 200)
                sim.rotateTokens(to: ["fresh-token"])
                #expect(try await client.request(.GET, "/api/v1/pods", token: old).status == 401)
                #expect(try await client.request(.GET, "/api/v1/pods", token: "fresh-token").status == 200)
            }
        }
    }

    @Test("with anonymous access on, a request without credentials is served as system:anonymous")
    func anonymous() async throws {
        var configuration = KubeSimulatorConfiguration()
        configuration.allowsAnonymous = true
        configuration.denyRules = [AccessRule(users: ["system:anonymous"], verbs: [.delete])]
        try await withKubeSimulator(configuration: configuration) { sim async throws in
            try await LiveClient.with(sim) { client async throws in
                #expect(try await client.request(.GET, "/api/v1/pods").status == 200)
                let denied = try await client.request(.DELETE, "/api/v1/namespaces/default")
                #expect(denied.status == 403)
                #expect(denied.json["message"]?.stringValue?.contains("User \"system:anonymous\"") == true)
                #expect(try await client.request(.GET, "/api/v1/pods", token: "wrong").status == 401)
            }
        }
    }

    @Test("plain HTTP serves token requests too")
    func plainHTTP() async throws {
        var configuration = KubeSimulatorConfiguration()
        configuration.transport = .http
        try await withKubeSimulator(configuration: configuration) { sim async throws in
            #expect(sim.url.hasPrefix("http://127.0.0.1:"))
            try await LiveClient.with(sim) { client async throws in
                #expect(try await client.request(.GET, "/version", token: sim.token).status == 200)
            }
        }
    }

    @Test("the kubeconfig writer produces a file with the server, CA and credential")
    func kubeconfig() throws {
        let document = KubeconfigDocument(
            server: "https://127.0.0.1:1234",
            certificateAuthorityPEM: "CA",
            contexts: [.init(name: "sim-token", credential: .token("t0k"), namespace: "shop")]
        )
        let yaml = document.yaml
        #expect(yaml.contains("server: \"https://127.0.0.1:1234\""))
        #expect(yaml.contains("certificate-authority-data: \(Data("CA".utf8).base64EncodedString())"))
        #expect(yaml.contains("token: \"t0k\""))
        #expect(yaml.contains("namespace: \"shop\""))
        #expect(yaml.contains("current-context: sim-token"))
    }
}

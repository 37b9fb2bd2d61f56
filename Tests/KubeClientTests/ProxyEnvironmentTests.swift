import KubeClient
import Testing

@Suite("Proxy selection")
struct ProxyEnvironmentTests {
    static let server = ServerEndpoint(scheme: "https", host: "api.prod.example.com", port: 6443)

    @Test(
        "NO_PROXY matching as Go's net/http",
        arguments: [
            ("*", true),
            ("api.prod.example.com", true),
            ("example.com", true),
            (".example.com", true),
            ("*.example.com", true),
            ("prod.example.com:6443", true),
            ("prod.example.com:443", false),
            ("other.com, example.org", false),
            ("xample.com", false),
            ("", false),
        ]
    )
    func noProxy(list: String, excluded: Bool) {
        #expect(ProxyEnvironment.excludes(list, host: Self.server.host, port: Self.server.port) == excluded)
    }

    @Test("NO_PROXY CIDR ranges match IP hosts")
    func cidr() {
        #expect(ProxyEnvironment.excludes("10.0.0.0/8", host: "10.96.0.1", port: 443))
        #expect(!ProxyEnvironment.excludes("10.0.0.0/16", host: "10.96.0.1", port: 443))
        #expect(ProxyEnvironment.excludes("127.0.0.1", host: "127.0.0.1", port: 443))
    }

    @Test("HTTPS_PROXY applies to https servers unless NO_PROXY excludes them")
    func environment() {
        let (proxy, source) = ProxyEnvironment.proxy(
            for: Self.server,
            variables: ["HTTPS_PROXY": "http://user:pa%40ss@proxy.corp:3128"]
        )
        #expect(
            proxy
                == ProxySetting(
                    kind: .http,
                    host: "proxy.corp",
                    port: 3128,
                    username: "user",
                    password: Secret("pa@ss")
                )
        )
        #expect(source == "environment variable HTTPS_PROXY")
        #expect(proxy?.description == "http://proxy.corp:3128")

        let lower = ProxyEnvironment.proxy(for: Self.server, variables: ["https_proxy": "proxy.corp:8080"]).0
        #expect(lower?.port == 8080)
        #expect(ProxyEnvironment.proxy(for: Self.server, variables: ["HTTP_PROXY": "http://p:1"]).0 == nil)
        let excluded = ProxyEnvironment.proxy(
            for: Self.server,
            variables: ["HTTPS_PROXY": "http://p:1", "NO_PROXY": ".example.com"]
        )
        #expect(excluded.0 == nil)
    }

    @Test("proxy-url in the cluster wins over the environment; socks5 is understood")
    func proxyURL() throws {
        let files = InMemoryFileSystem([
            "/k": """
            current-context: x
            clusters: [{name: c, cluster: {server: "https://10.0.0.1:6443", insecure-skip-tls-verify: true, proxy-url: "socks5://127.0.0.1:1080"}}]
            contexts: [{name: x, context: {cluster: c}}]
            """
        ])
        let config = try ClientConfiguration.resolve(
            environment: .test(variables: ["KUBECONFIG": "/k", "HTTPS_PROXY": "http://other:1"], files: files)
        )
        #expect(config.proxy == ProxySetting(kind: .socks5, host: "127.0.0.1", port: 1080))
        #expect(config.provenance.proxySource?.contains("proxy-url") == true)
    }
}

import Foundation
import KubeClient
import KubeSimulator
import TestSupport
import Testing

/// Requests tunnel through an HTTP CONNECT proxy named by `proxy-url` or `HTTPS_PROXY`, unless `NO_PROXY`
/// excludes the server.
@Suite("Proxies against the simulator", .timeLimit(.minutes(3)))
struct ProxyTests {
    @Test("proxy-url tunnels every request through the proxy")
    func proxyURL() async throws {
        try await withKubeSimulator { sim in
            sim.putPod("web-1")
            try await ConnectProxy.with { proxy in
                let scratch = try Scratch()
                defer { scratch.remove() }
                let path = try scratch.write(
                    "config",
                    sim.kubeconfigText(
                        user: "    token: \(sim.token)\n",
                        cluster: "    proxy-url: http://127.0.0.1:\(proxy.port)\n"
                    )
                )
                #expect(try await AuthenticationTests.listPods(path) == ["web-1"])
                #expect(proxy.tunnels == ["127.0.0.1:\(sim.port)"])
            }
        }
    }

    @Test("HTTPS_PROXY is honoured, and NO_PROXY bypasses it")
    func environment() async throws {
        try await withKubeSimulator { sim in
            sim.putPod("web-1")
            try await ConnectProxy.with { proxy in
                let path = try sim.writeKubeconfig(.token())
                defer { try? FileManager.default.removeItem(atPath: path) }
                let proxied = simEnvironment(kubeconfig: path, extra: ["HTTPS_PROXY": "127.0.0.1:\(proxy.port)"])
                #expect(try await AuthenticationTests.listPods(path, environment: proxied) == ["web-1"])
                #expect(proxy.tunnels.count == 1)
                let bypassed = simEnvironment(
                    kubeconfig: path,
                    extra: ["HTTPS_PROXY": "127.0.0.1:\(proxy.port)", "NO_PROXY": "localhost,127.0.0.0/8"]
                )
                #expect(try await AuthenticationTests.listPods(path, environment: bypassed) == ["web-1"])
                #expect(proxy.tunnels.count == 1)
            }
        }
    }
}

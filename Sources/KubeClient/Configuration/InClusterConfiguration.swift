import Foundation

/// Configuration from a pod's service account, as client-go's `InClusterConfig`: the API server from
/// `KUBERNETES_SERVICE_HOST`/`KUBERNETES_SERVICE_PORT`, the token, CA and namespace from
/// `var/run/secrets/kubernetes.io/serviceaccount/` under an injectable root.
public enum InClusterConfiguration {
    /// The service-account folder below the root.
    public static let serviceAccountPath = "var/run/secrets/kubernetes.io/serviceaccount"

    /// Whether the pod environment variables are present.
    public static func isPossible(environment: KubeClientEnvironment) -> Bool {
        !(environment.variables["KUBERNETES_SERVICE_HOST"] ?? "").isEmpty
            && !(environment.variables["KUBERNETES_SERVICE_PORT"] ?? "").isEmpty
    }

    /// Builds the configuration.
    ///
    /// The token is a token file, re-read before each request: projected service-account tokens are rotated by the
    /// kubelet.
    public static func resolve(
        environment: KubeClientEnvironment,
        transport: TransportOptions = TransportOptions()
    ) throws(KubeClientError) -> ClientConfiguration {
        let source = "in-cluster"
        let host = environment.variables["KUBERNETES_SERVICE_HOST"] ?? ""
        let port = environment.variables["KUBERNETES_SERVICE_PORT"] ?? ""
        guard !host.isEmpty, !port.isEmpty else {
            throw .invalidConfiguration(
                .init(source: source, problem: "KUBERNETES_SERVICE_HOST and KUBERNETES_SERVICE_PORT must both be set")
            )
        }
        guard let portNumber = Int(port), (1...65535).contains(portNumber) else {
            throw .invalidConfiguration(
                .init(source: source, field: "KUBERNETES_SERVICE_PORT", problem: "\"\(port)\" is not a port number")
            )
        }
        let trimmedHost = host.hasPrefix("[") && host.hasSuffix("]") ? String(host.dropFirst().dropLast()) : host
        let endpoint = ServerEndpoint(scheme: "https", host: trimmedHost, port: portNumber)
        let folder = (environment.inClusterRoot as NSString).appendingPathComponent(serviceAccountPath)
        let tokenPath = (folder as NSString).appendingPathComponent("token")
        let caPath = (folder as NSString).appendingPathComponent("ca.crt")
        let namespacePath = (folder as NSString).appendingPathComponent("namespace")
        do {
            _ = try environment.fileSystem.contents(ofFile: tokenPath)
        } catch {
            throw .invalidConfiguration(
                .init(source: source, field: "service-account token", problem: error.description)
            )
        }
        let caPEM: Data
        do {
            caPEM = try environment.fileSystem.contents(ofFile: caPath)
        } catch {
            throw .invalidConfiguration(.init(source: source, field: "service-account CA", problem: error.description))
        }
        let roots = try TLSMaterial.certificates(pem: Array(caPEM), field: caPath, source: source)
        var namespace = "default"
        var namespaceSource = "default"
        if let data = try? environment.fileSystem.contents(ofFile: namespacePath),
            let text = String(data: data, encoding: .utf8)?.trimmingCharacters(in: .whitespacesAndNewlines),
            !text.isEmpty
        {
            namespace = text
            namespaceSource = namespacePath
        }
        let (proxy, proxySource) = ProxyEnvironment.proxy(for: endpoint, variables: environment.variables)
        return ClientConfiguration(
            server: endpoint,
            tls: TLSSettings(trustRoots: roots),
            credentials: .tokenFile(path: tokenPath),
            namespace: namespace,
            proxy: proxy,
            transport: transport,
            provenance: Provenance(
                context: nil,
                clusterSource: "in-cluster (KUBERNETES_SERVICE_HOST, \(caPath))",
                userSource: "in-cluster (\(tokenPath))",
                namespaceSource: namespaceSource,
                proxySource: proxySource
            )
        )
    }
}

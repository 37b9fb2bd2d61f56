import Foundation
import NIOSSL

extension ClientConfiguration {
    /// Resolves the configuration as kubectl would: the kubeconfig files (``KubeconfigLoader``), the context
    /// (`--context`, else `current-context`), its cluster and user, and the namespace; in-cluster service
    /// account configuration when no kubeconfig defines anything and the pod environment is present.
    ///
    /// Files named by the configuration (CA, client certificate and key) are read and checked now, so a bad
    /// one fails here with its name rather than during a handshake. Token files are only checked for
    /// existence: they are re-read before each request.
    public static func resolve(
        overrides: KubeconfigOverrides = KubeconfigOverrides(),
        environment: KubeClientEnvironment,
        transport: TransportOptions = TransportOptions()
    ) throws(KubeClientError) -> ClientConfiguration {
        let merged = try KubeconfigLoader.load(overrides: overrides, environment: environment)
        if merged.isEmpty, overrides.context == nil, InClusterConfiguration.isPossible(environment: environment) {
            return try InClusterConfiguration.resolve(environment: environment, transport: transport)
        }
        return try resolve(merged: merged, overrides: overrides, environment: environment, transport: transport)
    }

    /// Resolves a context of already merged kubeconfig files.
    public static func resolve(
        merged: MergedKubeconfig,
        overrides: KubeconfigOverrides,
        environment: KubeClientEnvironment,
        transport: TransportOptions = TransportOptions()
    ) throws(KubeClientError) -> ClientConfiguration {
        let allFiles = merged.files.isEmpty ? "no kubeconfig file found" : merged.files.joined(separator: ":")
        let contextName: String
        let contextSource: String
        if let name = overrides.context, !name.isEmpty {
            contextName = name
            contextSource = "--context"
        } else if let current = merged.currentContext {
            contextName = current.value
            contextSource = "current-context in \(current.file)"
        } else if merged.isEmpty {
            throw .invalidConfiguration(
                .init(
                    source: allFiles,
                    problem:
                        "no configuration: set KUBECONFIG or --kubeconfig, or run inside a pod with a service account"
                )
            )
        } else {
            throw .invalidConfiguration(
                .init(source: allFiles, problem: "no current-context is set; pass --context or set current-context")
            )
        }
        guard let context = merged.contexts[contextName] else {
            throw .invalidConfiguration(
                .init(source: allFiles, field: "contexts", problem: "context \"\(contextName)\" is not defined")
            )
        }
        let clusterName = context.value.cluster ?? ""
        guard !clusterName.isEmpty else {
            throw .invalidConfiguration(
                .init(source: context.file, field: "contexts[\"\(contextName)\"].cluster", problem: "is empty")
            )
        }
        guard let cluster = merged.clusters[clusterName] else {
            throw .invalidConfiguration(
                .init(
                    source: allFiles,
                    field: "clusters",
                    problem: "cluster \"\(clusterName)\" (named by context \"\(contextName)\") is not defined"
                )
            )
        }
        var located: MergedKubeconfig.Located<User>?
        let userName = context.value.user ?? ""
        if !userName.isEmpty {
            guard let user = merged.users[userName] else {
                throw .invalidConfiguration(
                    .init(
                        source: allFiles,
                        field: "users",
                        problem: "user \"\(userName)\" (named by context \"\(contextName)\") is not defined"
                    )
                )
            }
            located = user
        }

        let clusterField = "clusters[\"\(clusterName)\"]"
        let endpoint = try endpoint(cluster.value, field: clusterField, file: cluster.file)
        var tls = try clusterTLS(cluster.value, field: clusterField, file: cluster.file, environment: environment)
        if !tls.verifiesServer {
            environment.diagnostics(
                "warning: insecure-skip-tls-verify is set for cluster \"\(clusterName)\": the server's certificate is "
                    + "not checked, so the connection can be intercepted"
            )
        }
        var credentials = CredentialSource.none
        if let located {
            let userField = "users[\"\(userName)\"]"
            let (source, identity) = try userCredentials(
                located.value,
                name: userName,
                field: userField,
                file: located.file,
                cluster: cluster.value,
                endpoint: endpoint,
                environment: environment
            )
            credentials = source
            tls.clientIdentity = identity
        }
        let (proxy, proxySource) = try proxySetting(
            cluster.value,
            endpoint: endpoint,
            field: clusterField,
            file: cluster.file,
            environment: environment
        )
        let namespace = context.value.namespace.flatMap { $0.isEmpty ? nil : $0 }
        let provenance = Provenance(
            files: merged.files,
            context: contextName,
            contextSource: contextSource,
            clusterSource: "\(clusterField) in \(cluster.file)",
            userSource: located.map { "users[\"\(userName)\"] in \($0.file)" },
            namespaceSource: namespace == nil ? "default" : "context \"\(contextName)\" in \(context.file)",
            proxySource: proxySource
        )
        return ClientConfiguration(
            server: endpoint,
            tls: tls,
            credentials: credentials,
            namespace: namespace ?? "default",
            proxy: proxy,
            transport: transport,
            provenance: provenance
        )
    }

    private static func endpoint(
        _ cluster: Cluster,
        field: String,
        file: String
    ) throws(KubeClientError)
        -> ServerEndpoint
    {
        guard let server = cluster.server, !server.isEmpty else {
            throw .invalidConfiguration(.init(source: file, field: "\(field).server", problem: "is missing"))
        }
        guard let endpoint = ServerEndpoint(url: server) else {
            throw .invalidConfiguration(
                .init(
                    source: file,
                    field: "\(field).server",
                    problem:
                        "\"\(server)\" is not a URL with an http or https scheme and a host, such as https://10.0.0.1:6443"
                )
            )
        }
        return endpoint
    }

    private static func clusterTLS(
        _ cluster: Cluster,
        field: String,
        file: String,
        environment: KubeClientEnvironment
    ) throws(KubeClientError) -> TLSSettings {
        var tls = TLSSettings()
        let insecure = cluster.insecureSkipTLSVerify ?? false
        tls.verifiesServer = !insecure
        tls.serverName = cluster.tlsServerName.flatMap { $0.isEmpty ? nil : $0 }
        let hasCA = !(cluster.certificateAuthorityData ?? "").isEmpty || !(cluster.certificateAuthority ?? "").isEmpty
        if insecure, hasCA {
            throw .invalidConfiguration(
                .init(
                    source: file,
                    field: field,
                    problem: "sets both a certificate authority and insecure-skip-tls-verify, which kubectl refuses"
                )
            )
        }
        if let data = cluster.certificateAuthorityData, !data.isEmpty {
            let fieldName = "\(field).certificate-authority-data"
            let pem = try TLSMaterial.base64(data, field: fieldName, source: file)
            tls.trustRoots = try TLSMaterial.certificates(pem: pem, field: fieldName, source: file)
        } else if let path = cluster.certificateAuthority, !path.isEmpty {
            let fieldName = "\(field).certificate-authority"
            let pem = try read(path, relativeTo: file, field: fieldName, environment: environment)
            tls.trustRoots = try TLSMaterial.certificates(pem: pem, field: "\(fieldName) (\(path))", source: file)
        }
        return tls
    }

    private static func read(
        _ path: String,
        relativeTo file: String,
        field: String,
        environment: KubeClientEnvironment
    ) throws(KubeClientError) -> [UInt8] {
        let resolved = KubeconfigLoader.resolve(path, relativeTo: file)
        do {
            return Array(try environment.fileSystem.contents(ofFile: resolved))
        } catch {
            throw .invalidConfiguration(.init(source: file, field: field, problem: error.description))
        }
    }

    private static func userCredentials(
        _ user: User,
        name: String,
        field: String,
        file: String,
        cluster: Cluster,
        endpoint: ServerEndpoint,
        environment: KubeClientEnvironment
    ) throws(KubeClientError) -> (CredentialSource, ClientIdentity?) {
        if let provider = user.authProviderName {
            throw .invalidConfiguration(
                .init(
                    source: file,
                    field: "\(field).auth-provider",
                    problem:
                        "auth-provider \"\(provider)\" was removed from kubectl; use an exec credential plugin instead "
                        + "(such as gke-gcloud-auth-plugin or kubelogin)"
                )
            )
        }
        let hasToken = !(user.token?.isEmpty ?? true) || !(user.tokenFile ?? "").isEmpty
        let hasBasic = !(user.username ?? "").isEmpty || !(user.password?.isEmpty ?? true)
        if hasToken, hasBasic {
            throw .invalidConfiguration(
                .init(
                    source: file,
                    field: field,
                    problem: "sets both a token and a username/password; only one authentication method is allowed"
                )
            )
        }

        // Client certificate: data wins over files, as in client-go.
        var identity: ClientIdentity?
        let certData = user.clientCertificateData ?? ""
        let certFile = user.clientCertificate ?? ""
        let keyData = user.clientKeyData?.exposedValue ?? ""
        let keyFile = user.clientKey ?? ""
        if !certData.isEmpty || !certFile.isEmpty || !keyData.isEmpty || !keyFile.isEmpty {
            let certField = !certData.isEmpty ? "\(field).client-certificate-data" : "\(field).client-certificate"
            let keyField = !keyData.isEmpty ? "\(field).client-key-data" : "\(field).client-key"
            guard !certData.isEmpty || !certFile.isEmpty else {
                throw .invalidConfiguration(
                    .init(source: file, field: field, problem: "has a client key but no client certificate")
                )
            }
            guard !keyData.isEmpty || !keyFile.isEmpty else {
                throw .invalidConfiguration(
                    .init(source: file, field: field, problem: "has a client certificate but no client key")
                )
            }
            let certPEM =
                !certData.isEmpty
                ? try TLSMaterial.base64(certData, field: certField, source: file)
                : try read(certFile, relativeTo: file, field: certField, environment: environment)
            let keyPEM =
                !keyData.isEmpty
                ? try TLSMaterial.base64(keyData, field: keyField, source: file)
                : try read(keyFile, relativeTo: file, field: keyField, environment: environment)
            identity = try TLSMaterial.identity(
                certificatePEM: certPEM,
                keyPEM: keyPEM,
                certificateField: certField,
                keyField: keyField,
                source: file
            )
        }

        if let exec = user.exec {
            let execField = "\(field).exec"
            guard !exec.command.isEmpty else {
                throw .invalidConfiguration(.init(source: file, field: "\(execField).command", problem: "is missing"))
            }
            guard ExecCredentialAPI(rawValue: exec.apiVersion) != nil else {
                throw .invalidConfiguration(
                    .init(
                        source: file,
                        field: "\(execField).apiVersion",
                        problem:
                            "\"\(exec.apiVersion)\" is not supported; use client.authentication.k8s.io/v1 or v1beta1"
                    )
                )
            }
            if exec.apiVersion == ExecCredentialAPI.v1.rawValue, (exec.interactiveMode ?? "").isEmpty {
                throw .invalidConfiguration(
                    .init(
                        source: file,
                        field: "\(execField).interactiveMode",
                        problem: "is required for client.authentication.k8s.io/v1 (use Never)"
                    )
                )
            }
            if let mode = exec.interactiveMode, !["", "Never", "IfAvailable", "Always"].contains(mode) {
                throw .invalidConfiguration(
                    .init(
                        source: file,
                        field: "\(execField).interactiveMode",
                        problem: "\"\(mode)\" is not one of Never, IfAvailable, Always"
                    )
                )
            }
            // A command with a path separator is relative to the kubeconfig; a bare name is looked up on PATH.
            let command =
                exec.command.contains("/") ? KubeconfigLoader.resolve(exec.command, relativeTo: file) : exec.command
            var clusterInfo: ExecClusterInfo?
            if exec.provideClusterInfo {
                var caData = cluster.certificateAuthorityData
                if (caData ?? "").isEmpty, let path = cluster.certificateAuthority, !path.isEmpty {
                    let pem = try read(path, relativeTo: file, field: "certificate-authority", environment: environment)
                    caData = Data(pem).base64EncodedString()
                }
                clusterInfo = ExecClusterInfo(
                    server: cluster.server ?? endpoint.description,
                    tlsServerName: cluster.tlsServerName,
                    insecureSkipTLSVerify: cluster.insecureSkipTLSVerify,
                    certificateAuthorityData: caData,
                    proxyURL: cluster.proxyURL
                )
            }
            let plugin = ExecPlugin(config: exec, userName: name, command: command, clusterInfo: clusterInfo)
            return (.exec(plugin), identity)
        }
        if let tokenFile = user.tokenFile, !tokenFile.isEmpty {
            let path = KubeconfigLoader.resolve(tokenFile, relativeTo: file)
            _ = try read(path, relativeTo: file, field: "\(field).tokenFile", environment: environment)
            return (.tokenFile(path: path), identity)
        }
        if let token = user.token, !token.isEmpty {
            return (.token(token), identity)
        }
        if hasBasic {
            return (.basic(username: user.username ?? "", password: user.password ?? Secret("")), identity)
        }
        return (.none, identity)
    }

    private static func proxySetting(
        _ cluster: Cluster,
        endpoint: ServerEndpoint,
        field: String,
        file: String,
        environment: KubeClientEnvironment
    ) throws(KubeClientError) -> (ProxySetting?, String?) {
        if let url = cluster.proxyURL, !url.isEmpty {
            guard let proxy = ProxyEnvironment.parse(url) else {
                throw .invalidConfiguration(
                    .init(
                        source: file,
                        field: "\(field).proxy-url",
                        problem: "is not an http, https or socks5 URL with a host"
                    )
                )
            }
            return (proxy, "\(field).proxy-url in \(file)")
        }
        return ProxyEnvironment.proxy(for: endpoint, variables: environment.variables)
    }
}

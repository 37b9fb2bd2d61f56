/// One kubeconfig file as written on disk (`apiVersion: v1`, `kind: Config`), reduced to what a client needs.
///
/// Field names follow the file format (`certificate-authority-data`, `tokenFile`, `exec`); unknown fields
/// (`preferences`, `extensions`, `as`) are skipped. Secret fields are ``Secret`` so a decoded file can be
/// printed without leaking. Base64 fields stay text here and are decoded while resolving, where an error
/// can name the entry and field.
public struct Kubeconfig: Decodable, Sendable, Hashable {
    /// `current-context`.
    public var currentContext: String?
    /// `clusters`.
    public var clusters: [NamedCluster]
    /// `contexts`.
    public var contexts: [NamedContext]
    /// `users`.
    public var users: [NamedUser]

    /// Creates a kubeconfig.
    public init(
        currentContext: String? = nil,
        clusters: [NamedCluster] = [],
        contexts: [NamedContext] = [],
        users: [NamedUser] = []
    ) {
        self.currentContext = currentContext
        self.clusters = clusters
        self.contexts = contexts
        self.users = users
    }

    private enum CodingKeys: String, CodingKey {
        case currentContext = "current-context"
        case clusters, contexts, users
    }

    /// Decodes a file; absent or `null` lists are empty, as kubectl treats them.
    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        currentContext = try container.decodeIfPresent(String.self, forKey: .currentContext)
        clusters = try container.decodeIfPresent([NamedCluster].self, forKey: .clusters) ?? []
        contexts = try container.decodeIfPresent([NamedContext].self, forKey: .contexts) ?? []
        users = try container.decodeIfPresent([NamedUser].self, forKey: .users) ?? []
    }

    /// Whether the file defines nothing at all (kubectl then falls back to in-cluster configuration).
    public var isEmpty: Bool {
        (currentContext ?? "").isEmpty && clusters.isEmpty && contexts.isEmpty && users.isEmpty
    }
}

/// An entry of `clusters`.
public struct NamedCluster: Decodable, Sendable, Hashable {
    /// The entry's name.
    public var name: String
    /// The cluster.
    public var cluster: Cluster

    /// Creates an entry.
    public init(name: String, cluster: Cluster) {
        self.name = name
        self.cluster = cluster
    }
}

/// How to reach and trust one API server.
public struct Cluster: Decodable, Sendable, Hashable {
    /// `server`: the API server URL, such as `https://10.0.0.1:6443`.
    public var server: String?
    /// `certificate-authority`: a PEM bundle file.
    public var certificateAuthority: String?
    /// `certificate-authority-data`: a base64 PEM bundle; wins over the file.
    public var certificateAuthorityData: String?
    /// `insecure-skip-tls-verify`.
    public var insecureSkipTLSVerify: Bool?
    /// `tls-server-name`: the name sent in SNI and checked against the certificate instead of the URL's host.
    public var tlsServerName: String?
    /// `proxy-url`.
    public var proxyURL: String?

    /// Creates a cluster.
    public init(
        server: String? = nil,
        certificateAuthority: String? = nil,
        certificateAuthorityData: String? = nil,
        insecureSkipTLSVerify: Bool? = nil,
        tlsServerName: String? = nil,
        proxyURL: String? = nil
    ) {
        self.server = server
        self.certificateAuthority = certificateAuthority
        self.certificateAuthorityData = certificateAuthorityData
        self.insecureSkipTLSVerify = insecureSkipTLSVerify
        self.tlsServerName = tlsServerName
        self.proxyURL = proxyURL
    }

    private enum CodingKeys: String, CodingKey {
        case server
        case certificateAuthority = "certificate-authority"
        case certificateAuthorityData = "certificate-authority-data"
        case insecureSkipTLSVerify = "insecure-skip-tls-verify"
        case tlsServerName = "tls-server-name"
        case proxyURL = "proxy-url"
    }
}

/// An entry of `contexts`.
public struct NamedContext: Decodable, Sendable, Hashable {
    /// The entry's name.
    public var name: String
    /// The context.
    public var context: Context

    /// Creates an entry.
    public init(name: String, context: Context) {
        self.name = name
        self.context = context
    }

    /// A cluster, a user and a default namespace.
    public struct Context: Decodable, Sendable, Hashable {
        /// The cluster entry's name.
        public var cluster: String?
        /// The user entry's name; empty means no credentials.
        public var user: String?
        /// The default namespace.
        public var namespace: String?

        /// Creates a context.
        public init(cluster: String? = nil, user: String? = nil, namespace: String? = nil) {
            self.cluster = cluster
            self.user = user
            self.namespace = namespace
        }
    }
}

/// An entry of `users`.
public struct NamedUser: Decodable, Sendable, Hashable {
    /// The entry's name.
    public var name: String
    /// The credentials.
    public var user: User

    /// Creates an entry.
    public init(name: String, user: User) {
        self.name = name
        self.user = user
    }
}

/// How to authenticate (`users[].user`, an `AuthInfo` in client-go).
public struct User: Decodable, Sendable, Hashable {
    /// `client-certificate`: a PEM file.
    public var clientCertificate: String?
    /// `client-certificate-data`: base64 PEM.
    public var clientCertificateData: String?
    /// `client-key`: a PEM file.
    public var clientKey: String?
    /// `client-key-data`: base64 PEM.
    public var clientKeyData: Secret?
    /// `token`: a bearer token.
    public var token: Secret?
    /// `tokenFile`: a file holding the bearer token, re-read when it changes.
    public var tokenFile: String?
    /// `username` for basic authentication.
    public var username: String?
    /// `password` for basic authentication.
    public var password: Secret?
    /// `exec`: a credential plugin.
    public var exec: ExecConfig?
    /// The name of an `auth-provider`, kept only to explain that kubectl removed them.
    public var authProviderName: String?

    /// Creates a user.
    public init(
        clientCertificate: String? = nil,
        clientCertificateData: String? = nil,
        clientKey: String? = nil,
        clientKeyData: Secret? = nil,
        token: Secret? = nil,
        tokenFile: String? = nil,
        username: String? = nil,
        password: Secret? = nil,
        exec: ExecConfig? = nil,
        authProviderName: String? = nil
    ) {
        self.clientCertificate = clientCertificate
        self.clientCertificateData = clientCertificateData
        self.clientKey = clientKey
        self.clientKeyData = clientKeyData
        self.token = token
        self.tokenFile = tokenFile
        self.username = username
        self.password = password
        self.exec = exec
        self.authProviderName = authProviderName
    }

    private enum CodingKeys: String, CodingKey {
        case clientCertificate = "client-certificate"
        case clientCertificateData = "client-certificate-data"
        case clientKey = "client-key"
        case clientKeyData = "client-key-data"
        case token, tokenFile, username, password, exec
        case authProvider = "auth-provider"
    }

    private struct AuthProvider: Decodable { var name: String? }

    /// Decodes a user entry.
    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        clientCertificate = try container.decodeIfPresent(String.self, forKey: .clientCertificate)
        clientCertificateData = try container.decodeIfPresent(String.self, forKey: .clientCertificateData)
        clientKey = try container.decodeIfPresent(String.self, forKey: .clientKey)
        clientKeyData = try container.decodeIfPresent(Secret.self, forKey: .clientKeyData)
        token = try container.decodeIfPresent(Secret.self, forKey: .token)
        tokenFile = try container.decodeIfPresent(String.self, forKey: .tokenFile)
        username = try container.decodeIfPresent(String.self, forKey: .username)
        password = try container.decodeIfPresent(Secret.self, forKey: .password)
        exec = try container.decodeIfPresent(ExecConfig.self, forKey: .exec)
        authProviderName = try container.decodeIfPresent(AuthProvider.self, forKey: .authProvider).map {
            $0.name ?? "unnamed"
        }
    }
}

/// `users[].user.exec`: how to run a credential plugin (client-go's `ExecConfig`).
public struct ExecConfig: Decodable, Sendable, Hashable {
    /// `apiVersion` of the `ExecCredential` exchanged: `client.authentication.k8s.io/v1` or `/v1beta1`.
    public var apiVersion: String
    /// `command`: a program name looked up on `PATH`, or a path (relative paths resolve against the file).
    public var command: String
    /// `args`.
    public var args: [String]
    /// `env`: variables added to the plugin's environment.
    public var env: [EnvVar]
    /// `installHint`: shown when the command is not found.
    public var installHint: String?
    /// `provideClusterInfo`: pass the cluster in `KUBERNETES_EXEC_INFO`.
    public var provideClusterInfo: Bool
    /// `interactiveMode`: `Never`, `IfAvailable` or `Always` (a gate never has a terminal to offer).
    public var interactiveMode: String?

    /// Creates an exec configuration.
    public init(
        apiVersion: String,
        command: String,
        args: [String] = [],
        env: [EnvVar] = [],
        installHint: String? = nil,
        provideClusterInfo: Bool = false,
        interactiveMode: String? = nil
    ) {
        self.apiVersion = apiVersion
        self.command = command
        self.args = args
        self.env = env
        self.installHint = installHint
        self.provideClusterInfo = provideClusterInfo
        self.interactiveMode = interactiveMode
    }

    private enum CodingKeys: String, CodingKey {
        case apiVersion, command, args, env, installHint, provideClusterInfo, interactiveMode
    }

    /// Decodes an exec section; `args` and `env` may be absent or `null`.
    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        apiVersion = try container.decodeIfPresent(String.self, forKey: .apiVersion) ?? ""
        command = try container.decodeIfPresent(String.self, forKey: .command) ?? ""
        args = try container.decodeIfPresent([String].self, forKey: .args) ?? []
        env = try container.decodeIfPresent([EnvVar].self, forKey: .env) ?? []
        installHint = try container.decodeIfPresent(String.self, forKey: .installHint)
        provideClusterInfo = try container.decodeIfPresent(Bool.self, forKey: .provideClusterInfo) ?? false
        interactiveMode = try container.decodeIfPresent(String.self, forKey: .interactiveMode)
    }

    /// One `env` entry.
    public struct EnvVar: Decodable, Sendable, Hashable {
        /// The variable's name.
        public var name: String
        /// Its value; may hold a secret, so it is never printed.
        public var value: Secret

        /// Creates an entry.
        public init(name: String, value: String) {
            self.name = name
            self.value = Secret(value)
        }
    }
}

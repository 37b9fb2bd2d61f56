import Foundation
import NIOSSL

/// A fully resolved connection to one API server: endpoint, trust, credentials, namespace, proxy and the
/// transport's limits, plus a record of where each part came from.
///
/// It is built once, at the edge, by ``resolve(overrides:environment:transport:)`` (kubectl's loading rules)
/// or by hand in tests, and then only read: the client never goes back to the kubeconfig.
public struct ClientConfiguration: Sendable {
    /// The API server, such as `https://127.0.0.1:6443`.
    public var server: ServerEndpoint
    /// Trust and client identity.
    public var tls: TLSSettings
    /// How each request authenticates.
    public var credentials: CredentialSource
    /// The namespace to use when the user names none: the context's, else `default`.
    public var namespace: String
    /// An HTTP CONNECT (or SOCKS5) proxy, from `proxy-url` or `HTTPS_PROXY`.
    public var proxy: ProxySetting?
    /// Timeouts, pool sizes, retry policy, User-Agent.
    public var transport: TransportOptions
    /// Where the parts came from, for `--verbose` and errors.
    public var provenance: Provenance

    /// Creates a configuration from parts.
    public init(
        server: ServerEndpoint,
        tls: TLSSettings = TLSSettings(),
        credentials: CredentialSource = .none,
        namespace: String = "default",
        proxy: ProxySetting? = nil,
        transport: TransportOptions = TransportOptions(),
        provenance: Provenance = Provenance()
    ) {
        self.server = server
        self.tls = tls
        self.credentials = credentials
        self.namespace = namespace
        self.proxy = proxy
        self.transport = transport
        self.provenance = provenance
    }
}

/// The API server's URL, split into what the transport needs.
public struct ServerEndpoint: Sendable, Hashable, CustomStringConvertible {
    /// `https` or `http`.
    public var scheme: String
    /// The host name or IP address (without brackets).
    public var host: String
    /// The port; 443 or 80 when the URL has none.
    public var port: Int
    /// A path prefix such as `/k8s/clusters/c-123` (Rancher-style proxies), without a trailing slash.
    public var basePath: String

    /// Creates an endpoint.
    public init(scheme: String, host: String, port: Int, basePath: String = "") {
        self.scheme = scheme
        self.host = host
        self.port = port
        self.basePath = basePath
    }

    /// Parses a kubeconfig `server` value; `nil` when it is not an absolute http(s) URL with a host.
    public init?(url text: String) {
        let trimmed = text.trimmingCharacters(in: .whitespaces)
        guard let schemeEnd = trimmed.range(of: "://") else { return nil }
        let scheme = trimmed[..<schemeEnd.lowerBound].lowercased()
        guard scheme == "https" || scheme == "http" else { return nil }
        var rest = trimmed[schemeEnd.upperBound...]
        var path = ""
        if let slash = rest.firstIndex(of: "/") {
            path = String(rest[slash...])
            rest = rest[..<slash]
        }
        var host: Substring
        var port: Int?
        if rest.hasPrefix("[") {
            guard let close = rest.firstIndex(of: "]") else { return nil }
            host = rest[rest.index(after: rest.startIndex)..<close]
            let after = rest[rest.index(after: close)...]
            if after.hasPrefix(":") {
                guard let number = Int(after.dropFirst()) else { return nil }
                port = number
            } else if !after.isEmpty {
                return nil
            }
        } else if let colon = rest.lastIndex(of: ":") {
            host = rest[..<colon]
            guard let number = Int(rest[rest.index(after: colon)...]) else { return nil }
            port = number
        } else {
            host = rest
        }
        guard !host.isEmpty, !host.contains("@") else { return nil }
        if let port, !(1...65535).contains(port) { return nil }
        while path.hasSuffix("/") { path.removeLast() }
        self.init(scheme: scheme, host: String(host), port: port ?? (scheme == "https" ? 443 : 80), basePath: path)
    }

    /// The host as it appears in a URL: IPv6 addresses in brackets.
    public var urlHost: String { host.contains(":") ? "[\(host)]" : host }

    /// `https://host:port` plus the base path.
    public var description: String { "\(scheme)://\(urlHost):\(port)\(basePath)" }
}

/// How the server is trusted and how the client proves who it is at the TLS layer.
public struct TLSSettings: Sendable {
    /// The trusted certificate authorities; `nil` means the system's trust store.
    public var trustRoots: [NIOSSLCertificate]?
    /// `false` only for `insecure-skip-tls-verify: true`.
    public var verifiesServer: Bool
    /// `tls-server-name`: the name used for SNI and for checking the server's certificate.
    public var serverName: String?
    /// A static client certificate and key (exec plugins may supply one at run time instead).
    public var clientIdentity: ClientIdentity?

    /// Creates settings; the default trusts the system store and verifies the server.
    public init(
        trustRoots: [NIOSSLCertificate]? = nil,
        verifiesServer: Bool = true,
        serverName: String? = nil,
        clientIdentity: ClientIdentity? = nil
    ) {
        self.trustRoots = trustRoots
        self.verifiesServer = verifiesServer
        self.serverName = serverName
        self.clientIdentity = clientIdentity
    }
}

/// A client certificate chain and its private key, already checked to belong together.
public struct ClientIdentity: Sendable, Hashable {
    /// The certificate, then any intermediates.
    public var certificateChain: [NIOSSLCertificate]
    /// The private key (RSA or EC).
    public var privateKey: NIOSSLPrivateKey

    /// Wraps a chain and key that were validated by ``TLSMaterial/identity(certificatePEM:keyPEM:certificateField:keyField:source:)``.
    public init(certificateChain: [NIOSSLCertificate], privateKey: NIOSSLPrivateKey) {
        self.certificateChain = certificateChain
        self.privateKey = privateKey
    }
}

/// How requests authenticate above TLS.
public enum CredentialSource: Sendable {
    /// No credentials beyond a possible client certificate.
    case none
    /// A fixed bearer token.
    case token(Secret)
    /// A bearer token read from a file before each request, so rotated (bound) tokens are picked up.
    case tokenFile(path: String)
    /// HTTP basic authentication.
    case basic(username: String, password: Secret)
    /// An exec credential plugin.
    case exec(ExecPlugin)

    /// A short name for `--verbose`: `token`, `token file /path`, `basic auth as "u"`, `exec plugin "cmd"`.
    public var summary: String {
        switch self {
        case .none: "no credentials"
        case .token: "a bearer token"
        case .tokenFile(let path): "the bearer token in \(path)"
        case .basic(let username, _): "basic authentication as \"\(username)\""
        case .exec(let plugin): "exec plugin \"\(plugin.config.command)\""
        }
    }
}

/// An exec credential plugin ready to run: its configuration, the kubeconfig file that named it (relative
/// commands resolve against it) and the cluster information it may be given.
public struct ExecPlugin: Sendable {
    /// The `exec` section.
    public var config: ExecConfig
    /// The user entry's name, for errors.
    public var userName: String
    /// The command, resolved: an absolute or file-relative path when it contained a `/`, else the bare name.
    public var command: String
    /// The cluster as `KUBERNETES_EXEC_INFO` describes it, when `provideClusterInfo` is true.
    public var clusterInfo: ExecClusterInfo?

    /// Creates a plugin description.
    public init(config: ExecConfig, userName: String, command: String, clusterInfo: ExecClusterInfo? = nil) {
        self.config = config
        self.userName = userName
        self.command = command
        self.clusterInfo = clusterInfo
    }
}

/// `spec.cluster` of the `ExecCredential` handed to a plugin.
public struct ExecClusterInfo: Sendable, Hashable, Encodable {
    /// The server URL.
    public var server: String
    /// `tls-server-name`.
    public var tlsServerName: String?
    /// `insecure-skip-tls-verify`.
    public var insecureSkipTLSVerify: Bool?
    /// The CA bundle, base64 on the wire.
    public var certificateAuthorityData: String?
    /// `proxy-url`.
    public var proxyURL: String?

    /// Creates cluster information.
    public init(
        server: String,
        tlsServerName: String? = nil,
        insecureSkipTLSVerify: Bool? = nil,
        certificateAuthorityData: String? = nil,
        proxyURL: String? = nil
    ) {
        self.server = server
        self.tlsServerName = tlsServerName
        self.insecureSkipTLSVerify = insecureSkipTLSVerify
        self.certificateAuthorityData = certificateAuthorityData
        self.proxyURL = proxyURL
    }

    private enum CodingKeys: String, CodingKey {
        case server
        case tlsServerName = "tls-server-name"
        case insecureSkipTLSVerify = "insecure-skip-tls-verify"
        case certificateAuthorityData = "certificate-authority-data"
        case proxyURL = "proxy-url"
    }
}

/// A proxy all requests to the server go through.
public struct ProxySetting: Sendable, Hashable, CustomStringConvertible {
    /// HTTP CONNECT or SOCKS5.
    public var kind: Kind
    /// The proxy's host.
    public var host: String
    /// The proxy's port.
    public var port: Int
    /// Proxy credentials from the URL's user-info, if any.
    public var username: String?
    /// The proxy password, if any.
    public var password: Secret?

    /// The kind of proxy.
    public enum Kind: String, Sendable, Hashable {
        /// An HTTP proxy, tunnelling with CONNECT.
        case http
        /// A SOCKS5 proxy.
        case socks5
    }

    /// Creates a proxy setting.
    public init(kind: Kind, host: String, port: Int, username: String? = nil, password: Secret? = nil) {
        self.kind = kind
        self.host = host
        self.port = port
        self.username = username
        self.password = password
    }

    /// `http://proxy:3128` (credentials left out).
    public var description: String { "\(kind.rawValue)://\(host):\(port)" }
}

/// Where each part of a resolved configuration came from.
public struct Provenance: Sendable, Hashable, CustomStringConvertible {
    /// The kubeconfig files read, in precedence order (empty for in-cluster or hand-built).
    public var files: [String]
    /// The context used, and where it was chosen (`--context`, or the file whose `current-context` won).
    public var context: String?
    /// Where the context's name came from.
    public var contextSource: String?
    /// The file that defined the cluster entry (or `in-cluster`).
    public var clusterSource: String?
    /// The file that defined the user entry (or `in-cluster`).
    public var userSource: String?
    /// Where the namespace came from: a context, the service-account file, or `default`.
    public var namespaceSource: String?
    /// Where the proxy came from: `proxy-url` or an environment variable.
    public var proxySource: String?

    /// Creates an empty record.
    public init(
        files: [String] = [],
        context: String? = nil,
        contextSource: String? = nil,
        clusterSource: String? = nil,
        userSource: String? = nil,
        namespaceSource: String? = nil,
        proxySource: String? = nil
    ) {
        self.files = files
        self.context = context
        self.contextSource = contextSource
        self.clusterSource = clusterSource
        self.userSource = userSource
        self.namespaceSource = namespaceSource
        self.proxySource = proxySource
    }

    /// One line for `--verbose`.
    public var description: String {
        var parts: [String] = []
        if let context { parts.append("context \"\(context)\" (from \(contextSource ?? "unknown"))") }
        if let clusterSource { parts.append("cluster from \(clusterSource)") }
        if let userSource { parts.append("user from \(userSource)") }
        if let namespaceSource { parts.append("namespace from \(namespaceSource)") }
        if let proxySource { parts.append("proxy from \(proxySource)") }
        if !files.isEmpty { parts.append("kubeconfig files: \(files.joined(separator: ":"))") }
        return parts.joined(separator: "; ")
    }
}

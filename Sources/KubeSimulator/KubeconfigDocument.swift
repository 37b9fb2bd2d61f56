import Foundation

/// A kubeconfig file for a running simulator: one cluster, one user and one context per auth mode.
public struct KubeconfigDocument: Sendable {
    /// How a kubeconfig user authenticates.
    public enum Credential: Sendable, Hashable {
        /// A client certificate and key (`client-certificate-data`, `client-key-data`).
        case clientCertificate(IssuedCertificate)
        /// A bearer token.
        case token(String)
        /// Basic auth.
        case basic(username: String, password: String)
    }

    /// One context: its name, its user's credential, and its default namespace.
    public struct Context: Sendable, Hashable {
        /// The context (and user) name, such as `sim-cert`.
        public var name: String
        /// The credential.
        public var credential: Credential
        /// The default namespace, if any.
        public var namespace: String?

        /// Creates a context.
        public init(name: String, credential: Credential, namespace: String? = nil) {
            self.name = name
            self.credential = credential
            self.namespace = namespace
        }
    }

    /// The server URL.
    public var server: String
    /// The CA certificate PEM to trust; nil for plain HTTP.
    public var certificateAuthorityPEM: String?
    /// The server name to verify instead of the URL's host (`tls-server-name`), if any.
    public var tlsServerName: String?
    /// The contexts; the first is the current context unless `currentContext` says otherwise.
    public var contexts: [Context]
    /// The current context's name.
    public var currentContext: String?
    /// The cluster's name in the file.
    public var clusterName = "kube-sim"

    /// Creates a document.
    public init(
        server: String,
        certificateAuthorityPEM: String?,
        contexts: [Context],
        currentContext: String? = nil,
        tlsServerName: String? = nil
    ) {
        self.server = server
        self.certificateAuthorityPEM = certificateAuthorityPEM
        self.contexts = contexts
        self.currentContext = currentContext
        self.tlsServerName = tlsServerName
    }

    private static func base64(_ text: String) -> String {
        Data(text.utf8).base64EncodedString()
    }

    private static func quoted(_ text: String) -> String {
        JSONValue.string(text).serializedString()
    }

    /// The kubeconfig as YAML.
    public var yaml: String {
        var lines = [
            "apiVersion: v1", "kind: Config", "preferences: {}", "clusters:", "- name: \(clusterName)", "  cluster:",
        ]
        lines.append("    server: \(Self.quoted(server))")
        if let certificateAuthorityPEM {
            lines.append("    certificate-authority-data: \(Self.base64(certificateAuthorityPEM))")
        }
        if let tlsServerName { lines.append("    tls-server-name: \(Self.quoted(tlsServerName))") }
        lines.append("users:")
        for context in contexts {
            lines.append("- name: \(context.name)")
            lines.append("  user:")
            switch context.credential {
            case .clientCertificate(let issued):
                lines.append("    client-certificate-data: \(Self.base64(issued.certificatePEM))")
                lines.append("    client-key-data: \(Self.base64(issued.privateKeyPEM))")
            case .token(let token):
                lines.append("    token: \(Self.quoted(token))")
            case .basic(let username, let password):
                lines.append("    username: \(Self.quoted(username))")
                lines.append("    password: \(Self.quoted(password))")
            }
        }
        lines.append("contexts:")
        for context in contexts {
            lines.append("- name: \(context.name)")
            lines.append("  context:")
            lines.append("    cluster: \(clusterName)")
            lines.append("    user: \(context.name)")
            if let namespace = context.namespace { lines.append("    namespace: \(Self.quoted(namespace))") }
        }
        lines.append("current-context: \(currentContext ?? contexts.first?.name ?? "")")
        return lines.joined(separator: "\n") + "\n"
    }

    /// Writes the kubeconfig to `path` (mode 0600, as kubectl writes credentials).
    public func write(to path: String) throws {
        let url = URL(fileURLWithPath: path)
        try Data(yaml.utf8).write(to: url, options: .atomic)
        try FileManager.default.setAttributes([.posixPermissions: 0o600], ofItemAtPath: path)
    }
}

import Foundation
import KubeModel

/// The `ExecCredential` API versions a plugin may speak.
public enum ExecCredentialAPI: String, Sendable, CaseIterable {
    /// `client.authentication.k8s.io/v1`.
    case v1 = "client.authentication.k8s.io/v1"
    /// `client.authentication.k8s.io/v1beta1`.
    case v1beta1 = "client.authentication.k8s.io/v1beta1"
}

/// What an exec plugin issued: a bearer token, a client certificate, or both, valid until an expiry.
public struct IssuedCredential: Sendable {
    /// The bearer token.
    public var token: Secret?
    /// The client certificate and key.
    public var identity: ClientIdentity?
    /// `status.expirationTimestamp`; `nil` means valid until the server rejects it.
    public var expiry: Date?

    /// Creates an issued credential.
    public init(token: Secret?, identity: ClientIdentity?, expiry: Date?) {
        self.token = token
        self.identity = identity
        self.expiry = expiry
    }
}

/// Runs one exec credential plugin the way client-go does, without a shell, and validates what it prints.
///
/// The plugin's standard output carries the credential, so it is never copied into an error: a malformed
/// answer is described by what is wrong with it, not by what it said.
public enum ExecCredentialRunner {
    /// Runs the plugin and decodes its `ExecCredential`.
    public static func run(
        _ plugin: ExecPlugin,
        environment: KubeClientEnvironment
    ) async throws(KubeClientError) -> IssuedCredential {
        let config = plugin.config
        func failure(
            _ problem: String,
            exitStatus: Int32? = nil,
            standardError: String? = nil,
            hint: Bool = false
        ) -> KubeClientError {
            .credentials(
                CredentialProblem(
                    user: "user \"\(plugin.userName)\"",
                    command: config.command,
                    exitStatus: exitStatus,
                    standardError: standardError,
                    installHint: hint ? config.installHint.map(singleLine) : nil,
                    problem: problem
                )
            )
        }
        if config.interactiveMode == "Always" {
            throw failure(
                "the plugin requires an interactive terminal (interactiveMode: Always), which a gate does not have"
            )
        }
        guard let executable = locate(plugin.command, environment: environment) else {
            let place = plugin.command.contains("/") ? "at \(plugin.command)" : "on PATH"
            throw failure("the executable was not found \(place)", hint: true)
        }
        var variables = environment.variables
        for entry in config.env { variables[entry.name] = entry.value.exposedValue }
        let request = ExecCredentialRequest(
            apiVersion: config.apiVersion,
            spec: .init(cluster: plugin.clusterInfo, interactive: false)
        )
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        if let data = try? encoder.encode(request), let text = String(data: data, encoding: .utf8) {
            variables["KUBERNETES_EXEC_INFO"] = text
        }
        let output: ProcessOutput
        do {
            output = try await environment.processRunner.run(
                ProcessInvocation(executablePath: executable, arguments: config.args, environment: variables)
            )
        } catch is CancellationError {
            throw KubeClientError.cancelled
        } catch {
            throw failure("the plugin could not be started (\(error))")
        }
        if Task.isCancelled { throw KubeClientError.cancelled }
        let standardError = singleLine(String(decoding: output.standardError, as: UTF8.self))
        guard output.exitStatus == 0 else {
            let how = output.exitStatus < 0 ? "was killed by signal \(-output.exitStatus)" : "exited with a failure"
            throw failure(
                "the plugin \(how)",
                exitStatus: output.exitStatus < 0 ? nil : output.exitStatus,
                standardError: standardError
            )
        }
        let response: ExecCredentialResponse
        do {
            response = try JSONDecoder().decode(ExecCredentialResponse.self, from: output.standardOutput)
        } catch {
            throw failure("the plugin printed output that is not a valid ExecCredential JSON object")
        }
        guard response.kind == "ExecCredential" else {
            throw failure("the plugin printed an object of kind \"\(response.kind ?? "")\", expected ExecCredential")
        }
        guard response.apiVersion == config.apiVersion else {
            throw failure(
                "the plugin answered with apiVersion \"\(response.apiVersion ?? "")\" but is configured for \"\(config.apiVersion)\""
            )
        }
        guard let status = response.status else { throw failure("the plugin's ExecCredential has no status") }
        let token = status.token.flatMap { $0.isEmpty ? nil : $0 }
        let certificate = status.clientCertificateData?.exposedValue ?? ""
        let key = status.clientKeyData?.exposedValue ?? ""
        var identity: ClientIdentity?
        if !certificate.isEmpty || !key.isEmpty {
            guard !certificate.isEmpty, !key.isEmpty else {
                throw failure("the plugin returned only one of clientCertificateData and clientKeyData")
            }
            do {
                identity = try TLSMaterial.identity(
                    certificatePEM: Array(certificate.utf8),
                    keyPEM: Array(key.utf8),
                    certificateField: "status.clientCertificateData",
                    keyField: "status.clientKeyData",
                    source: "exec plugin output"
                )
            } catch {
                if case .invalidConfiguration(let problem) = error {
                    throw failure("the plugin's \(problem.field ?? "certificate") \(problem.problem)")
                }
                throw error
            }
        }
        guard token != nil || identity != nil else {
            throw failure("the plugin's ExecCredential has neither a token nor a client certificate")
        }
        var expiry: Date?
        if let text = status.expirationTimestamp, !text.isEmpty {
            guard let time = KubeTime(rfc3339: text) else {
                throw failure("the plugin's status.expirationTimestamp is not an RFC 3339 time")
            }
            expiry = time.date
        }
        return IssuedCredential(token: token, identity: identity, expiry: expiry)
    }

    /// Finds the program: a path is used as it is (when executable); a bare name is searched on `PATH`.
    static func locate(_ command: String, environment: KubeClientEnvironment) -> String? {
        if command.contains("/") {
            return environment.fileSystem.isExecutableFile(atPath: command) ? command : nil
        }
        let path = environment.variables["PATH"] ?? ""
        for folder in path.split(separator: ":", omittingEmptySubsequences: true) {
            let candidate = (String(folder) as NSString).appendingPathComponent(command)
            if environment.fileSystem.isExecutableFile(atPath: candidate) { return candidate }
        }
        return nil
    }

    /// Joins lines and shortens to the last 500 characters, so an error stays one readable sentence.
    static func singleLine(_ text: String) -> String {
        let joined = text.split(whereSeparator: \.isNewline).map { $0.trimmingCharacters(in: .whitespaces) }
            .filter { !$0.isEmpty }.joined(separator: " | ")
        return joined.count > 500 ? "…" + joined.suffix(500) : joined
    }
}

/// The `ExecCredential` handed to a plugin in `KUBERNETES_EXEC_INFO`.
private struct ExecCredentialRequest: Encodable {
    var apiVersion: String
    var kind = "ExecCredential"
    var spec: Spec

    struct Spec: Encodable {
        var cluster: ExecClusterInfo?
        var interactive: Bool
    }
}

/// The `ExecCredential` a plugin prints; every credential field is a ``Secret``.
private struct ExecCredentialResponse: Decodable {
    var apiVersion: String?
    var kind: String?
    var status: Status?

    struct Status: Decodable {
        var token: Secret?
        var clientCertificateData: Secret?
        var clientKeyData: Secret?
        var expirationTimestamp: String?
    }
}

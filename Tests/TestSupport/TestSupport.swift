import Foundation
import KubeSimulator
import Synchronization

/// A running simulator as tests see it: where it listens, credentials in every form, faults and counters.
///
/// Handed out by `withKubeSimulator(scenario:configuration:_:)`; valid only inside that closure.
public struct SimulatedAPIServer: Sendable {
    /// The simulator itself, for anything not wrapped here (`simulator.cluster.apply(...)` and so on).
    public let simulator: KubeSimulator
    /// A client certificate with an RSA 2048 key (PKCS#1 PEM) for the admin user, issued on first use.
    ///
    /// RSA key generation costs about a second of CPU in a debug build; issuing it for every simulator of a
    /// parallel test run would keep both CI cores busy for minutes.
    public var rsaClientCertificate: IssuedCertificate {
        get throws { try rsaCertificate.value() }
    }
    let rsaCertificate: LazyCertificate
    /// A client certificate with an EC P-256 key (PKCS#8 PEM) for the admin user.
    public let ecClientCertificate: IssuedCertificate

    /// The base URL, such as `https://127.0.0.1:43117`.
    public var url: String { simulator.url }
    /// The port.
    public var port: Int { simulator.port }
    /// The CA certificate PEM to trust.
    public var caCertificatePEM: String { simulator.pki.caCertificatePEM }
    /// A bearer token the simulator accepts (the first configured one, `sim-token` by default).
    public var token: String { simulator.configuration.tokens.keys.sorted().first ?? "sim-token" }
    /// A basic-auth user name and password the simulator accepts.
    public var basicCredentials: (username: String, password: String)? {
        simulator.configuration.basicUsers.sorted { $0.key < $1.key }.first.map { ($0.key, $0.value.password) }
    }
    /// The counters now (requests by verb/resource, open watch streams, bytes sent).
    public var statistics: SimulatorStatistics { simulator.statistics }

    /// Issues another client certificate, for a different user or groups (403 tests) or key type.
    public func clientCertificate(
        user: String,
        groups: [String] = [],
        keyType: ClientKeyType = .ec
    ) throws
        -> IssuedCertificate
    {
        try simulator.pki.issueClientCertificate(user: user, groups: groups, keyType: keyType)
    }

    /// How a written kubeconfig authenticates.
    public enum Authentication: Sendable {
        /// The RSA or EC admin client certificate.
        case clientCertificate(ClientKeyType)
        /// A bearer token (the simulator's by default; pass another to test a wrong one).
        case token(String? = nil)
        /// Basic auth with the configured user.
        case basic
    }

    /// A kubeconfig document for one authentication mode, with context `sim` and an optional namespace.
    public func kubeconfig(
        _ authentication: Authentication,
        namespace: String? = nil,
        tlsServerName: String? = nil
    )
        throws -> KubeconfigDocument
    {
        let credential: KubeconfigDocument.Credential
        switch authentication {
        case .clientCertificate(.rsa): credential = .clientCertificate(try rsaClientCertificate)
        case .clientCertificate(.ec): credential = .clientCertificate(ecClientCertificate)
        case .token(let value): credential = .token(value ?? token)
        case .basic:
            let basic = basicCredentials ?? ("admin", "sim-password")
            credential = .basic(username: basic.username, password: basic.password)
        }
        return simulator.kubeconfig(
            contexts: [.init(name: "sim", credential: credential, namespace: namespace)],
            tlsServerName: tlsServerName
        )
    }

    /// Writes a kubeconfig for one authentication mode into `directory` and returns its path.
    public func writeKubeconfig(
        _ authentication: Authentication,
        namespace: String? = nil,
        in directory: URL = FileManager.default.temporaryDirectory
    ) throws -> String {
        let path = directory.appendingPathComponent("kube-sim-\(port)-\(UUID().uuidString).kubeconfig").path
        try kubeconfig(authentication, namespace: namespace).write(to: path)
        return path
    }

    // MARK: Faults, forwarded

    /// Arms a fault for the next matching requests.
    public func inject(_ rule: FaultRule) { simulator.inject(rule) }
    /// Answers the next `count` matching requests with `code` (429, 500, 503, …).
    public func failNext(
        _ count: Int,
        with code: Int,
        retryAfterSeconds: Int? = nil,
        verbs: Set<String>? = nil,
        resources: Set<String>? = nil
    ) {
        simulator.inject(
            FaultRule(
                action: .status(code: code, retryAfterSeconds: retryAfterSeconds),
                count: count,
                verbs: verbs,
                resources: resources
            )
        )
    }
    /// Ends every open watch stream cleanly.
    public func closeAllWatchStreams() { simulator.closeAllWatchStreams() }
    /// Cuts every open watch stream mid-line.
    public func dropAllWatchStreams() { simulator.dropAllWatchStreams() }
    /// Silences every open watch stream.
    public func stallAllWatchStreams() { simulator.stallAllWatchStreams() }
    /// Makes the next resume from an earlier resourceVersion get 410.
    public func expireHistory() { simulator.expireHistory() }
    /// Replaces the accepted bearer tokens.
    public func rotateTokens(to tokens: [String]) { simulator.setTokens(tokens) }
    /// Stops listening and closes everything.
    public func goAway() { simulator.goAway() }
    /// Listens again on the same port.
    public func comeBack() { simulator.comeBack() }

    /// Waits until `condition` holds, checking after each yield and short sleep, up to `timeout`.
    ///
    /// For "eventually" assertions against the live server (such as all watch streams closed after a
    /// client cancels); the timeout is generous because CI machines are loaded.
    public func eventually(
        timeout: Duration = .seconds(30),
        _ condition: () -> Bool
    ) async throws -> Bool {
        let clock = ContinuousClock()
        let deadline = clock.now + timeout
        while clock.now < deadline {
            if condition() { return true }
            try await clock.sleep(for: .milliseconds(10))
        }
        return condition()
    }
}

/// Runs an in-process simulator over TLS on 127.0.0.1 (port 0) for the duration of `body`.
///
/// Everything a client test needs comes with it: the URL, the CA, a token, RSA and EC client
/// certificates, kubeconfig writers, faults and counters. The simulator stops, closing every stream and
/// connection, when `body` returns or throws.
///
/// ```swift
/// @Test func listsDeploymentsAndSurvivesAnOutage() async throws {
///     let scenario = try Scenario.parse(yaml: """
///         objects:
///         - apiVersion: apps/v1
///           kind: Deployment
///           metadata: {name: web, namespace: shop}
///           spec: {selector: {matchLabels: {app: web}}, template: {metadata: {labels: {app: web}},
///                  spec: {containers: [{name: app, image: web:1}]}}}
///         """)
///     try await withKubeSimulator(scenario: scenario) { sim in
///         let kubeconfig = try sim.writeKubeconfig(.clientCertificate(.rsa))
///         sim.failNext(2, with: 503, verbs: ["list"], resources: ["deployments"])
///         // … point the client at `kubeconfig`, list deployments in "shop", expect one after retries …
///         #expect(sim.statistics.requests["list"]?["deployments"] == 3)
///         #expect(try await sim.eventually { sim.statistics.watchStreamsOpen == 0 })
///     }
/// }
/// ```
public func withKubeSimulator<Result>(
    scenario: Scenario = .empty,
    configuration: KubeSimulatorConfiguration = KubeSimulatorConfiguration(),
    _ body: (SimulatedAPIServer) async throws -> Result
) async throws -> Result {
    try await KubeSimulator.withSimulator(scenario: scenario, configuration: configuration) { simulator in
        let identity = KubeSimulatorConfiguration.adminIdentity
        let groups = identity.groups.filter { $0 != "system:authenticated" }
        let server = SimulatedAPIServer(
            simulator: simulator,
            rsaCertificate: LazyCertificate {
                try simulator.pki.issueClientCertificate(user: identity.user, groups: groups, keyType: .rsa)
            },
            ecClientCertificate: try simulator.pki.issueClientCertificate(
                user: identity.user,
                groups: groups,
                keyType: .ec
            )
        )
        return try await body(server)
    }
}

/// A certificate issued once, on first use.
final class LazyCertificate: Sendable {
    private let issue: @Sendable () throws -> IssuedCertificate
    private let issued = Mutex<IssuedCertificate?>(nil)

    init(_ issue: @escaping @Sendable () throws -> IssuedCertificate) {
        self.issue = issue
    }

    func value() throws -> IssuedCertificate {
        try issued.withLock { issued in
            if let issued { return issued }
            let certificate = try issue()
            issued = certificate
            return certificate
        }
    }
}

/// Paths to the repository's files, for tests that load example scenarios.
public enum RepositoryFiles {
    /// The repository root (found from this source file's location).
    public static var root: URL {
        URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent()
    }

    /// The path of `examples/scenarios/NAME` (with or without `.yaml`).
    public static func scenario(_ name: String) -> String {
        let file = name.hasSuffix(".yaml") ? name : "\(name).yaml"
        return root.appendingPathComponent("examples/scenarios").appendingPathComponent(file).path
    }
}

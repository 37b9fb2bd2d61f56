import Foundation
import NIOSSL
import Synchronization

/// A running simulated Kubernetes API server: HTTPS on 127.0.0.1 with its own CA, a store with watch,
/// a scenario playing, fault injection and counters.
///
/// Start one with `withSimulator(scenario:configuration:_:)`; it stops when the closure returns. Tests
/// usually go through `withKubeSimulator` in `TestSupport`, which adds client certificates and kubeconfigs.
///
/// ```swift
/// try await KubeSimulator.withSimulator(scenario: scenario) { sim in
///     print(sim.url)                     // https://127.0.0.1:43117
///     sim.inject(FaultRule(action: .status(code: 503, retryAfterSeconds: nil), count: 2, verbs: ["list"]))
///     // … run a client against sim.url with sim.pki.caCertificatePEM and the token "sim-token" …
///     #expect(sim.statistics.watchStreamsOpen == 0)
/// }
/// ```
public final class KubeSimulator: Sendable {
    /// The configuration it runs with.
    public let configuration: KubeSimulatorConfiguration
    /// The CA, the server certificate, and client certificate issuance.
    public let pki: SimulatorPKI
    /// The cluster state: read objects, write as the behaviour would, expire history.
    public let cluster: SimulatedCluster
    let server: SimulatorServer
    let runner: ScenarioRunner
    let authenticator: Authenticator
    let faults: FaultInjector
    let recorder: StatisticsRecorder
    private let boundPort = PortBox()

    init(scenario: Scenario, configuration: KubeSimulatorConfiguration) throws {
        self.configuration = configuration
        pki = try SimulatorPKI(
            extraServerNames: configuration.extraServerNames,
            includesLoopbackNames: configuration.serverCertificateIncludesLoopbackNames
        )
        let clock = SimulationClock(clock: configuration.clock)
        cluster = SimulatedCluster(
            historyLimit: configuration.historyLimit,
            behaviour: scenario.behaviour,
            clock: clock,
            journalLimit: configuration.publishJournalLimit,
            wallClock: configuration.wallClock,
            eventTTL: configuration.eventTTL
        )
        runner = ScenarioRunner(
            cluster: cluster,
            timeline: scenario.timeline,
            diagnostics: configuration.diagnostics ?? { _ in },
            file: scenario.file
        )
        runner.seed(scenario.objects)
        authenticator = Authenticator(
            tokens: configuration.tokens,
            basicUsers: configuration.basicUsers,
            anonymous: configuration.allowsAnonymous
        )
        faults = FaultInjector()
        recorder = StatisticsRecorder()
        var tlsContext: NIOSSLContext?
        if configuration.transport == .https {
            var tls = TLSConfiguration.makeServerConfiguration(
                certificateChain: try NIOSSLCertificate.fromPEMBytes(Array(pki.server.certificatePEM.utf8)).map {
                    .certificate($0)
                },
                privateKey: .privateKey(try NIOSSLPrivateKey(bytes: Array(pki.server.privateKeyPEM.utf8), format: .pem))
            )
            tls.certificateVerification = .optionalVerification
            tls.trustRoots = .certificates(try NIOSSLCertificate.fromPEMBytes(Array(pki.caCertificatePEM.utf8)))
            tls.applicationProtocols =
                configuration.http2MaxConcurrentStreams == nil ? ["http/1.1"] : ["h2", "http/1.1"]
            tls.minimumTLSVersion = .tlsv12
            if let newest = configuration.maximumTLSVersion {
                let versions: [KubeSimulatorConfiguration.TLSVersion: TLSVersion] = [
                    .tls1_0: .tlsv1, .tls1_1: .tlsv11, .tls1_2: .tlsv12, .tls1_3: .tlsv13,
                ]
                tls.maximumTLSVersion = versions[newest]
                if newest < .tls1_2 { tls.minimumTLSVersion = .tlsv1 }
            }
            tlsContext = try NIOSSLContext(configuration: tls)
        }
        let port = boundPort
        let host = configuration.host
        let handler = APIHandler(
            cluster: cluster,
            settings: APISettings(
                serverAddress: { "\(host):\(port.value)" },
                denyRules: configuration.denyRules,
                defaultWatchTimeout: configuration.defaultWatchTimeout
            )
        )
        let controlBox = ControlBox()
        server = SimulatorServer(
            settings: ServerSettings(
                host: configuration.host,
                tls: tlsContext,
                http2MaxConcurrentStreams: configuration.http2MaxConcurrentStreams,
                maxBodyBytes: configuration.maxRequestBodyBytes,
                bookmarkInterval: configuration.bookmarkInterval,
                requestLog: configuration.requestLog
            ),
            handler: handler,
            authenticator: authenticator,
            faults: faults,
            statistics: recorder,
            pki: pki,
            timer: SimulationClock(clock: configuration.networkClock),
            control: { request in controlBox.handle(request) }
        )
        controlBox.simulator.withLock { $0 = WeakSimulator(self) }
    }

    /// Runs a simulator for the duration of `body`, then stops it: every watch stream and connection is
    /// closed before this returns.
    public static func withSimulator<Result>(
        scenario: Scenario = .empty,
        configuration: KubeSimulatorConfiguration = KubeSimulatorConfiguration(),
        _ body: (KubeSimulator) async throws -> Result
    ) async throws -> Result {
        let simulator = try KubeSimulator(scenario: scenario, configuration: configuration)
        let (serverChannel, port) = try await simulator.server.bind(port: configuration.port)
        simulator.boundPort.set(port)
        return try await withThrowingTaskGroup(of: Void.self) { group in
            group.addTask { await simulator.server.run(initial: serverChannel) }
            group.addTask { await simulator.runner.run() }
            let result: Result
            do {
                result = try await body(simulator)
            } catch {
                simulator.stop()
                group.cancelAll()
                try await group.waitForAll()
                throw error
            }
            simulator.stop()
            group.cancelAll()
            try await group.waitForAll()
            return result
        }
    }

    private func stop() {
        cluster.finishAllWatches(.serverStopping)
        server.stop()
    }

    // MARK: Address

    /// The port the simulator listens on.
    public var port: Int { boundPort.value }

    /// The base URL, such as `https://127.0.0.1:43117`.
    public var url: String { "\(configuration.transport.rawValue)://\(configuration.host):\(port)" }

    // MARK: Credentials

    /// Replaces the accepted bearer tokens (all as the admin identity): a token rotation.
    public func setTokens(_ tokens: [String]) {
        authenticator.setTokens(
            Dictionary(tokens.map { ($0, KubeSimulatorConfiguration.adminIdentity) }) { first, _ in first }
        )
    }

    /// Replaces the accepted bearer tokens with their identities.
    public func setTokens(_ tokens: [String: Identity]) {
        authenticator.setTokens(tokens)
    }

    /// A kubeconfig for this simulator with the given contexts (the first is current).
    public func kubeconfig(contexts: [KubeconfigDocument.Context], tlsServerName: String? = nil) -> KubeconfigDocument {
        KubeconfigDocument(
            server: url,
            certificateAuthorityPEM: configuration.transport == .https ? pki.caCertificatePEM : nil,
            contexts: contexts,
            tlsServerName: tlsServerName
        )
    }

    // MARK: Faults

    /// Arms a fault for the next matching requests.
    public func inject(_ rule: FaultRule) {
        faults.add(rule)
    }

    /// Disarms every fault rule.
    public func clearFaults() {
        faults.clear()
    }

    /// Ends every open watch stream cleanly (the response ends; the connection may be reused).
    public func closeAllWatchStreams() {
        cluster.finishAllWatches(.closedByFault)
    }

    /// Cuts every open watch stream in the middle of an event line and closes its connection.
    public func dropAllWatchStreams() {
        cluster.finishAllWatches(.droppedByFault)
    }

    /// Makes every open watch stream go silent (headers sent, connection open, no more events).
    public func stallAllWatchStreams() {
        cluster.stallAllWatches()
    }

    /// Forgets the watch history: the next resume from an earlier resourceVersion gets 410 Expired.
    public func expireHistory() {
        cluster.expireHistory()
    }

    /// Stops listening and closes every connection; `comeBack()` listens again on the same port.
    public func goAway() {
        cluster.finishAllWatches(.serverStopping)
        server.goAway()
    }

    /// Listens again on the same port after `goAway()`.
    public func comeBack() {
        server.comeBack()
    }

    /// Whether the simulator is listening (false while gone away).
    public var isListening: Bool { server.isListening }

    // MARK: Counters

    /// The counters now.
    public var statistics: SimulatorStatistics { recorder.snapshot }
}

/// The bound port, shared with the discovery document that reports it.
private final class PortBox: Sendable {
    private let port = Mutex(0)

    var value: Int { port.withLock { $0 } }

    func set(_ value: Int) {
        port.withLock { $0 = value }
    }
}

/// A weak reference, so the control endpoint can reach the simulator that owns the server.
private struct WeakSimulator: Sendable {
    weak var simulator: KubeSimulator?

    init(_ simulator: KubeSimulator) {
        self.simulator = simulator
    }
}

/// Routes `/sim/...` requests to the simulator once it is fully built.
private final class ControlBox: Sendable {
    let simulator = Mutex<WeakSimulator?>(nil)

    func handle(_ request: APIRequest) -> ControlResponse {
        guard let simulator = simulator.withLock({ $0?.simulator }) else {
            return ControlResponse(
                response: .error(APIError(code: 503, reason: "ServiceUnavailable", message: "starting"))
            )
        }
        return ControlEndpoint(simulator: simulator).handle(request)
    }
}

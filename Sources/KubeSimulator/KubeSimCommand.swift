import ArgumentParser
import Foundation

/// The `kube-sim` command: serves a simulated Kubernetes API for tests, benchmarks and the demo.
public struct KubeSimCommand: AsyncParsableCommand {
    /// The command's name, help and subcommands.
    public static let configuration = CommandConfiguration(
        commandName: "kube-sim",
        abstract: "A simulated Kubernetes API server for tests, benchmarks and the demo.",
        subcommands: [Serve.self],
        defaultSubcommand: Serve.self
    )

    /// Creates the command (ArgumentParser requirement).
    public init() {}
}

extension KubeSimCommand {
    /// `kube-sim serve`: plays a scenario and serves it until SIGINT or SIGTERM.
    public struct Serve: AsyncParsableCommand {
        /// The subcommand's name and help.
        public static let configuration = CommandConfiguration(
            abstract: "Serve a scenario over HTTPS (or HTTP) on 127.0.0.1.",
            discussion: """
                Prints one line, READY <url>, on stdout once it accepts connections. Writes a kubeconfig with \
                the contexts sim-cert (the current one; a client certificate), sim-token and sim-basic, plus one \
                file per context next to it (PATH-cert, PATH-token, PATH-basic). Faults and counters are under \
                /sim/ on the same port (GET /sim/stats, POST /sim/faults, POST /sim/watches/close, \
                POST /sim/history/expire, POST /sim/go-away?seconds=N, PUT /sim/tokens, POST /sim/clock/advance?seconds=N, \
                GET /sim/published?kind=K&namespace=N&name=X&signal=S&afterResourceVersion=RV&limit=N).
                """
        )

        /// The scenario file.
        @Option(name: .long, help: "The scenario YAML file (omit for an empty cluster whose controllers run).")
        public var scenario: String?

        /// The port.
        @Option(name: .long, help: "The port; 0 picks a free one.")
        public var port = 0

        /// Plain HTTP instead of HTTPS.
        @Flag(name: .long, help: "Serve plain HTTP instead of HTTPS (no client certificates).")
        public var http = false

        /// The accepted bearer token.
        @Option(name: .long, help: "The bearer token to accept (repeatable).")
        public var token: [String] = []

        /// Where to write the kubeconfig.
        @Option(name: .long, help: "Where to write the kubeconfig.")
        public var kubeconfigOut: String?

        /// The retained history per kind.
        @Option(name: .long, help: "Changes kept per kind for watch resumes; older resourceVersions get 410.")
        public var historySize = 10_000

        /// The bookmark interval.
        @Option(name: .long, help: "Seconds between watch BOOKMARK events.")
        public var bookmarkInterval: Double = 30

        /// Extra server certificate names.
        @Option(name: .long, help: "An extra DNS name in the server certificate (repeatable).")
        public var serverName: [String] = []

        /// Whether the server certificate also names localhost and 127.0.0.1.
        @Flag(
            name: .long,
            inversion: .prefixedNo,
            help:
                "Put localhost and 127.0.0.1 in the server certificate (--no-loopback-names: only --server-name names)."
        )
        public var loopbackNames = true

        /// HTTP/2.
        @Option(
            name: .long,
            help: "Offer HTTP/2 by ALPN with this many concurrent streams per connection (kube-apiserver: 100)."
        )
        public var http2Streams: Int?

        /// The event TTL.
        @Option(name: .long, help: "Seconds an Event lives after its last write, as kube-apiserver's --event-ttl.")
        public var eventTTL: Double = 3600

        /// The publish journal's size.
        @Option(name: .long, help: "Published changes kept for GET /sim/published (0: none).")
        public var journalSize = 100_000

        /// Scenario time under test control.
        @Flag(
            name: .long,
            help: "Scenario time stands still until POST /sim/clock/advance?seconds=N moves it (for tests)."
        )
        public var manualClock = false

        /// Request logging.
        @Flag(name: .long, help: "Log every request to stderr.")
        public var verbose = false

        /// Creates the command (ArgumentParser requirement).
        public init() {}

        /// Runs the server until a signal arrives.
        public func run() async throws {
            let scenario: Scenario
            // A ScenarioError prints as one line, `FILE:LINE: problem`, and exits 1 (no usage text).
            scenario = try scenarioFile.map { try Scenario.load(file: $0) } ?? .standard
            var configuration = KubeSimulatorConfiguration()
            configuration.port = port
            configuration.transport = http ? .http : .https
            if !token.isEmpty {
                configuration.tokens = Dictionary(token.map { ($0, KubeSimulatorConfiguration.adminIdentity) }) {
                    a,
                    _ in a
                }
            }
            configuration.historyLimit = historySize
            configuration.eventTTL = .milliseconds(Int64(eventTTL * 1000))
            configuration.publishJournalLimit = journalSize
            configuration.bookmarkInterval = .milliseconds(Int64(bookmarkInterval * 1000))
            configuration.extraServerNames = serverName
            configuration.serverCertificateIncludesLoopbackNames = loopbackNames
            if manualClock { configuration.clock = ManualClock() }
            configuration.http2MaxConcurrentStreams = http2Streams
            let standardError = StandardError()
            if verbose { configuration.requestLog = { standardError.write($0) } }
            configuration.diagnostics = { standardError.write($0) }
            let signals = SignalWaiter()
            try await KubeSimulator.withSimulator(scenario: scenario, configuration: configuration) { simulator in
                if let kubeconfigOut {
                    try writeKubeconfigs(simulator, path: kubeconfigOut)
                }
                StandardOutput.line("READY \(simulator.url)")
                let signal = await signals.wait()
                if verbose { standardError.write("kube-sim: \(signal), stopping") }
            }
        }

        private var scenarioFile: String? { scenario }

        private func writeKubeconfigs(_ simulator: KubeSimulator, path: String) throws {
            let token = simulator.configuration.tokens.keys.sorted().first ?? "sim-token"
            let basic = simulator.configuration.basicUsers.sorted { $0.key < $1.key }.first
            var contexts: [KubeconfigDocument.Context] = []
            if simulator.configuration.transport == .https {
                let certificate = try simulator.pki.issueClientCertificate(
                    user: KubeSimulatorConfiguration.adminIdentity.user,
                    groups: ["system:masters"]
                )
                contexts.append(.init(name: "sim-cert", credential: .clientCertificate(certificate)))
            }
            contexts.append(.init(name: "sim-token", credential: .token(token)))
            if let basic {
                contexts.append(
                    .init(name: "sim-basic", credential: .basic(username: basic.key, password: basic.value.password))
                )
            }
            try simulator.kubeconfig(contexts: contexts).write(to: path)
            for context in contexts {
                let suffix = context.name.replacingOccurrences(of: "sim-", with: "")
                try simulator.kubeconfig(contexts: [context]).write(to: "\(path)-\(suffix)")
            }
        }
    }
}

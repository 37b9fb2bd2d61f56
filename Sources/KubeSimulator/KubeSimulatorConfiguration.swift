/// How a simulator is set up; every property documents its default.
public struct KubeSimulatorConfiguration: Sendable {
    /// Plain HTTP or HTTPS.
    public enum Transport: String, Sendable {
        /// TLS with the simulator's own CA (the default).
        case https
        /// Plain HTTP; only bearer tokens and basic auth can authenticate.
        case http
    }

    /// A TLS protocol version the server may speak.
    public enum TLSVersion: String, Sendable, Comparable, CaseIterable {
        /// TLS 1.0.
        case tls1_0 = "1.0"
        /// TLS 1.1.
        case tls1_1 = "1.1"
        /// TLS 1.2.
        case tls1_2 = "1.2"
        /// TLS 1.3.
        case tls1_3 = "1.3"

        /// Orders versions from oldest to newest.
        public static func < (lhs: TLSVersion, rhs: TLSVersion) -> Bool {
            allCases.firstIndex(of: lhs) ?? 0 < allCases.firstIndex(of: rhs) ?? 0
        }
    }

    /// The identity the default token, basic user and client certificate use: a cluster admin.
    public static let adminIdentity = Identity(
        user: "kube-sim-admin",
        groups: ["system:masters", "system:authenticated"]
    )

    /// The address to listen on.
    ///
    /// Default `127.0.0.1`.
    public var host = "127.0.0.1"
    /// The port; 0 (the default) lets the system choose, and the chosen port is reported.
    public var port = 0
    /// HTTP or HTTPS.
    ///
    /// Default HTTPS.
    public var transport = Transport.https
    /// The newest TLS version the server accepts; nil (the default) accepts TLS 1.2 and 1.3, as kube-apiserver.
    ///
    /// Set `.tls1_1` to play an outdated server that only speaks TLS 1.0 and 1.1, which a client requiring
    /// TLS 1.2 must refuse.
    public var maximumTLSVersion: TLSVersion?
    /// The HTTP/2 stream limit per connection, when HTTP/2 is offered; nil (the default) offers HTTP/1.1 only.
    ///
    /// kube-apiserver offers HTTP/2 (ALPN `h2`) and allows 100 concurrent streams per connection; set 100 to
    /// test a client against that limit (a 101st watch on one connection waits). Only over HTTPS.
    public var http2MaxConcurrentStreams: Int?
    /// Accepted bearer tokens and who they authenticate as.
    ///
    /// Default: `sim-token` as the admin.
    public var tokens: [String: Identity] = ["sim-token": adminIdentity]
    /// Accepted basic-auth users.
    ///
    /// Default: `admin` / `sim-password` as the admin.
    public var basicUsers: [String: BasicUser] = ["admin": BasicUser(password: "sim-password", identity: adminIdentity)]
    /// Whether requests without credentials are served (as `system:anonymous`).
    ///
    /// Default false: they get 401.
    public var allowsAnonymous = false
    /// Extra DNS names in the server certificate, for `tls-server-name` tests.
    ///
    /// Default none.
    public var extraServerNames: [String] = []
    /// Whether the server certificate also holds `localhost` and `127.0.0.1`.
    ///
    /// Default true. Set false (with at least one `extraServerNames` entry) so that only the extra names
    /// verify: a client must then send the right `tls-server-name`, and a wrong one fails verification.
    public var serverCertificateIncludesLoopbackNames = true
    /// Changes retained per kind for watch resumes and paging; older resourceVersions get 410.
    ///
    /// Default 10 000.
    public var historyLimit = 10_000
    /// The interval between BOOKMARK events on watches that allow them.
    ///
    /// Default 30 s (kube-apiserver: about 1 min).
    public var bookmarkInterval: Duration = .seconds(30)
    /// The watch timeout when a client gives no `timeoutSeconds`.
    ///
    /// Default 30 min.
    public var defaultWatchTimeout: Duration = .seconds(1800)
    /// Deny rules answered with 403.
    ///
    /// Default none.
    public var denyRules: [AccessRule] = []
    /// The largest request body accepted (413 beyond).
    ///
    /// Default 3 MiB, as kube-apiserver.
    public var maxRequestBodyBytes = 3 * 1024 * 1024
    /// Scenario time: drives the timeline and the behaviour model.
    ///
    /// Default `ContinuousClock`; tests inject a manual clock.
    public var clock: any Clock<Duration> = ContinuousClock()
    /// Network time: watch timeouts, bookmark intervals, delay faults and retries.
    ///
    /// Default `ContinuousClock`.
    public var networkClock: any Clock<Duration> = ContinuousClock()
    /// How long an Event lives after its last write, as kube-apiserver's `--event-ttl`; nil keeps them forever.
    ///
    /// Default 1 h, kube-apiserver's default. Events are most of a large scenario's objects (five per pod,
    /// about 4 KB each in memory): a long benchmark loop can bound them with a shorter TTL.
    public var eventTTL: Duration? = .seconds(3600)
    /// How many published changes the publish journal keeps (`GET /sim/published`); 0 turns it off.
    ///
    /// Default 100 000 (about 10 MB).
    public var publishJournalLimit = 100_000
    /// The wall clock that stamps the publish journal, in nanoseconds since the epoch.
    ///
    /// Default `CLOCK_REALTIME`, so a benchmark can compare it with its own wall-clock times.
    public var wallClock: @Sendable () -> Int64 = { PublishJournal.realtimeNanoseconds() }
    /// Receives one line per request (`kube-sim --verbose`).
    ///
    /// Default none.
    public var requestLog: (@Sendable (String) -> Void)?
    /// Receives problems found while playing a timeline.
    ///
    /// Default none.
    public var diagnostics: (@Sendable (String) -> Void)?

    /// The default configuration.
    public init() {}
}

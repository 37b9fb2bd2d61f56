/// Limits and timeouts of the HTTP transport; every default is chosen for a gate that holds hundreds of
/// watches to one API server from a CI runner.
public struct TransportOptions: Sendable, Hashable {
    /// How long a TCP + TLS connection may take.
    ///
    /// Default 5 s. Connection attempts are not retried inside the HTTP client, so a refused connection surfaces at
    /// once instead of after the connect timeout.
    public var connectTimeout: Duration
    /// The deadline of a whole non-watch request (get, list page, logs).
    ///
    /// Default 60 s.
    public var requestTimeout: Duration
    /// A watch that receives no bytes for this long is considered stalled and is reconnected.
    ///
    /// Default 120 s: twice the API server's bookmark interval (about a minute), so bookmarks keep a quiet but
    /// healthy watch alive. It is enforced as the HTTP client's read timeout, so it also bounds silence on other
    /// requests.
    public var idleTimeout: Duration
    /// The server-side lifetime asked for each watch request (`timeoutSeconds`), as client-go: the server ends the
    /// stream cleanly and the watch resumes.
    ///
    /// Default 300 s; a random part up to the same length is added so hundreds of watches do not all reconnect at once.
    public var watchTimeoutSeconds: Int
    /// How many HTTP clients (each with its own connection pool) share the requests at first.
    ///
    /// Default 4.
    ///
    /// Over HTTP/2 one client keeps a single connection per host, and kube-apiserver allows 100 concurrent
    /// streams per connection (a 101st watch waits silently). Each request leases the least loaded client,
    /// and another client is created when every client carries ``streamsPerClient`` requests. Over HTTP/1.1
    /// every watch has its own connection and ``http1ConnectionsPerClient`` bounds them instead.
    public var clientCount: Int
    /// How many concurrent requests (watch streams included) one client carries before another is created.
    ///
    /// Default 100: kube-apiserver's limit of concurrent HTTP/2 streams per connection since the 2023
    /// rapid-reset fix (`--http2-max-streams-per-connection`).
    public var streamsPerClient: Int
    /// The HTTP/1.1 connection limit per client and host (AsyncHTTPClient's default of 8 would queue all but 8
    /// watches).
    ///
    /// Default 512.
    public var http1ConnectionsPerClient: Int
    /// Whether HTTP/2 may be negotiated (it is used when the server offers it).
    ///
    /// Default true.
    public var allowsHTTP2: Bool
    /// How long a TLS close waits for the server's close_notify.
    ///
    /// Default 100 ms instead of NIOSSL's 5 s, so cancelled watches release their connections promptly.
    public var tlsShutdownTimeout: Duration
    /// The `User-Agent` header.
    public var userAgent: String
    /// The largest non-watch response body accepted.
    ///
    /// Default 512 MiB.
    public var maxResponseBytes: Int
    /// The longest single watch event line accepted.
    ///
    /// Default 64 MiB (a huge object is an error, not a crash).
    public var maxEventBytes: Int
    /// Items per list page (`limit`).
    ///
    /// Default 500, as kubectl.
    public var listPageSize: Int
    /// Retry policy for watches and their lists.
    public var retry: RetryPolicy

    /// The default User-Agent product name and version.
    public static let defaultUserAgent = "rollout-status/0.1.0"

    /// Creates options; every parameter defaults to the value documented on its property.
    public init(
        connectTimeout: Duration = .seconds(5),
        requestTimeout: Duration = .seconds(60),
        idleTimeout: Duration = .seconds(120),
        watchTimeoutSeconds: Int = 300,
        clientCount: Int = 4,
        streamsPerClient: Int = 100,
        http1ConnectionsPerClient: Int = 512,
        allowsHTTP2: Bool = true,
        tlsShutdownTimeout: Duration = .milliseconds(100),
        userAgent: String = TransportOptions.defaultUserAgent,
        maxResponseBytes: Int = 512 << 20,
        maxEventBytes: Int = 64 << 20,
        listPageSize: Int = 500,
        retry: RetryPolicy = RetryPolicy()
    ) {
        self.connectTimeout = connectTimeout
        self.requestTimeout = requestTimeout
        self.idleTimeout = idleTimeout
        self.watchTimeoutSeconds = watchTimeoutSeconds
        self.clientCount = clientCount
        self.streamsPerClient = streamsPerClient
        self.http1ConnectionsPerClient = http1ConnectionsPerClient
        self.allowsHTTP2 = allowsHTTP2
        self.tlsShutdownTimeout = tlsShutdownTimeout
        self.userAgent = userAgent
        self.maxResponseBytes = maxResponseBytes
        self.maxEventBytes = maxEventBytes
        self.listPageSize = listPageSize
        self.retry = retry
    }
}

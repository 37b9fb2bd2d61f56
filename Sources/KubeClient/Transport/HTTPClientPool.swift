import AsyncHTTPClient
import NIOCore
import NIOSSL
import Synchronization

/// `HTTPClient`s to one API server, handed out least-loaded first, with one more created whenever every
/// client already carries ``TransportOptions/streamsPerClient`` requests.
///
/// One client would do for HTTP/1.1 (its pool opens a connection per watch up to the raised limit), but over
/// HTTP/2 AsyncHTTPClient keeps one connection per host and kube-apiserver serves at most 100 concurrent
/// streams on it: watch number 101 would wait silently. Several clients mean several connections, and
/// leasing the least-loaded client spreads long-lived streams evenly across them; growing on demand means
/// no number of watches can queue behind a full connection.
final class HTTPClientPool: Sendable {
    /// The TLS configuration every client uses; requests with a run-time identity start from it.
    let baseTLS: TLSConfiguration
    private let configuration: HTTPClient.Configuration
    private let streamsPerClient: Int
    private let state: Mutex<State>

    private struct State {
        var clients: [HTTPClient]
        var load: [Int]
    }

    init(configuration: ClientConfiguration) throws(KubeClientError) {
        let transport = configuration.transport
        var tls = TLSConfiguration.makeClientConfiguration()
        tls.minimumTLSVersion = .tlsv12
        if let roots = configuration.tls.trustRoots { tls.trustRoots = .certificates(roots) }
        tls.certificateVerification = configuration.tls.verifiesServer ? .fullVerification : .none
        if let identity = configuration.tls.clientIdentity {
            tls.certificateChain = identity.certificateChain.map { .certificate($0) }
            tls.privateKey = .privateKey(identity.privateKey)
        }
        tls.shutdownTimeout = TimeAmount(transport.tlsShutdownTimeout)
        baseTLS = tls
        var http = HTTPClient.Configuration(tlsConfiguration: tls)
        http.httpVersion = transport.allowsHTTP2 ? .automatic : .http1Only
        http.timeout = .init(connect: TimeAmount(transport.connectTimeout), read: TimeAmount(transport.idleTimeout))
        http.connectionPool = .init(
            idleTimeout: .seconds(60),
            concurrentHTTP1ConnectionsPerHostSoftLimit: max(1, transport.http1ConnectionsPerClient)
        )
        // A refused connection must surface at once, not after the connect timeout; watches retry themselves.
        http.connectionPool.retryConnectionEstablishment = false
        http.redirectConfiguration = .disallow
        if let serverName = configuration.tls.serverName, serverName != configuration.server.host {
            // AsyncHTTPClient takes SNI and the verified name from the URL's host; the URL carries the
            // tls-server-name and this override sends the connection to the real address.
            http.dnsOverride = [serverName: configuration.server.host]
        }
        if let proxy = configuration.proxy {
            switch proxy.kind {
            case .http:
                let authorization = proxy.username.map {
                    HTTPClient.Authorization.basic(username: $0, password: proxy.password?.exposedValue ?? "")
                }
                http.proxy = .server(host: proxy.host, port: proxy.port, authorization: authorization)
            case .socks5:
                http.proxy = .socksServer(host: proxy.host, port: proxy.port)
            }
        }
        self.configuration = http
        streamsPerClient = max(1, transport.streamsPerClient)
        let count = max(1, transport.clientCount)
        state = Mutex(
            State(
                clients: (0..<count).map { _ in
                    HTTPClient(eventLoopGroup: HTTPClient.defaultEventLoopGroup, configuration: http)
                },
                load: Array(repeating: 0, count: count)
            )
        )
    }

    /// How many clients exist now (they are created on demand).
    var clientCount: Int { state.withLock { $0.clients.count } }

    /// Leases the least-loaded client until the lease is released (or dropped); creates a new client when
    /// even the least-loaded one carries ``TransportOptions/streamsPerClient`` requests.
    func lease() -> Lease {
        let (client, index) = state.withLock { state in
            var best = 0
            for index in state.load.indices where state.load[index] < state.load[best] { best = index }
            if state.load[best] >= streamsPerClient {
                state.clients.append(
                    HTTPClient(eventLoopGroup: HTTPClient.defaultEventLoopGroup, configuration: configuration)
                )
                state.load.append(0)
                best = state.clients.count - 1
            }
            state.load[best] += 1
            return (state.clients[best], best)
        }
        return Lease(pool: self, client: client, index: index)
    }

    fileprivate func release(_ index: Int) {
        state.withLock { $0.load[index] -= 1 }
    }

    /// Shuts every client down; always called by ``withKubeClient(_:environment:_:)``.
    func shutdown() async {
        for client in state.withLock({ $0.clients }) {
            do { try await client.shutdown() } catch {
                // Shutting down twice or with requests in flight is not something a caller can act on.
                continue
            }
        }
    }

    /// One client, held by a request or a watch stream; released when the lease is freed.
    final class Lease: Sendable {
        let client: HTTPClient
        private let pool: HTTPClientPool
        private let index: Int

        fileprivate init(pool: HTTPClientPool, client: HTTPClient, index: Int) {
            self.pool = pool
            self.client = client
            self.index = index
        }

        deinit { pool.release(index) }
    }
}

import Foundation
import NIOCore
import NIOHTTP1
import NIOHTTP2
import NIOPosix
import NIOSSL
import Synchronization

/// An HTTP/1.1 connection, or one HTTP/2 stream seen through the HTTP/1 codec.
typealias HTTPExchangeChannel = NIOAsyncChannel<HTTPServerRequestPart, HTTPServerResponsePart>

/// What ALPN decided for a TLS connection that offered HTTP/2.
typealias NegotiatedConnection = NIONegotiatedHTTPVersion<
    HTTPExchangeChannel, (any Channel, NIOHTTP2Handler.AsyncStreamMultiplexer<HTTPExchangeChannel>)
>

/// One accepted connection: the TCP channel, how HTTP is spoken on it, and the client certificate TLS saw.
struct AcceptedConnection: Sendable {
    /// How requests arrive on the connection.
    enum HTTPProtocol: Sendable {
        /// HTTP/1.1 only.
        case http1(HTTPExchangeChannel)
        /// HTTP/1.1 or HTTP/2, decided by ALPN once the handshake completes.
        case negotiating(EventLoopFuture<NegotiatedConnection>)
    }

    let channel: any Channel
    let protocolChoice: HTTPProtocol
    let peer: PeerCertificate
}

/// The DER bytes of the certificate a client presented during the TLS handshake.
final class PeerCertificate: Sendable {
    private let der = Mutex<[UInt8]?>(nil)

    func set(_ bytes: [UInt8]?) { der.withLock { $0 = bytes } }
    var bytes: [UInt8]? { der.withLock { $0 } }
}

/// The answer of the control endpoint (`/sim/...`), and what to do once it is sent.
struct ControlResponse: Sendable {
    var response: FullResponse
    /// Run after the response is written (the "go away" fault closes the very connection that asked).
    var afterwards: (@Sendable () -> Void)?
}

/// Settings of the HTTP layer.
struct ServerSettings: Sendable {
    var host: String
    var tls: NIOSSLContext?
    /// The HTTP/2 stream limit per connection when HTTP/2 is offered (over TLS, by ALPN); nil for HTTP/1.1 only.
    var http2MaxConcurrentStreams: Int?
    var maxBodyBytes: Int
    var bookmarkInterval: Duration
    var requestLog: (@Sendable (String) -> Void)?
}

/// The NIO server: accepts connections (HTTP or HTTPS), authenticates, applies faults, and writes the API
/// layer's answers, streaming watches.
///
/// It keeps reading every socket while a watch streams, so a client that goes away is seen at once and
/// the open-stream counter is exact. Lifecycle: serving, away (the "go away" fault: not listening, every
/// connection closed, the port kept for coming back), stopped.
final class SimulatorServer: Sendable {
    private enum Lifecycle: Sendable {
        case serving(port: Int, channel: any Channel)
        case away(port: Int, comeBackAt: Duration?, requested: Bool)
        case stopped
    }

    let settings: ServerSettings
    let handler: APIHandler
    let authenticator: Authenticator
    let faults: FaultInjector
    let statistics: StatisticsRecorder
    let pki: SimulatorPKI
    let timer: SimulationClock
    let control: @Sendable (APIRequest) -> ControlResponse
    private let lifecycle = Mutex<Lifecycle>(.stopped)
    private let connections = Mutex<[ObjectIdentifier: any Channel]>([:])
    private let comeBackSignal = AsyncSignal()
    private let group: any EventLoopGroup = MultiThreadedEventLoopGroup.singleton

    init(
        settings: ServerSettings,
        handler: APIHandler,
        authenticator: Authenticator,
        faults: FaultInjector,
        statistics: StatisticsRecorder,
        pki: SimulatorPKI,
        timer: SimulationClock,
        control: @escaping @Sendable (APIRequest) -> ControlResponse
    ) {
        self.settings = settings
        self.handler = handler
        self.authenticator = authenticator
        self.faults = faults
        self.statistics = statistics
        self.pki = pki
        self.timer = timer
        self.control = control
    }

    typealias ServerChannel = NIOAsyncChannel<AcceptedConnection, Never>

    /// Binds the listening socket; port 0 picks a free port.
    func bind(port: Int) async throws -> (channel: ServerChannel, port: Int) {
        let tls = settings.tls
        let http2Streams = settings.http2MaxConcurrentStreams
        let channel = try await ServerBootstrap(group: group)
            .serverChannelOption(.backlog, value: 512)
            .serverChannelOption(.socketOption(.so_reuseaddr), value: 1)
            .childChannelOption(.socketOption(.tcp_nodelay), value: 1)
            .childChannelOption(.allowRemoteHalfClosure, value: false)
            .bind(host: settings.host, port: port) { channel in
                Self.initialize(channel, tls: tls, http2MaxConcurrentStreams: http2Streams)
            }
        let boundPort = channel.channel.localAddress?.port ?? port
        lifecycle.withLock { $0 = .serving(port: boundPort, channel: channel.channel) }
        return (channel, boundPort)
    }

    /// Sets up one accepted channel: TLS (accepting any client certificate and judging it later, as
    /// kube-apiserver does: a certificate from another CA is a 401, not a TLS alert), then HTTP/1.1, or
    /// HTTP/1.1 and HTTP/2 by ALPN.
    private static func initialize(
        _ channel: any Channel,
        tls: NIOSSLContext?,
        http2MaxConcurrentStreams: Int?
    ) -> EventLoopFuture<AcceptedConnection> {
        let peer = PeerCertificate()
        do {
            if let tls {
                let handler = NIOSSLServerHandler(context: tls) { certificates, promise in
                    peer.set(try? certificates.first?.toDERBytes())
                    promise.succeed(.certificateVerified)
                }
                try channel.pipeline.syncOperations.addHandler(handler)
            }
            guard let http2MaxConcurrentStreams, tls != nil else {
                return channel.eventLoop.makeCompletedFuture {
                    AcceptedConnection(channel: channel, protocolChoice: .http1(try http1Channel(channel)), peer: peer)
                }
            }
            var http2Configuration = NIOHTTP2Handler.Configuration()
            http2Configuration.connection.initialSettings = [
                HTTP2Setting(parameter: .maxConcurrentStreams, value: http2MaxConcurrentStreams),
                HTTP2Setting(parameter: .maxHeaderListSize, value: 1 << 16),
            ]
            let configuration = http2Configuration
            let negotiation = channel.configureHTTP2AsyncSecureUpgrade(
                http1ConnectionInitializer: { connection in
                    connection.eventLoop.makeCompletedFuture { try http1Channel(connection) }
                },
                http2ConnectionInitializer: { connection in
                    connection.eventLoop.makeCompletedFuture {
                        let multiplexer = try connection.pipeline.syncOperations.configureAsyncHTTP2Pipeline(
                            mode: .server,
                            configuration: configuration
                        ) { stream in
                            stream.eventLoop.makeCompletedFuture {
                                try stream.pipeline.syncOperations.addHandler(HTTP2FramePayloadToHTTP1ServerCodec())
                                return try Self.exchangeChannel(stream)
                            }
                        }
                        return (connection as any Channel, multiplexer)
                    }
                }
            )
            return negotiation.map { negotiated in
                AcceptedConnection(channel: channel, protocolChoice: .negotiating(negotiated), peer: peer)
            }
        } catch {
            return channel.eventLoop.makeFailedFuture(error)
        }
    }

    /// An HTTP/1.1 server pipeline that keeps reading while a response streams (no pipelining assistance,
    /// which would pause reads), so a client's close is seen at once.
    private static func http1Channel(_ channel: any Channel) throws -> HTTPExchangeChannel {
        try channel.pipeline.syncOperations.configureHTTPServerPipeline(
            withPipeliningAssistance: false,
            withErrorHandling: true
        )
        return try exchangeChannel(channel)
    }

    /// Wraps a connection or an HTTP/2 stream so that, if it is dropped unserved, it closes itself.
    ///
    /// When the server stops, connections and HTTP/2 streams already accepted but not yet taken from
    /// their inbound sequence are discarded with it. The non-deprecated initializer's writer traps when
    /// deinitialized unfinished (a gate killed mid-run while the simulator stopped crashed the test
    /// process that way); this one finishes its writer and closes the channel on deinit instead.
    private static func exchangeChannel(_ channel: any Channel) throws -> HTTPExchangeChannel {
        try HTTPExchangeChannel(synchronouslyWrapping: channel)
    }

    /// Serves until cancelled: accepts connections, and after a "go away" waits and listens again on the
    /// same port.
    func run(initial: ServerChannel) async {
        var current: ServerChannel? = initial
        while !Task.isCancelled {
            if let channel = current {
                await acceptLoop(channel)
                current = nil
            }
            closeAllConnections()
            guard case .away(let port, _, _) = lifecycle.withLock({ $0 }), !Task.isCancelled else { break }
            guard await waitForComeBack() else { break }
            current = await rebind(port: port)
        }
        lifecycle.withLock { $0 = .stopped }
        closeAllConnections()
    }

    /// Waits while away; true when it is time to listen again, false when stopping.
    private func waitForComeBack() async -> Bool {
        while !Task.isCancelled {
            let state = lifecycle.withLock { $0 }
            guard case .away(_, let comeBackAt, let requested) = state else { return false }
            let timer = self.timer
            if requested || comeBackAt.map({ timer.elapsed >= $0 }) == true { return true }
            let signal = comeBackSignal
            await withTaskGroup(of: Void.self) { group in
                if let comeBackAt {
                    group.addTask {
                        do {
                            try await timer.sleep(untilOffset: comeBackAt)
                        } catch {
                            // Cancelled: the signal won, or the simulator is stopping.
                        }
                    }
                }
                group.addTask { await signal.wait() }
                _ = await group.next()
                group.cancelAll()
            }
        }
        return false
    }

    private func rebind(port: Int) async -> ServerChannel? {
        for attempt in 0..<50 {
            do {
                return try await bind(port: port).channel
            } catch {
                // The old socket may linger for a moment; retry briefly before giving up.
                if attempt == 49 { settings.requestLog?("kube-sim: cannot listen again on port \(port): \(error)") }
                do { try await timer.sleep(untilOffset: timer.elapsed + .milliseconds(100)) } catch { return nil }
            }
        }
        return nil
    }

    private func acceptLoop(_ server: ServerChannel) async {
        do {
            try await withThrowingDiscardingTaskGroup { group in
                try await server.executeThenClose { inbound in
                    for try await connection in inbound {
                        group.addTask { await self.serve(connection) }
                    }
                }
            }
        } catch is CancellationError {
            // Stopping.
        } catch {
            settings.requestLog?("kube-sim: accept loop ended: \(error)")
        }
    }

    /// Stops listening and closes every connection; `comeBack()` listens again on the same port.
    func goAway() {
        let channel = lifecycle.withLock { state -> (any Channel)? in
            guard case .serving(let port, let channel) = state else { return nil }
            state = .away(port: port, comeBackAt: nil, requested: false)
            return channel
        }
        channel?.close(promise: nil)
        closeAllConnections()
    }

    /// Listens again after `goAway()`.
    func comeBack() {
        lifecycle.withLock { state in
            if case .away(let port, let comeBackAt, _) = state {
                state = .away(port: port, comeBackAt: comeBackAt, requested: true)
            }
        }
        comeBackSignal.notify()
    }

    /// Listens again once the network clock reaches `offset`, if still away.
    func scheduleComeBack(at offset: Duration) {
        lifecycle.withLock { state in
            if case .away(let port, _, let requested) = state {
                state = .away(port: port, comeBackAt: offset, requested: requested)
            }
        }
        comeBackSignal.notify()
    }

    /// Stops listening and closes every connection for good.
    func stop() {
        let channel = lifecycle.withLock { state -> (any Channel)? in
            defer { state = .stopped }
            if case .serving(_, let channel) = state { return channel }
            return nil
        }
        channel?.close(promise: nil)
        closeAllConnections()
        comeBackSignal.notify()
    }

    /// Whether the server is listening.
    var isListening: Bool {
        if case .serving = lifecycle.withLock({ $0 }) { return true }
        return false
    }

    private func closeAllConnections() {
        let open = connections.withLock { $0.values }
        for channel in open { channel.close(promise: nil) }
    }

    // MARK: Connections

    private func serve(_ connection: AcceptedConnection) async {
        let channel = connection.channel
        let key = ObjectIdentifier(channel)
        connections.withLock { $0[key] = channel }
        statistics.connectionOpened()
        defer {
            connections.withLock { $0[key] = nil }
            statistics.connectionClosed()
        }
        switch connection.protocolChoice {
        case .http1(let exchange):
            await serveExchanges(exchange, peer: connection.peer, http2: false)
        case .negotiating(let negotiation):
            do {
                switch try await negotiation.get() {
                case .http1_1(let exchange):
                    await serveExchanges(exchange, peer: connection.peer, http2: false)
                case .http2(let (_, multiplexer)):
                    statistics.http2Negotiated()
                    try await withThrowingDiscardingTaskGroup { group in
                        for try await stream in multiplexer.inbound {
                            group.addTask { await self.serveExchanges(stream, peer: connection.peer, http2: true) }
                        }
                    }
                }
            } catch {
                // A failed handshake or a connection reset; nothing to report.
            }
            channel.close(promise: nil)
        }
    }

    /// Serves the requests of one HTTP/1.1 connection, or the one request of an HTTP/2 stream.
    private func serveExchanges(_ exchange: HTTPExchangeChannel, peer: PeerCertificate, http2: Bool) async {
        do {
            try await exchange.executeThenClose { inbound, outbound in
                var iterator = inbound.makeAsyncIterator()
                let writer = ResponseWriter(
                    outbound: outbound,
                    channel: exchange.channel,
                    statistics: statistics,
                    isHTTP2: http2
                )
                while let request = try await readRequest(&iterator) {
                    let keepAlive = try await respond(to: request, peer: peer, writer: writer)
                    if !keepAlive || http2 { break }
                }
            }
        } catch {
            // A client that goes away mid-request or mid-stream ends here; nothing to report.
        }
    }

    private enum IncomingRequest {
        case complete(HTTPRequestHead, [UInt8])
        case tooLarge(HTTPRequestHead)
    }

    private func readRequest(
        _ iterator: inout NIOAsyncChannelInboundStream<HTTPServerRequestPart>.AsyncIterator
    ) async throws -> IncomingRequest? {
        guard let first = try await iterator.next() else { return nil }
        guard case .head(let head) = first else { return nil }
        var body: [UInt8] = []
        var tooLarge = false
        while let part = try await iterator.next() {
            switch part {
            case .head: return nil
            case .body(let buffer):
                if body.count + buffer.readableBytes > settings.maxBodyBytes {
                    tooLarge = true
                } else {
                    body.append(contentsOf: buffer.readableBytesView)
                }
            case .end:
                return tooLarge ? .tooLarge(head) : .complete(head, body)
            }
        }
        return nil
    }

    /// Answers one request; returns whether the connection stays open for another.
    private func respond(
        to incoming: IncomingRequest,
        peer: PeerCertificate,
        writer: ResponseWriter
    ) async throws
        -> Bool
    {
        let started = ContinuousClock.now
        guard case .complete(let head, let body) = incoming else {
            if case .tooLarge(let head) = incoming {
                let error = APIError(
                    code: 413,
                    reason: "RequestEntityTooLarge",
                    message: "Request entity too large: limit is \(settings.maxBodyBytes)"
                )
                try await writer.write(.error(error), keepAlive: false)
                log(head, status: 413, user: "-", started: started)
            }
            return false
        }
        let keepAlive = head.isKeepAlive
        let request = APIRequest(method: head.method.rawValue, uri: head.uri, headers: head.headers, body: body)
        if request.path == "/sim" || request.path.hasPrefix("/sim/") {
            let answer = control(request)
            try await writer.write(answer.response, keepAlive: keepAlive)
            answer.afterwards?()
            return keepAlive
        }
        let requestClass = Self.classify(request)
        statistics.request(requestClass, userAgent: head.headers.first(name: "user-agent"))
        let certificateIdentity = peer.bytes.flatMap { pki.identity(ofClientCertificateDER: $0) }
        guard
            let identity = authenticator.authenticate(
                authorization: head.headers.first(name: "authorization"),
                certificateIdentity: certificateIdentity
            )
        else {
            try await writer.write(.error(.unauthorized), keepAlive: keepAlive)
            log(head, status: 401, user: "-", started: started)
            return keepAlive
        }
        var dropping = false
        if let action = faults.take(for: requestClass) {
            statistics.faultApplied()
            switch action {
            case .status(let code, let retryAfter):
                var error = Self.faultError(code: code, retryAfter: retryAfter)
                if let retryAfter { error.headers = [("Retry-After", String(retryAfter))] }
                try await writer.write(.error(error), keepAlive: keepAlive)
                log(head, status: code, user: identity.user, started: started)
                return keepAlive
            case .delay(let duration):
                try await timer.sleep(untilOffset: timer.elapsed + duration)
            case .drop:
                dropping = true
            case .stall:
                // Logged when the silence starts: a stalled request never completes on its own.
                log(head, status: 200, user: identity.user, started: started, note: "stalled by a fault")
                try await writer.stall(watch: requestClass.verb == "watch")
                return false
            }
        }
        switch handler.handle(request, identity: identity) {
        case .full(let response):
            if dropping {
                try await writer.writeTruncated(response)
                log(head, status: response.status, user: identity.user, started: started)
                return false
            }
            try await writer.write(response, keepAlive: keepAlive)
            log(head, status: response.status, user: identity.user, started: started)
            return keepAlive
        case .watch(let plan):
            log(head, status: 200, user: identity.user, started: started)
            let stream = WatchStream(
                plan: plan,
                cluster: handler.cluster,
                statistics: statistics,
                timer: timer,
                bookmarkInterval: settings.bookmarkInterval
            )
            return try await stream.run(writer: writer, keepAlive: keepAlive, dropping: dropping)
        }
    }

    private func log(
        _ head: HTTPRequestHead,
        status: Int,
        user: String,
        started: ContinuousClock.Instant,
        note: String? = nil
    ) {
        guard let requestLog = settings.requestLog else { return }
        let elapsed = ContinuousClock.now - started
        let milliseconds = Double(elapsed.components.attoseconds) / 1e15 + Double(elapsed.components.seconds) * 1000
        requestLog(
            "\(head.method.rawValue) \(head.uri) \(status) user=\(user) \(String(format: "%.1f", milliseconds))ms"
                + (note.map { " (\($0))" } ?? "")
        )
    }

    /// The `Status` a fault answers with, in the shape kube-apiserver uses for each code.
    static func faultError(code: Int, retryAfter: Int?) -> APIError {
        var error: APIError
        switch code {
        case 429:
            error = APIError(
                code: 429,
                reason: "TooManyRequests",
                message: "The server has received too many requests and has asked us to try again later"
            )
        case 500:
            error = APIError(code: 500, reason: "InternalError", message: "Internal error occurred: injected fault")
        case 503:
            error = APIError(
                code: 503,
                reason: "ServiceUnavailable",
                message: "The server is currently unable to handle the request"
            )
        case 504:
            error = APIError(
                code: 504,
                reason: "Timeout",
                message: "The server was unable to return a response in the time allotted"
            )
        default:
            error = APIError(code: code, reason: "", message: "injected fault \(code)")
        }
        if let retryAfter { error.details = ["retryAfterSeconds": .int(Int64(retryAfter))] }
        return error
    }

    /// What faults and counters key on for a request.
    static func classify(_ request: APIRequest) -> RequestClass {
        let watch = (try? QueryParameters(parsing: request.query).flag("watch")) ?? false
        guard let route = try? APIRoute.parse(method: request.method, path: request.path, watchParameter: watch) else {
            return RequestClass(verb: request.method.lowercased(), resource: "")
        }
        switch route {
        case .resource(let resource):
            if resource.subresource == "log" { return RequestClass(verb: "log", resource: resource.type.plural) }
            return RequestClass(verb: resource.verb.rawValue, resource: resource.type.plural)
        case .coreVersions, .groupList, .group, .resourceList, .version, .openAPI:
            return RequestClass(verb: "discovery", resource: "")
        default:
            return RequestClass(verb: request.method.lowercased(), resource: "")
        }
    }
}

import Foundation
import NIOCore
import NIOPosix
import Synchronization

/// A minimal HTTP CONNECT proxy on 127.0.0.1, for proving that requests really go through `proxy-url` and
/// `HTTPS_PROXY`: it records each tunnel's target and then relays bytes both ways.
final class ConnectProxy: Sendable {
    private let channel: any Channel
    private let targets: Mutex<[String]>

    /// The port it listens on.
    var port: Int { channel.localAddress?.port ?? 0 }
    /// The `host:port` of every tunnel opened so far.
    var tunnels: [String] { targets.withLock { $0 } }

    private init(channel: any Channel) {
        self.channel = channel
        targets = Mutex([])
    }

    /// Starts a proxy, runs `body`, stops the proxy.
    static func with<Result>(_ body: (ConnectProxy) async throws -> Result) async throws -> Result {
        let log = TunnelLog()
        let channel = try await ServerBootstrap(group: MultiThreadedEventLoopGroup.singleton)
            .childChannelInitializer { child in
                child.eventLoop.makeCompletedFuture {
                    try child.pipeline.syncOperations.addHandler(ConnectHandler(log: log))
                }
            }
            .bind(host: "127.0.0.1", port: 0)
            .get()
        let proxy = ConnectProxy(channel: channel)
        log.proxy.withLock { $0 = proxy }
        do {
            let result = try await body(proxy)
            try? await channel.close()
            return result
        } catch {
            try? await channel.close()
            throw error
        }
    }

    fileprivate func record(_ target: String) {
        targets.withLock { $0.append(target) }
    }
}

/// Lets connection handlers reach the proxy's log before the proxy object exists.
private final class TunnelLog: Sendable {
    let proxy = Mutex<ConnectProxy?>(nil)
    func record(_ target: String) { proxy.withLock { $0 }?.record(target) }
}

/// Reads the CONNECT request head, dials the target and glues the two connections together.
private final class ConnectHandler: ChannelInboundHandler, RemovableChannelHandler {
    typealias InboundIn = ByteBuffer
    typealias OutboundOut = ByteBuffer

    private let log: TunnelLog
    private var head = ByteBuffer()
    private var connecting = false

    init(log: TunnelLog) {
        self.log = log
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        var chunk = unwrapInboundIn(data)
        head.writeBuffer(&chunk)
        guard !connecting, let text = head.getString(at: head.readerIndex, length: head.readableBytes),
            let end = text.range(of: "\r\n\r\n")
        else { return }
        connecting = true
        let requestLine = text[..<(text.range(of: "\r\n")?.lowerBound ?? end.lowerBound)].split(separator: " ")
        guard requestLine.count >= 2, requestLine[0] == "CONNECT",
            let colon = requestLine[1].lastIndex(of: ":"),
            let port = Int(requestLine[1][requestLine[1].index(after: colon)...])
        else {
            context.writeAndFlush(
                wrapOutboundOut(ByteBuffer(string: "HTTP/1.1 405 Method Not Allowed\r\n\r\n")),
                promise: nil
            )
            context.close(promise: nil)
            return
        }
        let host = String(requestLine[1][..<colon])
        log.record("\(host):\(port)")
        head.moveReaderIndex(forwardBy: text[..<end.upperBound].utf8.count)
        let client = context.channel
        let leftover = head
        ClientBootstrap(group: context.eventLoop)
            .connect(host: host, port: port)
            .whenComplete { result in
                switch result {
                case .success(let upstream):
                    let (local, remote) = GlueHandler.pair()
                    do {
                        try client.pipeline.syncOperations.addHandler(local)
                        try upstream.pipeline.syncOperations.addHandler(remote)
                        let handler = try client.pipeline.syncOperations.handler(type: ConnectHandler.self)
                        client.pipeline.syncOperations.removeHandler(handler, promise: nil)
                    } catch {
                        client.close(promise: nil)
                        upstream.close(promise: nil)
                        return
                    }
                    client.writeAndFlush(
                        ByteBuffer(string: "HTTP/1.1 200 Connection Established\r\n\r\n"),
                        promise: nil
                    )
                    if leftover.readableBytes > 0 { upstream.writeAndFlush(leftover, promise: nil) }
                case .failure:
                    client.writeAndFlush(ByteBuffer(string: "HTTP/1.1 502 Bad Gateway\r\n\r\n"), promise: nil)
                    client.close(promise: nil)
                }
            }
    }
}

/// One end of a relay: what one channel reads, its partner writes.
private final class GlueHandler: ChannelDuplexHandler {
    typealias InboundIn = NIOAny
    typealias OutboundIn = NIOAny
    typealias OutboundOut = NIOAny

    private var partner: GlueHandler?
    private var context: ChannelHandlerContext?

    static func pair() -> (GlueHandler, GlueHandler) {
        let first = GlueHandler()
        let second = GlueHandler()
        first.partner = second
        second.partner = first
        return (first, second)
    }

    func handlerAdded(context: ChannelHandlerContext) { self.context = context }

    func handlerRemoved(context: ChannelHandlerContext) {
        self.context = nil
        partner = nil
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        partner?.context?.write(data, promise: nil)
    }

    func channelReadComplete(context: ChannelHandlerContext) {
        partner?.context?.flush()
    }

    func channelInactive(context: ChannelHandlerContext) {
        partner?.context?.close(promise: nil)
    }
}

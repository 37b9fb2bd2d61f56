import AsyncHTTPClient
import Foundation
import KubeSimulator
import NIOCore
import NIOHTTP1
import NIOPosix
import NIOSSL
import Synchronization
import TestSupport

/// An HTTPS client for tests against a live simulator (AsyncHTTPClient, which nobody here wrote).
struct LiveClient: Sendable {
    let client: HTTPClient
    let baseURL: String

    struct Response: Sendable {
        var status: Int
        var version: HTTPVersion
        var headers: HTTPHeaders
        var body: [UInt8]
        var json: JSONValue { (try? JSONValue.parse(body)) ?? .null }
        var text: String { String(decoding: body, as: UTF8.self) }
    }

    static func tls(ca: String?, certificate: IssuedCertificate?) throws -> TLSConfiguration {
        var tls = TLSConfiguration.makeClientConfiguration()
        if let ca { tls.trustRoots = .certificates(try NIOSSLCertificate.fromPEMBytes(Array(ca.utf8))) }
        if let certificate {
            tls.certificateChain = try NIOSSLCertificate.fromPEMBytes(Array(certificate.certificatePEM.utf8)).map {
                .certificate($0)
            }
            tls.privateKey = .privateKey(
                try NIOSSLPrivateKey(bytes: Array(certificate.privateKeyPEM.utf8), format: .pem)
            )
        }
        tls.shutdownTimeout = .milliseconds(100)
        return tls
    }

    /// Runs `body` with a client trusting the simulator's CA, presenting `certificate` if given.
    static func with<Result>(
        _ sim: SimulatedAPIServer,
        certificate: IssuedCertificate? = nil,
        trustingCA ca: String? = nil,
        http2: Bool = false,
        _ body: (LiveClient) async throws -> Result
    ) async throws -> Result {
        var configuration = HTTPClient.Configuration(
            tlsConfiguration: try tls(ca: ca ?? sim.caCertificatePEM, certificate: certificate)
        )
        configuration.connectionPool = .init(idleTimeout: .seconds(30), concurrentHTTP1ConnectionsPerHostSoftLimit: 64)
        configuration.httpVersion = http2 ? .automatic : .http1Only
        configuration.timeout = .init(connect: .seconds(10), read: nil)
        configuration.connectionPool.retryConnectionEstablishment = false
        let client = HTTPClient(eventLoopGroupProvider: .singleton, configuration: configuration)
        let live = LiveClient(client: client, baseURL: sim.url)
        do {
            let result = try await body(live)
            try await client.shutdown()
            return result
        } catch {
            try await client.shutdown()
            throw error
        }
    }

    func request(
        _ method: HTTPMethod,
        _ path: String,
        token: String? = nil,
        basic: (String, String)? = nil,
        body: String? = nil,
        contentType: String = "application/json",
        userAgent: String? = nil
    ) async throws -> Response {
        var request = HTTPClientRequest(url: baseURL + path)
        request.method = method
        if let userAgent { request.headers.add(name: "User-Agent", value: userAgent) }
        if let token { request.headers.add(name: "Authorization", value: "Bearer \(token)") }
        if let basic {
            let encoded = Data("\(basic.0):\(basic.1)".utf8).base64EncodedString()
            request.headers.add(name: "Authorization", value: "Basic \(encoded)")
        }
        if let body {
            request.headers.add(name: "Content-Type", value: contentType)
            request.body = .bytes(ByteBuffer(string: body))
        }
        let response = try await client.execute(request, timeout: .seconds(60))
        let collected = try await response.body.collect(upTo: 64 << 20)
        return Response(
            status: Int(response.status.code),
            version: response.version,
            headers: response.headers,
            body: Array(collected.readableBytesView)
        )
    }

    /// Opens a watch and feeds each line (parsed) to `collector` until the stream ends or the task is cancelled.
    func watch(_ path: String, token: String?, into collector: LineCollector) async throws {
        var request = HTTPClientRequest(url: baseURL + path)
        if let token { request.headers.add(name: "Authorization", value: "Bearer \(token)") }
        let response = try await client.execute(request, timeout: .seconds(600))
        collector.status(Int(response.status.code))
        var pending: [UInt8] = []
        do {
            for try await chunk in response.body {
                pending.append(contentsOf: chunk.readableBytesView)
                while let newline = pending.firstIndex(of: 0x0A) {
                    collector.line(Array(pending[..<newline]))
                    pending.removeSubrange(...newline)
                }
            }
            collector.end(partial: pending, error: nil)
        } catch {
            collector.end(partial: pending, error: error)
        }
    }
}

/// What a watch stream delivered, shared between the reading task and the test.
final class LineCollector: Sendable {
    private struct State {
        var status: Int?
        var lines: [JSONValue] = []
        var ended = false
        var partial: [UInt8] = []
        var error: String?
    }

    private let state = Mutex(State())

    func status(_ code: Int) { state.withLock { $0.status = code } }
    func line(_ bytes: [UInt8]) {
        let value = (try? JSONValue.parse(bytes)) ?? .string(String(decoding: bytes, as: UTF8.self))
        state.withLock { $0.lines.append(value) }
    }
    func end(partial: [UInt8], error: (any Error)?) {
        state.withLock {
            $0.ended = true
            $0.partial = partial
            $0.error = error.map { "\($0)" }
        }
    }

    var statusCode: Int? { state.withLock { $0.status } }
    var lines: [JSONValue] { state.withLock { $0.lines } }
    var ended: Bool { state.withLock { $0.ended } }
    var partial: [UInt8] { state.withLock { $0.partial } }
    var error: String? { state.withLock { $0.error } }
    var types: [String] { lines.compactMap { $0["type"]?.stringValue } }
    func names(_ type: String) -> [String] {
        lines.filter { $0["type"]?.stringValue == type }.compactMap {
            $0[path: ["object", "metadata", "name"]]?.stringValue
        }
    }
}

/// Sends raw bytes over plain TCP and returns everything the server sent back before closing.
func rawExchange(port: Int, bytes: [UInt8]) async throws -> String {
    let channel = try await ClientBootstrap(group: MultiThreadedEventLoopGroup.singleton)
        .connect(host: "127.0.0.1", port: port) { channel in
            channel.eventLoop.makeCompletedFuture {
                try NIOAsyncChannel<ByteBuffer, ByteBuffer>(wrappingChannelSynchronously: channel)
            }
        }
    return try await channel.executeThenClose { inbound, outbound in
        try await outbound.write(ByteBuffer(bytes: bytes))
        var received: [UInt8] = []
        for try await chunk in inbound {
            received.append(contentsOf: chunk.readableBytesView)
            if received.count > 1 << 20 { break }
        }
        return String(decoding: received, as: UTF8.self)
    }
}

/// Waits until `condition` holds (polling), for "eventually" checks on a loaded machine.
func eventually(timeout: Duration = .seconds(30), _ condition: () -> Bool) async throws -> Bool {
    let clock = ContinuousClock()
    let deadline = clock.now + timeout
    while clock.now < deadline {
        if condition() { return true }
        try await clock.sleep(for: .milliseconds(5))
    }
    return condition()
}

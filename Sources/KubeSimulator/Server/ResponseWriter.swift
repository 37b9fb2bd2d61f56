import Foundation
import NIOCore
import NIOHTTP1

/// Writes HTTP responses on one connection and counts the body bytes sent.
struct ResponseWriter: Sendable {
    let outbound: NIOAsyncChannelOutboundWriter<HTTPServerResponsePart>
    let channel: any Channel
    let statistics: StatisticsRecorder
    /// Whether the exchange is an HTTP/2 stream, where connection-level headers are not allowed.
    var isHTTP2 = false

    private func head(
        status: Int,
        contentType: String,
        contentLength: Int?,
        extra: [(String, String)],
        keepAlive: Bool
    )
        -> HTTPResponseHead
    {
        var headers = HTTPHeaders()
        headers.add(name: "Content-Type", value: contentType)
        if let contentLength { headers.add(name: "Content-Length", value: String(contentLength)) }
        headers.add(name: "Cache-Control", value: "no-cache, private")
        headers.add(name: "Audit-Id", value: UUID().uuidString.lowercased())
        for (name, value) in extra { headers.add(name: name, value: value) }
        if !keepAlive, !isHTTP2 { headers.add(name: "Connection", value: "close") }
        return HTTPResponseHead(version: .http1_1, status: HTTPResponseStatus(statusCode: status), headers: headers)
    }

    /// Writes a complete response.
    func write(_ response: FullResponse, keepAlive: Bool) async throws {
        statistics.response(status: response.status)
        let responseHead = head(
            status: response.status,
            contentType: response.contentType,
            contentLength: response.body.count,
            extra: response.headers,
            keepAlive: keepAlive
        )
        try await outbound.write(contentsOf: [
            .head(responseHead), .body(.byteBuffer(ByteBuffer(bytes: response.body))), .end(nil),
        ])
        statistics.sent(bytes: response.body.count)
    }

    /// Writes the headers and half of the body, then closes the connection (the "drop" fault).
    func writeTruncated(_ response: FullResponse) async throws {
        statistics.response(status: response.status)
        let responseHead = head(
            status: response.status,
            contentType: response.contentType,
            contentLength: response.body.count,
            extra: response.headers,
            keepAlive: false
        )
        let half = Array(response.body.prefix(max(1, response.body.count / 2)))
        try await outbound.write(contentsOf: [.head(responseHead), .body(.byteBuffer(ByteBuffer(bytes: half)))])
        statistics.sent(bytes: half.count)
        try await channel.close()
    }

    /// Starts a streamed (chunked) 200 response.
    func startStream(contentType: String = "application/json") async throws {
        statistics.response(status: 200)
        try await outbound.write(
            .head(head(status: 200, contentType: contentType, contentLength: nil, extra: [], keepAlive: true))
        )
    }

    /// Writes one chunk of a streamed response.
    func chunk(_ bytes: [UInt8]) async throws {
        guard !bytes.isEmpty else { return }
        try await outbound.write(.body(.byteBuffer(ByteBuffer(bytes: bytes))))
        statistics.sent(bytes: bytes.count)
    }

    /// Ends a streamed response.
    func endStream() async throws {
        try await outbound.write(.end(nil))
    }

    /// Writes a partial line and closes the connection: a stream dropped mid-event.
    func dropMidLine(_ partial: [UInt8]) async throws {
        try await chunk(partial)
        try await channel.close()
    }

    /// Sends response headers and then nothing until the client (or shutdown) closes the connection.
    func stall(watch: Bool) async throws {
        statistics.response(status: 200)
        let responseHead = head(
            status: 200,
            contentType: "application/json",
            contentLength: watch ? nil : 1024,
            extra: [],
            keepAlive: true
        )
        try await outbound.write(.head(responseHead))
        try await channel.closeFuture.get()
    }
}

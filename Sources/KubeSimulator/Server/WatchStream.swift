import Foundation
import NIOCore
import Synchronization

/// One watch response: registers with the cluster, writes the initial events, then streams batches of
/// changes as newline-delimited JSON until the client leaves, the timeout passes, or a fault ends it.
struct WatchStream: Sendable {
    let plan: WatchPlan
    let cluster: SimulatedCluster
    let statistics: StatisticsRecorder
    let timer: SimulationClock
    let bookmarkInterval: Duration

    /// Half a JSON event line, for the "drop mid-line" fault when there is no real line to cut.
    static let partialLine = Array("{\"type\":\"MODIFIED\",\"object\":{\"kind\":\"".utf8)

    /// Runs the stream; returns whether the connection can serve another request afterwards.
    func run(writer: ResponseWriter, keepAlive: Bool, dropping: Bool) async throws -> Bool {
        let mailbox = WatchMailbox()
        switch cluster.openWatch(filter: plan.filter, start: plan.start, mailbox: mailbox) {
        case .tooNew(let error):
            try await writer.write(.error(error), keepAlive: keepAlive)
            return keepAlive
        case .expired(let error):
            // kube-apiserver answers 200 and sends the 410 as an ERROR event, then ends the stream.
            try await writer.startStream()
            try await writer.chunk(ObjectEncoding.errorLine(error))
            try await writer.endStream()
            return keepAlive
        case .opened(let id, let initial, let revision):
            statistics.watchOpened()
            let closing = StreamClosing(cluster: cluster, statistics: statistics, id: id)
            // Counted as closed before the last bytes go out, so a client that sees the end of its stream
            // never reads a stale open-stream count.
            defer { closing.close() }
            writer.channel.closeFuture.whenComplete { _ in mailbox.finish(.clientClosed) }
            try await writer.startStream()
            var first = encode(initial)
            if plan.initialEventsEnd {
                first += plan.encoding.bookmarkLine(resourceVersion: revision, initialEventsEnd: true)
            }
            if dropping {
                try await writer.dropMidLine(
                    first.isEmpty ? Self.partialLine : Array(first.prefix(max(1, first.count / 2)))
                )
                return false
            }
            try await writer.chunk(first)
            let reason = try await stream(id: id, mailbox: mailbox, writer: writer)
            switch reason {
            case .droppedByFault:
                closing.close()
                try await writer.dropMidLine(Self.partialLine)
                return false
            case .clientClosed, .serverStopping:
                return false
            case .closedByFault, .timedOut, .tooSlow:
                closing.close()
                try await writer.endStream()
                return keepAlive
            }
        }
    }

    private func stream(id: Int, mailbox: WatchMailbox, writer: ResponseWriter) async throws -> WatchEndReason {
        try await withThrowingTaskGroup(of: WatchEndReason?.self) { group in
            group.addTask {
                try await tick(id: id, mailbox: mailbox)
                return nil
            }
            group.addTask {
                try await pump(mailbox: mailbox, writer: writer)
            }
            while let result = try await group.next() {
                if let reason = result {
                    group.cancelAll()
                    return reason
                }
            }
            return .serverStopping
        }
    }

    /// Writes batches until the mailbox reports the end.
    private func pump(mailbox: WatchMailbox, writer: ResponseWriter) async throws -> WatchEndReason {
        while true {
            let batch = await mailbox.next()
            try await writer.chunk(encode(batch.deliveries))
            if let end = batch.end { return end }
        }
    }

    /// Queues periodic bookmarks (when asked for) and ends the stream at its timeout, with a last bookmark.
    private func tick(id: Int, mailbox: WatchMailbox) async throws {
        let start = timer.elapsed
        let deadline = start + plan.timeout
        var nextBookmark = start + bookmarkInterval
        while true {
            let wake = plan.bookmarks ? min(nextBookmark, deadline) : deadline
            try await timer.sleep(untilOffset: wake)
            if wake >= deadline {
                if plan.bookmarks { cluster.enqueueBookmark(watch: id) }
                mailbox.finish(.timedOut, graceful: true)
                return
            }
            cluster.enqueueBookmark(watch: id)
            nextBookmark += bookmarkInterval
        }
    }

    private func encode(_ deliveries: [WatchDelivery]) -> [UInt8] {
        guard !deliveries.isEmpty else { return [] }
        let now = cluster.clock.now
        var out: [UInt8] = []
        for delivery in deliveries {
            switch delivery {
            case .change(let type, let object):
                out += plan.encoding.watchLine(type: type.rawValue, object: object, now: now)
            case .bookmark(let resourceVersion):
                if plan.bookmarks {
                    out += plan.encoding.bookmarkLine(resourceVersion: resourceVersion, initialEventsEnd: false)
                }
            }
        }
        return out
    }
}

/// Unregisters a watch and updates the counter exactly once, whichever path ends the stream.
private final class StreamClosing: Sendable {
    private let cluster: SimulatedCluster
    private let statistics: StatisticsRecorder
    private let id: Int
    private let closed = Mutex(false)

    init(cluster: SimulatedCluster, statistics: StatisticsRecorder, id: Int) {
        self.cluster = cluster
        self.statistics = statistics
        self.id = id
    }

    func close() {
        let first = closed.withLock { closed -> Bool in
            defer { closed = true }
            return !closed
        }
        guard first else { return }
        cluster.closeWatch(id: id)
        statistics.watchClosed()
    }
}

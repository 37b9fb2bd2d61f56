import AsyncHTTPClient
import Foundation
import KubeModel
import NIOCore
import NIOFoundationCompat

/// A self-healing watch of one collection, as an `AsyncSequence` of ``WatchUpdate``s.
///
/// The protocol logic lives in ``WatchStateMachine``; this is its thin async shell: it performs the list
/// and watch requests, frames the stream into lines (``LineFramer``), decodes each line straight from the
/// received bytes into the slim model, and sleeps on the injected clock when the machine asks to back off.
/// Nothing runs in the background: all work happens inside `next()`, so cancelling the consuming task (or
/// simply dropping the iterator) cancels the HTTP request and closes the stream at once.
public struct KubeWatch<Object: KubeObject>: AsyncSequence, Sendable {
    /// Updates to the consumer's view.
    public typealias Element = WatchUpdate<Object>

    let client: KubeClient
    let namespace: String?
    let options: ListOptions

    /// Starts the watch when iteration starts; each iterator is an independent list + watch.
    public func makeAsyncIterator() -> Iterator {
        Iterator(watch: self)
    }

    /// Iterates the updates.
    ///
    /// It throws ``KubeClientError`` for failures the watch cannot recover from and ``KubeClientError/cancelled`` when
    /// the consuming task is cancelled.
    public struct Iterator: AsyncIteratorProtocol {
        private let watch: KubeWatch
        private var machine: WatchStateMachine<Object>
        private var step: WatchStateMachine<Object>.Next?
        private var pending: [WatchUpdate<Object>] = []
        private var pendingIndex = 0
        private var stream: OpenStream?
        private let decoder = JSONDecoder()
        private let description: RequestDescription
        /// Whether the last request or stream failed; the next success reports the watch recovered.
        private var failing = false

        init(watch: KubeWatch) {
            self.watch = watch
            let resource = Object.resource
            description = watch.client.describe("watch", resource.description, namespace: watch.namespace)
            machine = WatchStateMachine(policy: watch.client.configuration.transport.retry, request: description)
        }

        /// The next update; waits as long as the collection does not change.
        public mutating func next() async throws -> WatchUpdate<Object>? {
            while true {
                if pendingIndex < pending.count {
                    let update = pending[pendingIndex]
                    pendingIndex += 1
                    if pendingIndex == pending.count {
                        pending.removeAll(keepingCapacity: true)
                        pendingIndex = 0
                    }
                    return update
                }
                if Task.isCancelled {
                    stream = nil
                    throw KubeClientError.cancelled
                }
                let environment = watch.client.environment
                switch step {
                case nil:
                    apply(machine.start())
                case .fail(let error):
                    stream = nil
                    throw error
                case .wait(let delay):
                    do {
                        try await environment.clock.sleep(for: delay)
                    } catch {
                        throw KubeClientError.cancelled
                    }
                    apply(machine.delayElapsed())
                case .request(.list(let token)):
                    do {
                        let page = try await watch.client.listPage(
                            Object.self,
                            namespace: watch.namespace,
                            options: watch.options,
                            continueToken: token
                        )
                        recovered()
                        apply(
                            machine.listPage(
                                items: page.items,
                                resourceVersion: page.metadata.resourceVersion,
                                continueToken: page.metadata.continue
                            )
                        )
                    } catch {
                        try recover(from: error)
                    }
                case .request(.watch(let resourceVersion)):
                    do {
                        stream = try await open(from: resourceVersion)
                        recovered()
                        apply(machine.streamOpened())
                    } catch {
                        try recover(from: error)
                    }
                case .readStream:
                    try await readStream()
                }
            }
        }

        private mutating func apply(_ action: WatchStateMachine<Object>.Action) {
            if !action.updates.isEmpty { pending.append(contentsOf: action.updates) }
            step = action.next
        }

        private mutating func recover(from error: KubeClientError) throws(KubeClientError) {
            stream = nil
            if error.isCancellation || Task.isCancelled { throw .cancelled }
            let environment = watch.client.environment
            apply(machine.failed(WatchStateMachine<Object>.classify(error), random: environment.random()))
            if case .wait(let delay) = step {
                // A person watching a gate wants to know why it paused; clean stream ends stay silent.
                environment.diagnostics(
                    "\(Self.retryMessage(error, description)); retrying in \(String(format: "%.1f", delay.seconds)) s"
                )
                failing = true
                environment.watchHealth(.retrying(description, error))
            }
        }

        /// The retry line for `error`: connection-level errors name the server but not the request, so the
        /// watch is named first (with several watches retrying at once, a person must see which one).
        static func retryMessage(_ error: KubeClientError, _ description: RequestDescription) -> String {
            switch error {
            case .unreachable(_, let detail): "\(description) cannot reach the server (\(detail))"
            case .tlsHandshake, .tlsVerification: "\(description): \(error)"
            default: error.description
            }
        }

        /// A request was answered: if the watch was failing, it is healthy again.
        private mutating func recovered() {
            guard failing else { return }
            failing = false
            watch.client.environment.watchHealth(.recovered(description))
        }

        private func open(from resourceVersion: String) async throws(KubeClientError) -> OpenStream {
            let client = watch.client
            let transport = client.configuration.transport
            var query = client.selectorQuery(watch.options)
            query.append(("watch", "true"))
            query.append(("resourceVersion", resourceVersion))
            query.append(("allowWatchBookmarks", "true"))
            // Spread server-side timeouts, as client-go does, so hundreds of watches do not reconnect together.
            let base = Swift.max(1, transport.watchTimeoutSeconds)
            let timeout = base + Int(Double(base) * client.environment.random())
            query.append(("timeoutSeconds", String(timeout)))
            let resource = Object.resource
            let path = resource.collectionPath(namespace: resource.isNamespaced ? watch.namespace : nil)
            let (response, lease) = try await client.send(path: path, query: query, description: description)
            return OpenStream(
                body: response.body.makeAsyncIterator(),
                lease: lease,
                framer: LineFramer(maximumLineLength: transport.maxEventBytes)
            )
        }

        private mutating func readStream() async throws {
            guard var open = stream else {
                apply(
                    machine.failed(
                        .retryable(.malformedResponse(request: description, detail: "no open stream"), retryAfter: nil)
                    )
                )
                return
            }
            do {
                if let line = try open.framer.nextLine() {
                    stream = open
                    deliver(line)
                    return
                }
            } catch {
                stream = nil
                apply(machine.failed(.fatal(.malformedResponse(request: description, detail: error.description))))
                return
            }
            let chunk: ByteBuffer?
            do {
                chunk = try await open.body.next()
            } catch {
                stream = nil
                try recover(from: TransportErrorMapping.map(error, request: description))
                return
            }
            if let chunk {
                open.framer.append(chunk)
                stream = open
                return
            }
            stream = nil
            if Task.isCancelled { throw KubeClientError.cancelled }
            let last: ByteBuffer?
            do {
                last = try open.framer.finish()
            } catch {
                apply(machine.failed(.fatal(.malformedResponse(request: description, detail: error.description))))
                return
            }
            if let last {
                // A last line without a newline is complete only if it decodes; a connection cut mid-event
                // leaves a fragment, and the watch resumes from the last complete event instead.
                if let event = try? decoder.decode(WatchEvent<Object>.self, from: last) {
                    apply(machine.event(event, random: watch.client.environment.random()))
                    if case .readStream = step {} else { return }
                } else {
                    apply(
                        machine.failed(
                            .retryable(
                                .malformedResponse(
                                    request: description,
                                    detail: "the stream ended in the middle of an event"
                                ),
                                retryAfter: nil
                            ),
                            random: watch.client.environment.random()
                        )
                    )
                    return
                }
            }
            apply(machine.streamEnded(random: watch.client.environment.random()))
        }

        private mutating func deliver(_ line: ByteBuffer) {
            let event: WatchEvent<Object>
            do {
                event = try decoder.decode(WatchEvent<Object>.self, from: line)
            } catch {
                stream = nil
                apply(
                    machine.failed(
                        .fatal(
                            .malformedResponse(
                                request: description,
                                detail: "a watch event could not be decoded: \(DecodingProblem.describe(error))"
                            )
                        )
                    )
                )
                return
            }
            apply(machine.event(event, random: watch.client.environment.random()))
            if case .readStream = step {} else { stream = nil }
        }
    }
}

/// An open watch response: the body being read, the client lease it holds, and the line framer.
private struct OpenStream {
    var body: HTTPClientResponse.Body.AsyncIterator
    let lease: HTTPClientPool.Lease
    var framer: LineFramer
}

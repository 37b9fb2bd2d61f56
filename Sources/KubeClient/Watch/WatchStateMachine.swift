import KubeModel

/// The list-then-watch protocol of one watched collection, as a pure state machine: the async shell
/// (``KubeWatch``) performs the requests and sleeps it asks for and feeds back what happened.
///
/// It keeps the consumer's view (every object's last state) so that any recovery can be made exact:
/// - a cleanly closed stream resumes from the last resourceVersion seen (events or bookmarks);
/// - 410 Gone (an expired resourceVersion, as an HTTP status or an `ERROR` event) relists and emits the
///   difference between the view and the new list as synthesised added/modified/deleted updates;
/// - throttling, server errors and broken connections wait (Retry-After, else jittered exponential
///   backoff) and resume; a stalled stream or request (the idle limit passed) waits and relists;
///   too many failures in a row give up with the last error;
/// - events already in the view at the same resourceVersion are dropped, so nothing is delivered twice.
public struct WatchStateMachine<Object: KubeObject>: Sendable {
    /// A request the shell must make.
    public enum Request: Sendable, Hashable {
        /// List the collection (most recent state), continuing a paged list when a token is given.
        case list(continueToken: String?)
        /// Open a watch stream from a resourceVersion.
        case watch(resourceVersion: String)
    }

    /// What the shell does next.
    public enum Next: Sendable {
        /// Make this request.
        case request(Request)
        /// Keep reading the open watch stream.
        case readStream
        /// Sleep on the injected clock, then call ``delayElapsed()``.
        case wait(Duration)
        /// Stop and throw this error.
        case fail(KubeClientError)
    }

    /// Updates to deliver, in order, then the next step.
    public struct Action: Sendable {
        /// Updates for the consumer.
        public var updates: [WatchUpdate<Object>]
        /// The next step.
        public var next: Next

        /// Creates an action.
        public init(updates: [WatchUpdate<Object>], next: Next) {
            self.updates = updates
            self.next = next
        }
    }

    /// How a failed request or stream is handled.
    public enum Failure: Sendable {
        /// 410: the resourceVersion or continue token expired; relist.
        case expired
        /// Transient: retry after the server's delay, or with backoff when `retryAfter` is `nil`.
        case retryable(KubeClientError, retryAfter: Duration?)
        /// Permanent: give up with this error.
        case fatal(KubeClientError)
    }

    private enum Phase: Sendable {
        case idle
        case listing(items: [Object], resourceVersion: String?)
        case watching(eventsReceived: Int)
        case waiting(resume: Request)
        case finished
    }

    private let policy: RetryPolicy
    private let request: RequestDescription
    private var phase = Phase.idle
    private var view: [ObjectKey: Object] = [:]
    private var hasSynced = false
    private var consecutiveFailures = 0
    private var emptyStreams = 0
    /// The newest resourceVersion seen: from the list, any event, or a bookmark.
    ///
    /// Watches resume from it.
    public private(set) var resourceVersion: String?

    /// Creates a machine; `request` names the watch in errors.
    public init(policy: RetryPolicy, request: RequestDescription) {
        self.policy = policy
        self.request = request
    }

    /// The consumer's view, for tests and diagnostics.
    public var objects: [Object] { view.keys.sorted().compactMap { view[$0] } }

    /// Starts with a list.
    public mutating func start() -> Action {
        phase = .listing(items: [], resourceVersion: nil)
        return Action(updates: [], next: .request(.list(continueToken: nil)))
    }

    /// A list page arrived.
    ///
    /// More pages are requested until the last; then the difference to the view is emitted (everything as `added` plus
    /// `synced` the first time) and a watch starts from the list's version.
    public mutating func listPage(
        items: [Object],
        resourceVersion listVersion: String?,
        continueToken: String?
    )
        -> Action
    {
        guard case .listing(var collected, let firstVersion) = phase else { return unexpected() }
        collected.append(contentsOf: items)
        let version = firstVersion ?? listVersion
        if let continueToken, !continueToken.isEmpty {
            phase = .listing(items: collected, resourceVersion: version)
            return Action(updates: [], next: .request(.list(continueToken: continueToken)))
        }
        var updates: [WatchUpdate<Object>] = []
        var fresh: [ObjectKey: Object] = [:]
        fresh.reserveCapacity(collected.count)
        for object in collected {
            let key = ObjectKey(object.metadata)
            fresh[key] = object
            if let old = view[key] {
                if old.metadata.resourceVersion != object.metadata.resourceVersion { updates.append(.modified(object)) }
            } else {
                updates.append(.added(object))
            }
        }
        for key in view.keys.sorted() where fresh[key] == nil {
            if let gone = view[key] { updates.append(.deleted(gone)) }
        }
        view = fresh
        if !hasSynced {
            hasSynced = true
            updates.append(.synced)
        }
        consecutiveFailures = 0
        guard let version, !version.isEmpty else {
            phase = .finished
            return Action(
                updates: updates,
                next: .fail(.malformedResponse(request: request, detail: "the list has no metadata.resourceVersion"))
            )
        }
        resourceVersion = version
        phase = .watching(eventsReceived: 0)
        return Action(updates: updates, next: .request(.watch(resourceVersion: version)))
    }

    /// The watch stream is open; read it.
    public mutating func streamOpened() -> Action {
        phase = .watching(eventsReceived: 0)
        return Action(updates: [], next: .readStream)
    }

    /// An event arrived on the stream.
    public mutating func event(_ event: WatchEvent<Object>, random: Double = 0.5) -> Action {
        guard case .watching(let received) = phase else { return unexpected() }
        phase = .watching(eventsReceived: received + 1)
        consecutiveFailures = 0
        emptyStreams = 0
        switch event {
        case .added(let object), .modified(let object):
            note(object.metadata.resourceVersion)
            let key = ObjectKey(object.metadata)
            if let old = view[key] {
                view[key] = object
                if old.metadata.resourceVersion == object.metadata.resourceVersion {
                    return Action(updates: [], next: .readStream)
                }
                return Action(updates: [.modified(object)], next: .readStream)
            }
            view[key] = object
            return Action(updates: [.added(object)], next: .readStream)
        case .deleted(let object):
            note(object.metadata.resourceVersion)
            guard view.removeValue(forKey: ObjectKey(object.metadata)) != nil else {
                return Action(updates: [], next: .readStream)
            }
            return Action(updates: [.deleted(object)], next: .readStream)
        case .bookmark(let version):
            note(version)
            return Action(updates: [], next: .readStream)
        case .error(let status):
            let code = status.code ?? 500
            let error = KubeClientError.api(APIFailure(status: code, request: request, apiStatus: status))
            switch code {
            case 410: return failed(.expired, random: random)
            case 429, 500...599:
                let delay = status.details?.retryAfterSeconds.map { Duration.seconds($0) }
                return failed(.retryable(error, retryAfter: delay), random: random)
            default: return failed(.fatal(error), random: random)
            }
        }
    }

    /// The server ended the stream cleanly (such as at `timeoutSeconds`): resume at once from the last version.
    ///
    /// A stream that ended without a single event or bookmark is resumed after a backoff delay, so a server that keeps
    /// closing at once is not hammered, but it never counts towards giving up.
    public mutating func streamEnded(random: Double) -> Action {
        guard case .watching(let received) = phase, let resourceVersion else { return unexpected() }
        if received > 0 {
            emptyStreams = 0
            return Action(updates: [], next: .request(.watch(resourceVersion: resourceVersion)))
        }
        emptyStreams += 1
        phase = .waiting(resume: .watch(resourceVersion: resourceVersion))
        return Action(updates: [], next: .wait(policy.delay(attempt: emptyStreams, retryAfter: nil, random: random)))
    }

    /// A request or the stream failed.
    public mutating func failed(_ failure: Failure, random: Double = 0.5) -> Action {
        switch failure {
        case .expired:
            // A fresh list; the view is kept so the relist can be emitted as a difference.
            phase = .listing(items: [], resourceVersion: nil)
            return Action(updates: [], next: .request(.list(continueToken: nil)))
        case .fatal(let error):
            phase = .finished
            return Action(updates: [], next: .fail(error))
        case .retryable(let error, let retryAfter):
            consecutiveFailures += 1
            if consecutiveFailures > policy.maximumAttempts {
                phase = .finished
                return Action(
                    updates: [],
                    next: .fail(
                        .watchGaveUp(request: request, attempts: consecutiveFailures, lastError: error.description)
                    )
                )
            }
            // A stall (nothing arrived within the idle limit) relists instead of resuming: whatever stalled the
            // stream may stall the next one too, while a list shows the current state at once, so a chain of
            // stalls costs the consumer one idle limit of blindness each, not all of them. A list that fails
            // (a relist after a stall or a 410 included) is retried as a list: resuming the old stream instead
            // would give up the very reason for listing.
            let stalled = if case .timeout = error { true } else { false }
            let listing = if case .listing = phase { true } else { false }
            let resume: Request =
                if hasSynced, !stalled, !listing, let resourceVersion {
                    .watch(resourceVersion: resourceVersion)
                } else {
                    .list(continueToken: nil)
                }
            phase = .waiting(resume: resume)
            return Action(
                updates: [],
                next: .wait(policy.delay(attempt: consecutiveFailures, retryAfter: retryAfter, random: random))
            )
        }
    }

    /// The wait is over: retry what failed.
    public mutating func delayElapsed() -> Action {
        guard case .waiting(let resume) = phase else { return unexpected() }
        switch resume {
        case .list: phase = .listing(items: [], resourceVersion: nil)
        case .watch: phase = .watching(eventsReceived: 0)
        }
        return Action(updates: [], next: .request(resume))
    }

    /// Sorts an error from a request or stream into how the watch reacts to it.
    public static func classify(_ error: KubeClientError) -> Failure {
        switch error {
        case .api(let failure):
            switch failure.kind {
            case .gone: return .expired
            case .tooManyRequests, .serverError: return .retryable(error, retryAfter: failure.retryAfter)
            case .unauthorized, .forbidden, .notFound, .otherClientError: return .fatal(error)
            }
        case .unreachable, .timeout: return .retryable(error, retryAfter: nil)
        case .malformedResponse, .invalidConfiguration, .credentials, .tlsVerification, .tlsHandshake, .watchGaveUp,
            .cancelled:
            return .fatal(error)
        }
    }

    private mutating func note(_ version: String?) {
        if let version, !version.isEmpty { resourceVersion = version }
    }

    private mutating func unexpected() -> Action {
        phase = .finished
        return Action(
            updates: [],
            next: .fail(.malformedResponse(request: request, detail: "the watch received input out of order"))
        )
    }
}

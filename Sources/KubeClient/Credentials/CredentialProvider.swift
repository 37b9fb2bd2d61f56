import Foundation

/// What one request presents: an `Authorization` header value and, over TLS, a client identity.
public struct RequestCredentials: Sendable {
    /// The full `Authorization` header value (`Bearer …` or `Basic …`), if any.
    public var authorization: Secret?
    /// The client certificate for the TLS handshake, if any.
    public var identity: ClientIdentity?
    /// Which exec result this came from, so a 401 invalidates exactly that one.
    var execGeneration: Int?
}

/// Hands out the credentials of each request and refreshes them: token files are re-read before every
/// request (bound service-account tokens rotate), exec plugin results are cached until their expiry and
/// re-run once when the server answers 401.
public struct CredentialProvider: Sendable {
    private let source: CredentialSource
    private let staticIdentity: ClientIdentity?
    private let environment: KubeClientEnvironment
    private let execCache: ExecCredentialCache?

    /// Creates a provider for a configuration's credentials.
    public init(configuration: ClientConfiguration, environment: KubeClientEnvironment) {
        source = configuration.credentials
        staticIdentity = configuration.tls.clientIdentity
        self.environment = environment
        if case .exec(let plugin) = configuration.credentials {
            execCache = ExecCredentialCache(plugin: plugin)
        } else {
            execCache = nil
        }
    }

    /// The credentials for the next request.
    public func current() async throws(KubeClientError) -> RequestCredentials {
        switch source {
        case .none:
            return RequestCredentials(authorization: nil, identity: staticIdentity)
        case .token(let token):
            return RequestCredentials(authorization: Secret("Bearer \(token.exposedValue)"), identity: staticIdentity)
        case .tokenFile(let path):
            let token = try readToken(path)
            return RequestCredentials(authorization: Secret("Bearer \(token)"), identity: staticIdentity)
        case .basic(let username, let password):
            let encoded = Data("\(username):\(password.exposedValue)".utf8).base64EncodedString()
            return RequestCredentials(authorization: Secret("Basic \(encoded)"), identity: staticIdentity)
        case .exec:
            guard let execCache else { return RequestCredentials(authorization: nil, identity: staticIdentity) }
            let (issued, generation) = try await execCache.credential(environment: environment)
            return RequestCredentials(
                authorization: issued.token.map { Secret("Bearer \($0.exposedValue)") },
                identity: issued.identity ?? staticIdentity,
                execGeneration: generation
            )
        }
    }

    /// Called after a 401: drops what was used and says whether a retry can present something different.
    ///
    /// Exec results are invalidated (the plugin runs again); a token file is worth a retry only if it changed.
    public func refreshAfterUnauthorized(_ used: RequestCredentials) async -> Bool {
        switch source {
        case .exec:
            guard let execCache, let generation = used.execGeneration else { return false }
            await execCache.invalidate(generation: generation)
            return true
        case .tokenFile(let path):
            guard let token = try? readToken(path) else { return false }
            return used.authorization?.exposedValue != "Bearer \(token)"
        case .none, .token, .basic:
            return false
        }
    }

    private func readToken(_ path: String) throws(KubeClientError) -> String {
        let data: Data
        do {
            data = try environment.fileSystem.contents(ofFile: path)
        } catch {
            throw .credentials(CredentialProblem(user: "token file", problem: error.description))
        }
        let token = String(decoding: data, as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines)
        guard !token.isEmpty else {
            throw .credentials(CredentialProblem(user: "token file", problem: "\(path) is empty"))
        }
        return token
    }
}

/// Runs an exec plugin at most once at a time however many requests need credentials together, and keeps
/// its answer until `expirationTimestamp` or a 401.
actor ExecCredentialCache {
    private enum State {
        case empty
        case fetching(attempt: Int)
        case ready(IssuedCredential, generation: Int)
        case failed(KubeClientError, attempt: Int)
    }

    private let plugin: ExecPlugin
    private var state = State.empty
    private var attempts = 0
    private var waiters: [CheckedContinuation<Void, Never>] = []

    init(plugin: ExecPlugin) {
        self.plugin = plugin
    }

    /// A valid credential and its generation, running the plugin when none is cached or it expired.
    func credential(environment: KubeClientEnvironment) async throws(KubeClientError) -> (IssuedCredential, Int) {
        while true {
            switch state {
            case .ready(let issued, let generation):
                if let expiry = issued.expiry, environment.now() >= expiry {
                    state = .empty
                    continue
                }
                return (issued, generation)
            case .fetching(let attempt):
                await withCheckedContinuation { waiters.append($0) }
                if case .failed(let error, let failedAttempt) = state, failedAttempt == attempt { throw error }
                continue
            case .empty, .failed:
                attempts += 1
                let attempt = attempts
                state = .fetching(attempt: attempt)
                do {
                    let issued = try await ExecCredentialRunner.run(plugin, environment: environment)
                    state = .ready(issued, generation: attempt)
                    wakeWaiters()
                    return (issued, attempt)
                } catch {
                    // A cancelled caller leaves the fetch to a waiting one; a real failure is shared with all
                    // waiters, so a broken plugin runs once per wave of requests, not once per watch.
                    state = error.isCancellation ? .empty : .failed(error, attempt: attempt)
                    wakeWaiters()
                    throw error
                }
            }
        }
    }

    /// Forgets the credential of a generation the server rejected (a newer one is kept).
    func invalidate(generation: Int) {
        if case .ready(_, let current) = state, current == generation { state = .empty }
    }

    private func wakeWaiters() {
        let waiting = waiters
        waiters = []
        for waiter in waiting { waiter.resume() }
    }
}

extension KubeClientError {
    /// Whether this is a cancellation rather than a failure.
    public var isCancellation: Bool {
        if case .cancelled = self { return true }
        return false
    }
}

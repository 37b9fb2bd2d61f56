import Synchronization

/// What a fault does to a request it matches.
public enum FaultAction: Sendable, Hashable {
    /// Answers with this status (429, 500, 503, …) and a `Status` body; `retryAfterSeconds` adds a
    /// `Retry-After` header (and `details.retryAfterSeconds`), as API Priority and Fairness does for 429.
    case status(code: Int, retryAfterSeconds: Int?)
    /// Waits this long before handling the request normally.
    case delay(Duration)
    /// Sends the response headers and part of the body, then closes the connection (a watch stream gets
    /// half a JSON line).
    case drop
    /// Sends the response headers, then nothing, until the client gives up.
    case stall
}

/// A fault for the next matching requests.
public struct FaultRule: Sendable, Hashable {
    /// What happens.
    public var action: FaultAction
    /// How many matching requests it still affects.
    public var remaining: Int
    /// The request kinds it matches (`get`, `list`, `watch`, `log`, `create`, `update`, `patch`, `delete`,
    /// `discovery`); nil for all.
    public var verbs: Set<String>?
    /// The resources it matches by plural name (`pods`, `deployments`); nil for all.
    public var resources: Set<String>?

    /// Creates a rule.
    public init(action: FaultAction, count: Int = 1, verbs: Set<String>? = nil, resources: Set<String>? = nil) {
        self.action = action
        self.remaining = count
        self.verbs = verbs
        self.resources = resources
    }

    func matches(_ request: RequestClass) -> Bool {
        if let verbs, !verbs.contains(request.verb) { return false }
        if let resources, !resources.contains(request.resource) { return false }
        return true
    }
}

/// A request reduced to what faults and counters key on.
public struct RequestClass: Sendable, Hashable {
    /// `get`, `list`, `watch`, `log`, `create`, `update`, `patch`, `delete`, `deletecollection`,
    /// `discovery`, or the lower-cased HTTP method for other paths.
    public var verb: String
    /// The plural resource (`pods`), or `""` outside resources.
    public var resource: String
}

/// The armed fault rules; the server consults it for every API request (not for `/sim/` requests).
final class FaultInjector: Sendable {
    private let rules = Mutex<[FaultRule]>([])

    /// Arms a rule; rules are consulted in the order they were added.
    func add(_ rule: FaultRule) {
        guard rule.remaining > 0 else { return }
        rules.withLock { $0.append(rule) }
    }

    /// Disarms every rule.
    func clear() {
        rules.withLock { $0.removeAll() }
    }

    /// The armed rules.
    var armed: [FaultRule] { rules.withLock { $0 } }

    /// The action for a request, consuming one use of the first matching rule.
    func take(for request: RequestClass) -> FaultAction? {
        rules.withLock { rules in
            guard let index = rules.firstIndex(where: { $0.matches(request) }) else { return nil }
            let action = rules[index].action
            rules[index].remaining -= 1
            if rules[index].remaining <= 0 { rules.remove(at: index) }
            return action
        }
    }
}

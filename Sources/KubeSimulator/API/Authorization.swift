/// Who made a request, as authentication decided.
public struct Identity: Sendable, Hashable, CustomStringConvertible {
    /// The user name (a client certificate's CN, a token's user, a basic-auth user name).
    public var user: String
    /// The groups (a client certificate's O values; `system:authenticated` is always added).
    public var groups: [String]

    /// Creates an identity.
    public init(user: String, groups: [String]) {
        self.user = user
        self.groups = groups
    }

    /// The user name.
    public var description: String { user }
}

/// One deny rule: requests matching every non-nil field are refused with 403.
///
/// Rules express what tests need, such as "user `ci` may not list pods in namespace `payments`", without
/// modelling RBAC roles and bindings. Anything no rule denies is allowed.
public struct AccessRule: Sendable, Hashable {
    /// The users the rule applies to; nil for all.
    public var users: Set<String>?
    /// The groups the rule applies to (any one of them); nil for all.
    public var groups: Set<String>?
    /// The verbs denied; nil for all.
    public var verbs: Set<APIVerb>?
    /// The resources denied, by plural name, with `/subresource` for subresources (`pods/log`); nil for all.
    public var resources: Set<String>?
    /// The namespaces the rule applies to; nil for all (cluster-scoped requests match only a nil set).
    public var namespaces: Set<String>?

    /// Creates a rule.
    public init(
        users: Set<String>? = nil,
        groups: Set<String>? = nil,
        verbs: Set<APIVerb>? = nil,
        resources: Set<String>? = nil,
        namespaces: Set<String>? = nil
    ) {
        self.users = users
        self.groups = groups
        self.verbs = verbs
        self.resources = resources
        self.namespaces = namespaces
    }

    func denies(_ identity: Identity, _ request: ResourceRequest) -> Bool {
        if let users, !users.contains(identity.user) { return false }
        if let groups, groups.isDisjoint(with: identity.groups) { return false }
        if let verbs, !verbs.contains(request.verb) { return false }
        if let resources, !resources.contains(request.resourceName) { return false }
        if let namespaces {
            guard let namespace = request.namespace, namespaces.contains(namespace) else { return false }
        }
        return true
    }
}

extension ResourceRequest {
    /// The resource as RBAC names it: `pods`, or `pods/log` for a subresource.
    var resourceName: String {
        subresource.map { "\(type.plural)/\($0)" } ?? type.plural
    }

    /// The 403 kube-apiserver answers when RBAC denies this request to `identity`.
    func forbidden(for identity: Identity) -> APIError {
        let subject = name.map { "\(type.qualifiedName) \"\($0)\"" } ?? type.qualifiedName
        let scope = namespace.map { "in the namespace \"\($0)\"" } ?? "at the cluster scope"
        let message =
            "\(subject) is forbidden: User \"\(identity.user)\" cannot \(verb.rawValue) resource "
            + "\"\(resourceName)\" in API group \"\(type.group)\" \(scope)"
        return APIError(code: 403, reason: "Forbidden", message: message, details: APIError.details(type, name: name))
    }
}

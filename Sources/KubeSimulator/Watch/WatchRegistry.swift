/// Which objects a list or watch selects: one resource, one namespace or all, label and field selectors.
struct ObjectFilter: Sendable, Hashable {
    var type: ResourceType
    /// The namespace, or nil for all namespaces (and for cluster-scoped resources).
    var namespace: String?
    var labels = LabelSelector()
    var fields = FieldSelector()

    func matches(_ object: StoredObject) -> Bool {
        if let namespace, object.namespace != namespace { return false }
        if !labels.isEmpty, !labels.matches(object.labels) { return false }
        if !fields.isEmpty {
            var values: [String: String] = [:]
            for term in fields.terms where values[term.field] == nil {
                values[term.field] = type.fieldValue(term.field, of: object.value)
            }
            if !fields.matches(values) { return false }
        }
        return true
    }
}

/// The open watches, indexed by storage kind and namespace so a change only visits the watchers that
/// could want it (namespace first, selectors after).
struct WatchRegistry: Sendable {
    struct Watcher: Sendable {
        var filter: ObjectFilter
        var mailbox: WatchMailbox
    }

    private var watchers: [String: [String?: [Int: Watcher]]] = [:]
    private var locations: [Int: Location] = [:]
    private var nextID = 1

    private struct Location: Sendable {
        var kind: String
        var namespace: String?
    }

    /// How many watches are registered.
    var count: Int { locations.count }

    mutating func add(filter: ObjectFilter, mailbox: WatchMailbox) -> Int {
        let id = nextID
        nextID += 1
        let namespace = filter.type.namespaced ? filter.namespace : nil
        watchers[filter.type.storageKind, default: [:]][namespace, default: [:]][id] = Watcher(
            filter: filter,
            mailbox: mailbox
        )
        locations[id] = Location(kind: filter.type.storageKind, namespace: namespace)
        return id
    }

    mutating func remove(id: Int) {
        guard let location = locations.removeValue(forKey: id) else { return }
        watchers[location.kind]?[location.namespace]?[id] = nil
    }

    /// The mailbox of one watch.
    func mailbox(id: Int) -> WatchMailbox? {
        guard let location = locations[id] else { return nil }
        return watchers[location.kind]?[location.namespace]?[id]?.mailbox
    }

    /// Every registered mailbox.
    var mailboxes: [WatchMailbox] {
        watchers.values.flatMap { $0.values.flatMap { $0.values.map(\.mailbox) } }
    }

    /// Delivers each change to the watchers it concerns, as the watch cache's `convertToWatchEvent` does:
    /// an object that starts matching is ADDED, one that stops matching is DELETED (its previous state,
    /// carrying the change's resourceVersion).
    func fanOut(_ changes: [Change]) {
        for change in changes {
            guard let byNamespace = watchers[change.kind] else { continue }
            if let scoped = byNamespace[change.object.namespace], !change.object.namespace.isEmpty {
                for watcher in scoped.values { deliver(change, to: watcher) }
            }
            if let all = byNamespace[nil] {
                for watcher in all.values { deliver(change, to: watcher) }
            }
        }
    }

    private func deliver(_ change: Change, to watcher: Watcher) {
        let currentPasses = change.type != .deleted && watcher.filter.matches(change.object)
        let previousPasses = change.previous.map(watcher.filter.matches) ?? false
        switch (currentPasses, previousPasses) {
        case (true, false):
            watcher.mailbox.deliver(.change(.added, change.object))
        case (true, true):
            watcher.mailbox.deliver(.change(.modified, change.object))
        case (false, true):
            let object =
                change.type == .deleted
                ? change.object : (change.previous ?? change.object).withResourceVersion(change.resourceVersion)
            watcher.mailbox.deliver(.change(.deleted, object))
        case (false, false):
            break
        }
    }
}

import KubeModel

/// The current objects of one kind, by namespace and name, indexed by the UID of the object each belongs to.
///
/// Several watches may deliver the same object (a selector watch and a namespace-wide one for named
/// targets): each object remembers which watches hold it, and leaves the index only when the last of them
/// deletes it, so one watch's view never erases another's.
struct ObjectIndex<Object: StoredObject>: Sendable {
    private struct Entry: Sendable {
        var object: Object
        var holders: Set<WatchID>
    }

    private var entries: [ObjectKey: Entry] = [:]
    private var children: [String: Set<ObjectKey>] = [:]
    private var keysByUID: [String: ObjectKey] = [:]

    /// How many objects the index holds.
    var count: Int { entries.count }

    /// Every object, in no particular order.
    var objects: some Collection<Object> { entries.values.lazy.map(\.object) }

    /// The object at `key`, if present.
    subscript(key: ObjectKey) -> Object? { entries[key]?.object }

    /// The object with `uid`, if present.
    subscript(uid uid: String) -> Object? { keysByUID[uid].flatMap { entries[$0]?.object } }

    /// The objects whose parent is the object with `uid`, sorted by namespace and name for stable output.
    func children(of uid: String) -> [Object] {
        guard let keys = children[uid] else { return [] }
        return keys.sorted().compactMap { entries[$0]?.object }
    }

    /// Stores the current state of an object as seen by `watch`; returns the state it replaces, if any.
    @discardableResult
    mutating func upsert(_ object: Object, from watch: WatchID) -> Object? {
        let key = ObjectKey(object.metadata)
        let previous = entries[key]
        if let old = previous?.object { unlink(old, key: key) }
        entries[key] = Entry(object: object, holders: (previous?.holders ?? []).union([watch]))
        link(object, key: key)
        return previous?.object
    }

    /// Removes an object that `watch` saw deleted; returns it when no other watch still holds it.
    @discardableResult
    mutating func remove(_ object: Object, from watch: WatchID) -> Object? {
        let key = ObjectKey(object.metadata)
        guard var entry = entries[key] else { return nil }
        entry.holders.remove(watch)
        guard entry.holders.isEmpty else {
            entries[key] = entry
            return nil
        }
        entries[key] = nil
        unlink(entry.object, key: key)
        return entry.object
    }

    private mutating func link(_ object: Object, key: ObjectKey) {
        if let uid = object.metadata.uid { keysByUID[uid] = key }
        guard let parent = object.parentUID else { return }
        children[parent, default: []].insert(key)
    }

    private mutating func unlink(_ object: Object, key: ObjectKey) {
        if let uid = object.metadata.uid, keysByUID[uid] == key { keysByUID[uid] = nil }
        guard let parent = object.parentUID else { return }
        children[parent]?.remove(key)
        if children[parent]?.isEmpty == true { children[parent] = nil }
    }
}

/// Identifies one running watch within a gate run.
struct WatchID: Sendable, Hashable, Comparable, CustomStringConvertible {
    var rawValue: Int

    static func < (lhs: WatchID, rhs: WatchID) -> Bool { lhs.rawValue < rhs.rawValue }

    var description: String { "watch #\(rawValue)" }
}

import Foundation

/// The simulated controllers and kubelet: given the objects in the store and the time, what changes next.
///
/// The scenario runner calls `reconcile` after every change to the store (a timeline step, a client's
/// write such as `kubectl scale`, or the behaviour's own writes) and again when the time the previous
/// step asked for arrives. Implementations are pure values: no clock, no I/O, so they are tested by
/// tables and replayed deterministically.
public protocol ClusterBehaviour: Sendable {
    /// Looks at the cluster at `now` and returns the writes to apply and when to be called again.
    mutating func reconcile(now: Date, cluster: any ClusterSnapshot) -> BehaviourStep
}

/// A read-only view of the store's objects, as the behaviour sees them during one `reconcile` call.
///
/// A snapshot may also keep a change feed (`revision` and `changes(kind:after:)`), as the simulator's store
/// does: a behaviour then reads what changed since its previous call instead of listing everything, the way
/// real controllers follow watches. Snapshots without one (the defaults return nil) are listed in full.
public protocol ClusterSnapshot {
    /// Every stored object of `kind` (such as `Deployment`, `Pod`), in one namespace or across all (`nil`).
    func objects(kind: String, namespace: String?) -> [JSONValue]
    /// One object, if it exists.
    func object(kind: String, namespace: String?, name: String) -> JSONValue?
    /// The resourceVersion of the latest change this snapshot shows; nil when it keeps no change feed.
    var revision: Int64? { get }
    /// The changes to objects of `kind` after `revision`, oldest first; nil when some are no longer retained.
    func changes(kind: String, after revision: Int64) -> [SnapshotChange]?
}

extension ClusterSnapshot {
    /// No change feed: behaviours list the objects they need.
    public var revision: Int64? { nil }

    /// No change feed: behaviours list the objects they need.
    public func changes(kind: String, after revision: Int64) -> [SnapshotChange]? { nil }
}

/// One change a snapshot's feed reports.
public struct SnapshotChange: Sendable, Hashable {
    /// Created, updated or deleted.
    public var type: ChangeType
    /// The object after the change; for a deletion, its last state.
    public var object: JSONValue

    /// Creates a change.
    public init(type: ChangeType, object: JSONValue) {
        self.type = type
        self.object = object
    }
}

/// What one `reconcile` call decided.
public struct BehaviourStep: Sendable {
    /// Writes to apply, in order, atomically with respect to clients.
    public var writes: [ClusterWrite]
    /// The latest time at which `reconcile` should be called again; `nil` when only a change can matter.
    public var nextWake: Date?

    /// Creates a step.
    public init(writes: [ClusterWrite] = [], nextWake: Date? = nil) {
        self.writes = writes
        self.nextWake = nextWake
    }
}

/// One change the behaviour asks the store to make.
///
/// The store owns bookkeeping: it assigns `uid`, `resourceVersion` and `creationTimestamp` to new objects,
/// and raises `metadata.generation` of apps objects only when their `spec` changed, as the API server does.
public enum ClusterWrite: Sendable, Hashable {
    /// Creates the object, or replaces the stored one with the same kind, namespace and name.
    case upsert(JSONValue)
    /// Deletes an object (a no-op when it is absent).
    case delete(kind: String, namespace: String?, name: String)
    /// Sets the text `pods/{pod}/log?container=…` serves (`current`) and serves with `previous=true`.
    case setLog(namespace: String, pod: String, container: String, current: String, previous: String?)
}

/// A scenario file that cannot be loaded: names the file, the line and the problem, in one line.
public struct ScenarioError: Error, Sendable, Hashable, CustomStringConvertible {
    /// The scenario file's path as given.
    public var file: String
    /// The 1-based line of the problem, when known.
    public var line: Int?
    /// What is wrong, as one sentence without a trailing period.
    public var problem: String

    /// Creates an error.
    public init(file: String, line: Int?, problem: String) {
        self.file = file
        self.line = line
        self.problem = problem
    }

    /// `FILE:LINE: problem`, the shape compilers use, so editors can jump to it.
    public var description: String {
        if let line { return "\(file):\(line): \(problem)" }
        return "\(file): \(problem)"
    }
}

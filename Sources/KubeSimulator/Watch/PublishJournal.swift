import Foundation

/// When the store published each recent change to the watches, by wall clock, with the signals a benchmark
/// looks for: the simulator's side of "from the decisive change to the gate's verdict".
///
/// A benchmark asks, for example, for the first Pod change whose container waits in `CrashLoopBackOff`,
/// the first ReplicaSet change with `ReplicaFailure`, or the change at which a Deployment's rollout became
/// complete, and subtracts that `publishedAt` from the moment the gate exited. Entries are recorded in
/// resourceVersion order, all changes of one transaction with one timestamp (they reach the watches
/// together), and the oldest drop off past `limit`.
struct PublishJournal: Sendable {
    /// One published change.
    struct Entry: Sendable, Hashable {
        var kind: String
        var namespace: String
        var name: String
        var resourceVersion: Int64
        var type: ChangeType
        /// Wall-clock (`CLOCK_REALTIME`) nanoseconds since the epoch when the change reached the watches.
        var publishedAt: Int64
        /// What the object shows at this change (`JournalSignals`), such as `CrashLoopBackOff` or `RolloutComplete`.
        var signals: [String]
    }

    /// What a benchmark looks for; nil fields match anything.
    struct Query: Sendable, Hashable {
        var kind: String?
        var namespace: String?
        var name: String?
        var signal: String?
        /// Only changes with a larger resourceVersion.
        var afterResourceVersion: Int64?
        /// At most this many entries, oldest first.
        var limit = 1_000
    }

    private var buffer: [Entry] = []
    private var start = 0
    /// How many entries are kept; 0 records nothing.
    let limit: Int
    /// Entries dropped because the journal was full.
    private(set) var dropped = 0

    init(limit: Int) {
        self.limit = max(0, limit)
    }

    /// How many entries are kept now.
    var count: Int { buffer.count - start }

    /// Records changes as published at `publishedAt`.
    mutating func record(_ changes: [Change], publishedAt: Int64) {
        guard limit > 0 else { return }
        for change in changes {
            buffer.append(
                Entry(
                    kind: change.kind,
                    namespace: change.object.namespace,
                    name: change.object.name,
                    resourceVersion: change.resourceVersion,
                    type: change.type,
                    publishedAt: publishedAt,
                    signals: change.type == .deleted ? [] : JournalSignals.of(change.object.value, kind: change.kind)
                )
            )
            if count > limit {
                start += 1
                dropped += 1
            }
        }
        // Compact once half the storage is dead, keeping appends amortised O(1).
        if start > limit {
            buffer.removeFirst(start)
            start = 0
        }
    }

    /// The entries matching `query`, oldest first.
    func entries(matching query: Query) -> [Entry] {
        var result: [Entry] = []
        var index = start
        if let after = query.afterResourceVersion {
            var high = buffer.count
            while index < high {
                let middle = (index + high) / 2
                if buffer[middle].resourceVersion <= after { index = middle + 1 } else { high = middle }
            }
        }
        while index < buffer.count, result.count < query.limit {
            let entry = buffer[index]
            index += 1
            if let kind = query.kind, entry.kind != kind { continue }
            if let namespace = query.namespace, entry.namespace != namespace { continue }
            if let name = query.name, entry.name != name { continue }
            if let signal = query.signal, !entry.signals.contains(signal) { continue }
            result.append(entry)
        }
        return result
    }

    /// The resourceVersion of the oldest entry kept, if any.
    var oldestResourceVersion: Int64? { count > 0 ? buffer[start].resourceVersion : nil }

    /// The wall clock (`CLOCK_REALTIME`, which Foundation's `Date` reads) as nanoseconds since the epoch.
    ///
    /// `Date` holds a `Double`, so the value is exact to about 0.1 µs: ample for the microseconds the
    /// journal reports, and it needs no platform module (`timespec` is not visible everywhere).
    static func realtimeNanoseconds() -> Int64 {
        let seconds = Date().timeIntervalSince1970
        let whole = seconds.rounded(.down)
        return Int64(whole) * 1_000_000_000 + Int64(((seconds - whole) * 1e9).rounded())
    }
}

/// The signals a journal entry carries: what a benchmark's predicate looks for in an object.
///
/// - every kind: the `type` of each condition whose status is `True` (`Available`, `ReplicaFailure`,
///   `Complete`, `Failed`) and the `reason` of each condition (`ProgressDeadlineExceeded`, `Unschedulable`);
/// - Pod: each container's and init container's waiting and terminated reasons (`CrashLoopBackOff`,
///   `ImagePullBackOff`, `ErrImagePull`, `CreateContainerConfigError`, `OOMKilled`, `Error`) and the
///   pod's own `status.reason` (`Evicted`);
/// - Deployment: `RolloutComplete` when `kubectl rollout status` would say "successfully rolled out"
///   (observedGeneration caught up, every replica updated and available, no old replica left).
enum JournalSignals {
    static func of(_ object: JSONValue, kind: String) -> [String] {
        var signals: [String] = []
        func add(_ signal: String?) {
            if let signal, !signal.isEmpty, !signals.contains(signal) { signals.append(signal) }
        }
        for condition in object[path: ["status", "conditions"]]?.arrayValue ?? [] {
            if condition["status"]?.stringValue == "True" { add(condition["type"]?.stringValue) }
            add(condition["reason"]?.stringValue)
        }
        switch kind {
        case "Pod":
            add(object[path: ["status", "reason"]]?.stringValue)
            for list in ["initContainerStatuses", "containerStatuses"] {
                for container in object[path: ["status", list]]?.arrayValue ?? [] {
                    add(container[path: ["state", "waiting", "reason"]]?.stringValue)
                    add(container[path: ["state", "terminated", "reason"]]?.stringValue)
                }
            }
        case "Deployment":
            if rolloutComplete(object) { add("RolloutComplete") }
        default:
            break
        }
        return signals
    }

    /// kubectl's rollout-status rule for a Deployment (`polymorphichelpers/rollout_status.go`).
    static func rolloutComplete(_ deployment: JSONValue) -> Bool {
        func status(_ key: String) -> Int64 { deployment[path: ["status", key]]?.intValue ?? 0 }
        let generation = deployment[path: ["metadata", "generation"]]?.intValue ?? 0
        guard status("observedGeneration") >= generation else { return false }
        let progressing = (deployment[path: ["status", "conditions"]]?.arrayValue ?? []).first {
            $0["type"]?.stringValue == "Progressing"
        }
        if progressing?["reason"]?.stringValue == "ProgressDeadlineExceeded" { return false }
        let replicas = deployment[path: ["spec", "replicas"]]?.intValue ?? 1
        let updated = status("updatedReplicas")
        return updated >= replicas && status("replicas") <= updated && status("availableReplicas") >= updated
    }
}

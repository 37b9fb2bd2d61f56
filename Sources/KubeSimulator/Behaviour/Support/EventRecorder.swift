import Foundation

/// The component that records an event, with the fields the real one fills in.
enum EventSource: Sendable, Hashable {
    case kubelet(node: String)
    case scheduler
    case controller(String)

    var component: String {
        switch self {
        case .kubelet: "kubelet"
        case .scheduler: "default-scheduler"
        case .controller(let name): name
        }
    }
}

/// Records core/v1 Events the way `client-go`'s recorder does, aggregating repeats.
///
/// A repeat of the same event (same object, type, reason, message, source) updates the existing
/// Event's `count` and `lastTimestamp` instead of creating a new one, as the real event correlator
/// does, so a crash loop yields one `BackOff` event with a growing count. The scheduler writes
/// through the events.k8s.io API, so its events read back through core/v1 with `eventTime` set,
/// null `firstTimestamp`/`lastTimestamp`, and a `series` for repeats, exactly as a real cluster
/// shows them; a client that only reads `lastTimestamp` gets those wrong on a real cluster too.
struct EventRecorder: Sendable {
    private struct Key: Hashable {
        var involvedUID: String
        var fieldPath: String?
        var type: String
        var reason: String
        var message: String
        var source: EventSource
    }

    private struct Record {
        var name: String
        var count: Int
        var first: Date
    }

    private var records: [Key: Record] = [:]
    private var keysByUID: [String: [Key]] = [:]
    private var sequence: UInt64 = 0

    /// Records an event about `involved` (a stored object with a uid) at `time`.
    mutating func record(
        about involved: JSONValue,
        type: String,
        reason: String,
        message: String,
        source: EventSource,
        fieldPath: String? = nil,
        at time: Date,
        into workspace: inout Workspace
    ) {
        guard let uid = involved.metaUID else { return }
        let namespace = involved.metaNamespace ?? "default"
        let key = Key(
            involvedUID: uid,
            fieldPath: fieldPath,
            type: type,
            reason: reason,
            message: message,
            source: source
        )
        var record: Record
        if var existing = records[key] {
            existing.count += 1
            record = existing
        } else {
            sequence += 1
            let nanos = UInt64(max(0, time.timeIntervalSince1970 * 1_000_000_000)) &+ sequence
            record = Record(name: "\(involved.metaName).\(String(nanos, radix: 16))", count: 1, first: time)
            keysByUID[uid, default: []].append(key)
        }
        records[key] = record

        var involvedObject: [String: JSONValue] = [
            "apiVersion": involved["apiVersion"] ?? .string("v1"),
            "kind": involved["kind"] ?? .string("Pod"),
            "name": .string(involved.metaName),
            "namespace": .string(namespace),
            "uid": .string(uid),
        ]
        if let resourceVersion = involved.metaResourceVersion {
            involvedObject["resourceVersion"] = .string(resourceVersion)
        }
        if let fieldPath { involvedObject["fieldPath"] = .string(fieldPath) }

        var event: [String: JSONValue] = [
            "apiVersion": "v1",
            "kind": "Event",
            "metadata": ["name": .string(record.name), "namespace": .string(namespace)],
            "involvedObject": .object(involvedObject),
            "reason": .string(reason),
            "message": .string(message),
            "type": .string(type),
        ]
        switch source {
        case .scheduler:
            event["eventTime"] = .string(KubeTimestamp.micro(record.first))
            event["firstTimestamp"] = .null
            event["lastTimestamp"] = .null
            event["action"] = "Scheduling"
            event["reportingComponent"] = "default-scheduler"
            event["reportingInstance"] = "default-scheduler-sim-control-plane"
            event["source"] = .object([:])
            if record.count > 1 {
                event["series"] = [
                    "count": .integer(record.count), "lastObservedTime": .string(KubeTimestamp.micro(time)),
                ]
            }
        case .kubelet(let node):
            event["source"] = ["component": "kubelet", "host": .string(node)]
            event["reportingComponent"] = "kubelet"
            event["reportingInstance"] = .string(node)
            event["eventTime"] = .null
            event["firstTimestamp"] = .string(KubeTimestamp.seconds(record.first))
            event["lastTimestamp"] = .string(KubeTimestamp.seconds(time))
            event["count"] = .integer(record.count)
        case .controller(let name):
            event["source"] = ["component": .string(name)]
            event["reportingComponent"] = .string(name)
            event["reportingInstance"] = ""
            event["eventTime"] = .null
            event["firstTimestamp"] = .string(KubeTimestamp.seconds(record.first))
            event["lastTimestamp"] = .string(KubeTimestamp.seconds(time))
            event["count"] = .integer(record.count)
        }
        workspace.put(.object(event), as: ObjectKey(kind: "Event", namespace: namespace, name: record.name))
    }

    /// Forgets the events of an object that is gone, so memory follows the cluster.
    mutating func forget(uid: String) {
        for key in keysByUID.removeValue(forKey: uid) ?? [] { records[key] = nil }
    }
}

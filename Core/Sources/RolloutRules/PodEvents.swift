import Foundation
import KubeModel

/// The events of an observation, looked up by the pod they are about.
///
/// Events outlive the pods they describe, and old-style events may lack the pod's UID, so a pod's events
/// are those naming its UID, or, without a UID, its kind, namespace and name.
struct PodEvents {
    private let all: [Event]
    private let warnings: [Event]

    init(_ events: [Event]) {
        all = events
        warnings = events.filter(\.isWarning)
    }

    /// The Warning events about a pod.
    func about(_ pod: Pod) -> [Event] {
        warnings.filter { Self.isAbout($0, pod) }
    }

    /// Whether the kubelet reported progress on the pod's containers (`Pulling`, `Pulled`, `Created`,
    /// `Started`) after `time`: the volumes were mounted by then, whatever earlier events said.
    ///
    /// The coordinator may list Warning events only; then this never holds and the mount grace decides.
    func containersProgressed(_ pod: Pod, after time: KubeTime?) -> Bool {
        guard let time else { return false }
        return all.contains { event in
            !event.isWarning && ["Pulling", "Pulled", "Created", "Started"].contains(event.reason ?? "")
                && Self.isAbout(event, pod) && (event.lastSeen.map { $0 > time } ?? false)
        }
    }

    private static func isAbout(_ event: Event, _ pod: Pod) -> Bool {
        let object = event.involvedObject
        guard object.kind == nil || object.kind == "Pod" else { return false }
        if let namespace = object.namespace, let podNamespace = pod.metadata.namespace, namespace != podNamespace {
            return false
        }
        if let uid = object.uid, let podUID = pod.metadata.uid { return uid == podUID }
        return object.name == pod.metadata.name
    }

    /// The most recent readiness-probe failure (`Unhealthy`, "Readiness probe failed…") about `pods`, or
    /// about a pod whose name starts with `namePrefix`: replaced pods of the ReplicaSet count, by name.
    func lastReadinessFailure(pods: [Pod], namePrefix: String?) -> Event? {
        let uids = Set(pods.compactMap(\.metadata.uid))
        let names = Set(pods.map(\.metadata.name))
        return
            warnings
            .filter { event in
                guard event.reason == "Unhealthy", event.message?.hasPrefix("Readiness probe") == true,
                    event.involvedObject.kind == "Pod"
                else { return false }
                if let uid = event.involvedObject.uid, uids.contains(uid) { return true }
                guard let name = event.involvedObject.name else { return false }
                return names.contains(name) || namePrefix.map { name.hasPrefix($0) } == true
            }
            .latest
    }
}

extension Array where Element == Event {
    /// The most recently seen event; ties go to the smallest object name, then event name, then message,
    /// so the choice never depends on the order the API server listed them in.
    var latest: Event? {
        self.min { lhs, rhs in
            let left = lhs.lastSeen?.date ?? .distantPast
            let right = rhs.lastSeen?.date ?? .distantPast
            if left != right { return left > right }
            return (lhs.involvedObject.name ?? "", lhs.metadata.name, lhs.message ?? "")
                < (rhs.involvedObject.name ?? "", rhs.metadata.name, rhs.message ?? "")
        }
    }
}

/// Recognisers for kubelet messages that change how a reason is judged.
enum KubeletMessage {
    /// `secret "db" not found` (or the API's `secrets "db" not found`): the original's
    /// `-ignore-secret-not-found` waits for such a Secret instead of failing.
    static func isSecretNotFound(_ message: String?) -> Bool {
        guard let message else { return false }
        return (message.contains("secret \"") || message.contains("secrets \"")) && message.contains("\" not found")
    }

    /// `failed to sync configmap cache: timed out waiting for the condition`: the kubelet's informer is
    /// still starting, and the next attempt succeeds (krane treats it as transient too).
    static func isCacheSyncDelay(_ message: String?) -> Bool {
        guard let message else { return false }
        return message.contains("failed to sync") && message.contains("cache")
    }

    /// `failed to reserve container name …: name … is reserved for …`: containerd still holds the name of
    /// a previous attempt on a loaded node; the kubelet retries and it clears.
    static func isNameReservationDelay(_ message: String?) -> Bool {
        guard let message else { return false }
        return message.contains("failed to reserve container name") || message.contains("is reserved for")
    }

    /// The cause at the end of a kubelet message: `MountVolume.SetUp failed for volume "tls" : secret "tls"
    /// not found` becomes `secret "tls" not found`.
    static func cause(_ message: String) -> String {
        guard let range = message.range(of: " : ", options: .backwards) else { return message }
        let cause = message[range.upperBound...].trimmingCharacters(in: .whitespaces)
        return cause.isEmpty ? message : cause
    }
}

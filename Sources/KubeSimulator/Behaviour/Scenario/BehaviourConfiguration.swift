import Foundation

/// The behaviour section of a scenario, resolved into values: settings, declared workloads and rules.
struct BehaviourConfiguration: Sendable {
    /// Multiplies every kubelet and controller delay (back-offs, start-up, probe periods).
    ///
    /// A five-minute crash-loop story then plays in seconds. Offsets of declared updates are not scaled.
    var timeScale: Double = 1
    /// The simulated nodes: the scheduler's denominator (`0/3 nodes are available`) and one
    /// DaemonSet pod per node.
    var nodeCount: Int = 3
    /// What pods do when no declaration or rule names them, such as pods of a Deployment a client applies.
    var defaultBehaviour: PodBehaviour = PodBehaviour(kind: .healthy)
    /// Objects the model creates when it starts, with what their pods do and what changes later.
    var workloads: [WorkloadDeclaration] = []
    /// Behaviours keyed on namespace, workload name, kind or container image, tried in order.
    var rules: [BehaviourRule] = []

    /// The node names, `node-1` … `node-N`.
    var nodeNames: [String] { (1...max(1, nodeCount)).map { "node-\($0)" } }
}

/// A shell-style pattern (`*` matches any run of characters) for names and images.
struct GlobPattern: Sendable, Hashable {
    var text: String

    func matches(_ value: String) -> Bool {
        let parts = text.split(separator: "*", omittingEmptySubsequences: false).map(String.init)
        if parts.count == 1 { return value == text }
        var remainder = Substring(value)
        for (index, part) in parts.enumerated() {
            if part.isEmpty { continue }
            if index == 0 {
                guard remainder.hasPrefix(part) else { return false }
                remainder = remainder.dropFirst(part.count)
            } else if index == parts.count - 1 {
                return remainder.hasSuffix(part)
            } else {
                guard let range = remainder.range(of: part) else { return false }
                remainder = remainder[range.upperBound...]
            }
        }
        return true
    }
}

/// "Pods of workloads like this do that": a behaviour for objects the scenario does not create itself.
///
/// Rules let a scenario give behaviour to objects from its `objects:` list, from a timeline step, or
/// from a client (`kubectl apply`, `kubectl set image web app=web:broken`): the kubelet resolves a
/// pod's behaviour when it first sees it, from the pod's top-level owner and its container images.
struct BehaviourRule: Sendable {
    var kind: String?
    var namespace: GlobPattern?
    var name: GlobPattern?
    var image: GlobPattern?
    var behaviour: PodBehaviour

    func matches(kind: String, namespace: String, name: String, images: [String]) -> Bool {
        if let expected = self.kind, expected != kind { return false }
        if let pattern = self.namespace, !pattern.matches(namespace) { return false }
        if let pattern = self.name, !pattern.matches(name) { return false }
        if let pattern = image, !images.contains(where: pattern.matches) { return false }
        return true
    }
}

/// The workload kinds a scenario declares.
enum WorkloadKind: String, Sendable, Hashable, CaseIterable {
    case deployment = "Deployment"
    case statefulSet = "StatefulSet"
    case daemonSet = "DaemonSet"
    case job = "Job"
    case pod = "Pod"
}

/// How a declared workload starts.
enum WorkloadStart: String, Sendable, Hashable {
    /// Created when the scenario starts; its first rollout plays from scratch.
    case new
    /// Already rolled out when the scenario starts: revision 1's pods have been running for ten minutes.
    case rolledOut = "rolled-out"
}

/// A change a declared workload goes through at an offset from the scenario's start.
struct WorkloadUpdate: Sendable, Hashable {
    var at: TimeInterval
    /// A new image for the behaviour container: a new template, so a new revision.
    var image: String?
    /// What the new revision's pods do.
    var behaviour: PodBehaviour?
    var replicas: Int?
    var paused: Bool?
    /// Sets the template annotation `kubectl rollout restart` sets: a new revision with the same image.
    var restart: Bool = false
    /// Deletes the workload (a `not-found` story: deleted while a gate waits on it).
    var delete: Bool = false
}

/// A workload the scenario creates, with its object, its pods' behaviour and its later changes.
struct WorkloadDeclaration: Sendable {
    var kind: WorkloadKind
    var object: JSONValue
    var behaviour: PodBehaviour
    var start: WorkloadStart
    var updates: [WorkloadUpdate]
    /// The container that shows the behaviour, whose image updates change.
    var containerName: String

    var key: ObjectKey { object.objectKey(kind: kind.rawValue) }

    /// What pods of this workload do, per image of the behaviour container, across its updates.
    var behaviourByImage: [String: PodBehaviour] {
        var result: [String: PodBehaviour] = [:]
        let base = object.podTemplateContainers.first { $0["name"]?.stringValue == containerName }?["image"]?
            .stringValue
        if let base { result[base] = behaviour }
        var current = behaviour
        for update in updates {
            if let next = update.behaviour { current = next }
            if let image = update.image { result[image] = current }
        }
        return result
    }
}

extension JSONValue {
    /// The pod template's spec (workloads) or the pod's own spec (pods).
    var podTemplateSpec: JSONValue? {
        if metaKind == "Pod" { return self["spec"] }
        return self[path: ["spec", "template", "spec"]]
    }

    /// The containers of the pod template (or pod).
    var podTemplateContainers: [JSONValue] { podTemplateSpec?["containers"]?.arrayValue ?? [] }
}

import Foundation
import KubeModel
import RolloutRules
import Testing

/// Loads the scenario fixtures of `Fixtures/`: `kind: List` documents as `kubectl get
/// deploy,rs,pods,events -o json` prints them, hand-written in the shape a real API server returns.
enum Fixture {
    struct Problem: Error, CustomStringConvertible {
        var description: String
    }

    /// Any object of a List, decoded by its `kind` through the model's own decoders.
    enum Item: Decodable {
        case deployment(Deployment)
        case replicaSet(ReplicaSet)
        case statefulSet(StatefulSet)
        case daemonSet(DaemonSet)
        case job(Job)
        case pod(Pod)
        case event(Event)

        private enum CodingKeys: String, CodingKey { case kind }

        init(from decoder: any Decoder) throws {
            let kind = try decoder.container(keyedBy: CodingKeys.self).decode(String.self, forKey: .kind)
            switch kind {
            case "Deployment": self = .deployment(try Deployment(from: decoder))
            case "ReplicaSet": self = .replicaSet(try ReplicaSet(from: decoder))
            case "StatefulSet": self = .statefulSet(try StatefulSet(from: decoder))
            case "DaemonSet": self = .daemonSet(try DaemonSet(from: decoder))
            case "Job": self = .job(try Job(from: decoder))
            case "Pod": self = .pod(try Pod(from: decoder))
            case "Event": self = .event(try Event(from: decoder))
            default: throw Problem(description: "fixture item of unexpected kind \(kind)")
            }
        }
    }

    static func items(_ name: String) throws -> [Item] {
        guard let url = Bundle.module.url(forResource: name, withExtension: "json", subdirectory: "Fixtures") else {
            throw Problem(description: "fixture \(name).json is not in the test bundle")
        }
        return try JSONDecoder().decode(ObjectList<Item>.self, from: Data(contentsOf: url)).items
    }

    /// The observation of one workload of a fixture: the first one, or the one named `workload`.
    static func observation(_ name: String, workload: String? = nil) throws -> RolloutObservation {
        let items = try items(name)
        var workloads: [Workload] = []
        var observation = RolloutObservation(workload: .job(Job(metadata: ObjectMeta(name: ""))))
        for item in items {
            switch item {
            case .deployment(let object): workloads.append(.deployment(object))
            case .statefulSet(let object): workloads.append(.statefulSet(object))
            case .daemonSet(let object): workloads.append(.daemonSet(object))
            case .job(let object): workloads.append(.job(object))
            case .replicaSet(let object): observation.replicaSets.append(object)
            case .pod(let object): observation.pods.append(object)
            case .event(let object): observation.events.append(object)
            }
        }
        guard let chosen = workloads.first(where: { workload == nil || $0.metadata.name == workload }) else {
            throw Problem(description: "fixture \(name).json has no workload \(workload ?? "at all")")
        }
        observation.workload = chosen
        return observation
    }
}

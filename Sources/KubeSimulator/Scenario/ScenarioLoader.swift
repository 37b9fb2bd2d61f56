import Foundation
import Yams

/// Reads a scenario's YAML into a `Scenario`, rejecting mistakes with `FILE:LINE: problem`.
struct ScenarioLoader {
    let file: String
    let behaviourLoader: BehaviourLoader

    static let topLevelKeys = ["name", "description", "objects", "timeline", "workloads", "behaviour"]
    static let stepTypes = ["create", "replace", "merge-patch", "delete", "log"]

    init(file: String, behaviourLoader: @escaping BehaviourLoader) {
        self.file = file
        self.behaviourLoader = behaviourLoader
    }

    private func error(_ node: Node?, _ problem: String) -> ScenarioError {
        ScenarioError(file: file, line: node?.mark?.line, problem: problem)
    }

    mutating func load(_ text: String) throws(ScenarioError) -> Scenario {
        let root: Node?
        do {
            root = try YAMLDocument.single(text)
        } catch {
            let described = YAMLDocument.describe(error)
            throw ScenarioError(file: file, line: described.line, problem: described.problem)
        }
        guard let root else { throw ScenarioError(file: file, line: nil, problem: "the scenario is empty") }
        guard case .mapping(let mapping) = root else {
            throw self.error(
                root,
                "a scenario must be a mapping with keys \(Self.topLevelKeys.joined(separator: ", "))"
            )
        }
        var scenario = Scenario(file: file)
        var behaviourKey: (node: Node, model: Bool)?
        for (keyNode, value) in mapping {
            let key = keyNode.string ?? ""
            switch key {
            case "name": scenario.name = value.string ?? ""
            case "description": scenario.description = value.string ?? ""
            case "objects": scenario.objects = try objects(value)
            case "timeline": scenario.timeline = try timeline(value).sorted { $0.at < $1.at }
            case "behaviour":
                switch value.string {
                case "model": behaviourKey = (keyNode, true)
                case "none": behaviourKey = (keyNode, false)
                default:
                    throw self.error(
                        value,
                        "behaviour must be model (the default: controllers and kubelets run) or none (a pure timeline)"
                    )
                }
            case "workloads":
                do {
                    scenario.behaviour = try behaviourLoader(value, file)
                } catch let failure as ScenarioError {
                    throw failure
                } catch {
                    throw self.error(value, "workloads: \(error)")
                }
            default:
                throw self.error(
                    keyNode,
                    "unknown key '\(key)' (expected one of \(Self.topLevelKeys.joined(separator: ", ")))"
                )
            }
        }
        if let behaviourKey, !behaviourKey.model {
            if scenario.behaviour != nil {
                throw self.error(behaviourKey.node, "behaviour: none cannot be combined with workloads")
            }
        } else if scenario.behaviour == nil {
            // No workloads declared: the controllers and kubelets still run, so a Deployment a client
            // applies rolls out (with the default behaviour) as it would on a cluster.
            scenario.behaviour = BehaviourModel()
        }
        return scenario
    }

    // MARK: Objects

    private func objects(_ node: Node) throws(ScenarioError) -> [JSONValue] {
        guard case .sequence(let sequence) = node else {
            if case .scalar = node, node.null != nil { return [] }
            throw error(node, "'objects' must be a list of Kubernetes objects")
        }
        var result: [JSONValue] = []
        for item in sequence {
            let value = JSONValue(yaml: item)
            if value["kind"]?.stringValue == "List" || value["kind"]?.stringValue?.hasSuffix("List") == true,
                let items = value["items"]?.arrayValue
            {
                for element in items { result.append(try object(element, node: item)) }
            } else {
                result.append(try object(value, node: item))
            }
        }
        return result
    }

    /// Checks one object: a known kind, a name; fills `apiVersion` from the kind when omitted.
    func object(_ value: JSONValue, node: Node) throws(ScenarioError) -> JSONValue {
        guard value.objectValue != nil else { throw error(node, "an object must be a mapping") }
        guard let kind = value["kind"]?.stringValue, !kind.isEmpty else {
            throw error(node, "an object without a kind")
        }
        var result = value
        let apiVersion = value["apiVersion"]?.stringValue
        let type: ResourceType?
        if let apiVersion {
            type = ResourceType.of(apiVersion: apiVersion, kind: kind)
        } else {
            type = ResourceType.storing(kind: kind)
            if let type { result.setValue(.string(type.apiVersion), at: ["apiVersion"]) }
        }
        guard let type else {
            throw error(node, "unknown kind \(apiVersion.map { "\($0) " } ?? "")\(kind)")
        }
        guard let name = value[path: ["metadata", "name"]]?.stringValue, !name.isEmpty else {
            throw error(node, "a \(kind) object without a name (metadata.name)")
        }
        if let problem = ObjectDefaults.nameProblem(name, type: type) {
            throw error(node, "\(kind) \"\(name)\" has an invalid name: \(problem)")
        }
        if type.namespaced, (value[path: ["metadata", "namespace"]]?.stringValue ?? "").isEmpty {
            result.setValue("default", at: ["metadata", "namespace"])
        }
        if type.isView { result = EventConversion.toCore(result) }
        return result
    }

    // MARK: Timeline

    private func timeline(_ node: Node) throws(ScenarioError) -> [TimelineStep] {
        guard case .sequence(let sequence) = node else {
            if case .scalar = node, node.null != nil { return [] }
            throw error(node, "'timeline' must be a list of steps")
        }
        var steps: [TimelineStep] = []
        for item in sequence {
            steps.append(try step(item))
        }
        return steps
    }

    private func step(_ node: Node) throws(ScenarioError) -> TimelineStep {
        guard case .mapping(let mapping) = node else {
            throw error(
                node,
                "a timeline step must be a mapping with 'at' and one of \(Self.stepTypes.joined(separator: ", "))"
            )
        }
        var offset: Duration?
        var action: TimelineAction?
        for (keyNode, value) in mapping {
            let key = keyNode.string ?? ""
            switch key {
            case "at":
                offset = try duration(value)
            case "create", "replace", "merge-patch", "delete", "log":
                if action != nil { throw error(keyNode, "a timeline step has more than one action") }
                action = try stepAction(key, value)
            default:
                throw error(
                    keyNode,
                    "unknown step type '\(key)' (expected one of \(Self.stepTypes.joined(separator: ", ")))"
                )
            }
        }
        guard let offset else { throw error(node, "a timeline step without 'at'") }
        guard let action else {
            throw error(node, "a timeline step without an action (one of \(Self.stepTypes.joined(separator: ", ")))")
        }
        return TimelineStep(at: offset, action: action, line: node.mark?.line)
    }

    private func stepAction(_ key: String, _ node: Node) throws(ScenarioError) -> TimelineAction {
        let value = JSONValue(yaml: node)
        switch key {
        case "create": return .create(try object(value, node: node))
        case "replace": return .replace(try object(value, node: node))
        case "merge-patch":
            guard value["kind"]?.stringValue != nil, value[path: ["metadata", "name"]]?.stringValue != nil else {
                throw error(node, "a merge-patch step names its object with kind and metadata.name")
            }
            var patch = value
            if patch[path: ["metadata", "namespace"]] == nil,
                ResourceType.storing(kind: value["kind"]?.stringValue ?? "")?.namespaced ?? true
            {
                patch.setValue("default", at: ["metadata", "namespace"])
            }
            guard ResourceType.storing(kind: value["kind"]?.stringValue ?? "") != nil else {
                throw error(node, "unknown kind \(value["kind"]?.stringValue ?? "")")
            }
            return .mergePatch(patch)
        case "delete":
            let kind = value["kind"]?.stringValue ?? ""
            let name = value["name"]?.stringValue ?? value[path: ["metadata", "name"]]?.stringValue ?? ""
            let namespace = value["namespace"]?.stringValue ?? value[path: ["metadata", "namespace"]]?.stringValue
            guard let type = ResourceType.storing(kind: kind) else { throw error(node, "unknown kind '\(kind)'") }
            guard !name.isEmpty else { throw error(node, "a delete step without a name") }
            return .delete(kind: kind, namespace: type.namespaced ? namespace ?? "default" : nil, name: name)
        default:
            let pod = value["pod"]?.stringValue ?? ""
            let container = value["container"]?.stringValue ?? ""
            guard !pod.isEmpty, !container.isEmpty else {
                throw error(node, "a log step needs 'pod' and 'container'")
            }
            let current = value["current"]?.stringValue
            let previous = value["previous"]?.stringValue
            guard current != nil || previous != nil else {
                throw error(node, "a log step sets 'current' and/or 'previous'")
            }
            return .log(
                namespace: value["namespace"]?.stringValue ?? "default",
                pod: pod,
                container: container,
                current: current,
                previous: previous
            )
        }
    }

    private func duration(_ node: Node) throws(ScenarioError) -> Duration {
        if let seconds = node.int { return .seconds(seconds) }
        if let seconds = node.float { return .milliseconds(Int64(seconds * 1000)) }
        guard let text = node.string, let parsed = Self.parseDuration(text) else {
            throw error(node, "'at' must be a duration such as 2s, 500ms or 1m30s")
        }
        return parsed
    }

    /// Parses Go-style durations: `1h2m3s`, `1.5s`, `500ms`, `0`.
    static func parseDuration(_ text: String) -> Duration? {
        if text == "0" { return .zero }
        var total: Double = 0
        var number = ""
        var index = text.startIndex
        var sawUnit = false
        while index < text.endIndex {
            let character = text[index]
            if character.isNumber || character == "." {
                number.append(character)
                index = text.index(after: index)
                continue
            }
            var unit = ""
            while index < text.endIndex, text[index].isLetter {
                unit.append(text[index])
                index = text.index(after: index)
            }
            guard let value = Double(number) else { return nil }
            let scale: Double
            switch unit {
            case "ms": scale = 0.001
            case "s": scale = 1
            case "m": scale = 60
            case "h": scale = 3600
            default: return nil
            }
            total += value * scale
            number = ""
            sawUnit = true
        }
        guard sawUnit, number.isEmpty else { return nil }
        return .milliseconds(Int64((total * 1000).rounded()))
    }
}

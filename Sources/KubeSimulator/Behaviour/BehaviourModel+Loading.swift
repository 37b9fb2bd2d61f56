import Foundation
import Yams

extension BehaviourModel {
    /// Loads a scenario's `workloads:` section.
    ///
    /// `workloads` is the value of that key; `file` names the scenario in errors. Problems are thrown as
    /// `ScenarioError` with the line of the offending node (`FILE:LINE: problem`): an unknown key lists
    /// the known ones, an unknown behaviour lists the known behaviours.
    public static func load(workloads: Node, file: String) throws(ScenarioError) -> BehaviourModel {
        var reader = WorkloadsReader(file: file)
        return BehaviourModel(configuration: try reader.configuration(workloads))
    }
}

/// Reads the `workloads:` section into a `BehaviourConfiguration`, one node at a time, with line numbers.
struct WorkloadsReader {
    let file: String

    func error(_ node: Node?, _ problem: String) -> ScenarioError {
        ScenarioError(file: file, line: node?.mark?.line, problem: problem)
    }

    // MARK: Scalars

    func mapping(_ node: Node, _ what: String) throws(ScenarioError) -> Node.Mapping {
        guard let mapping = node.mapping else { throw error(node, "\(what) must be a mapping") }
        return mapping
    }

    func keys(_ mapping: Node.Mapping, allowed: [String], in what: String) throws(ScenarioError) {
        for key in mapping.keys {
            guard let name = key.string else { throw error(key, "\(what) has a key that is not a string") }
            if !allowed.contains(name) {
                throw error(key, "unknown key \"\(name)\" in \(what); known keys: \(allowed.joined(separator: ", "))")
            }
        }
    }

    func string(_ node: Node?, _ what: String) throws(ScenarioError) -> String? {
        guard let node else { return nil }
        guard let scalar = node.scalar else { throw error(node, "\(what) must be a string") }
        return scalar.string
    }

    func int(_ node: Node?, _ what: String, minimum: Int = 0) throws(ScenarioError) -> Int? {
        guard let node else { return nil }
        guard let value = node.scalar.flatMap({ Int($0.string) }), value >= minimum else {
            throw error(node, "\(what) must be an integer of at least \(minimum)")
        }
        return value
    }

    func bool(_ node: Node?, _ what: String) throws(ScenarioError) -> Bool? {
        guard let node else { return nil }
        switch node.scalar?.string {
        case "true", "True", "yes": return true
        case "false", "False", "no": return false
        default: throw error(node, "\(what) must be true or false")
        }
    }

    func duration(_ node: Node?, _ what: String) throws(ScenarioError) -> Double? {
        guard let node else { return nil }
        guard let text = node.scalar?.string, let seconds = DurationText.seconds(text) else {
            throw error(node, "\(what) must be a duration such as 2s, 500ms or 1m30s")
        }
        return seconds
    }

    func strings(_ node: Node?, _ what: String) throws(ScenarioError) -> [String: String]? {
        guard let node else { return nil }
        let mapping = try mapping(node, what)
        var result: [String: String] = [:]
        for (key, value) in mapping {
            guard let name = key.string, let text = value.scalar?.string else {
                throw error(value, "\(what) must map strings to strings")
            }
            result[name] = text
        }
        return result
    }

    /// One string or a list of strings (namespaces).
    func stringList(_ node: Node?, _ what: String) throws(ScenarioError) -> [String]? {
        guard let node else { return nil }
        if let text = node.scalar?.string { return [text] }
        guard let sequence = node.sequence else { throw error(node, "\(what) must be a string or a list of strings") }
        var result: [String] = []
        for item in sequence {
            guard let text = item.scalar?.string else { throw error(item, "\(what) must be a list of strings") }
            result.append(text)
        }
        return result
    }

    func intOrPercent(_ node: Node?, _ what: String) throws(ScenarioError) -> JSONValue? {
        guard let node else { return nil }
        guard let text = node.scalar?.string else { throw error(node, "\(what) must be an integer or a percentage") }
        if let value = Int(text), value >= 0 { return .integer(value) }
        if text.hasSuffix("%"), let value = Int(text.dropLast()), value >= 0 { return .string(text) }
        throw error(node, "\(what) must be an integer or a percentage such as 25%")
    }

    // MARK: Behaviours

    /// `healthy`, `healthy after 2s`, or a mapping `{name: crash-loop, exitCode: 2, log: "…"}`.
    func behaviour(_ node: Node) throws(ScenarioError) -> PodBehaviour {
        func kind(_ name: String, at node: Node) throws(ScenarioError) -> BehaviourKind {
            guard let kind = BehaviourKind(rawValue: name) else {
                throw error(node, "unknown behaviour \"\(name)\"; known behaviours: \(BehaviourKind.knownNames)")
            }
            return kind
        }
        if let text = node.scalar?.string {
            let words = text.split(separator: " ").map(String.init)
            guard let first = words.first else { throw error(node, "a behaviour must not be empty") }
            var result = PodBehaviour(kind: try kind(first, at: node))
            if words.count == 3 && words[1] == "after", let seconds = DurationText.seconds(words[2]) {
                result.after = seconds
            } else if words.count != 1 {
                throw error(
                    node,
                    "a behaviour is a name, optionally followed by \"after DURATION\" (such as healthy after 2s)"
                )
            }
            return result
        }
        let mapping = try mapping(node, "a behaviour")
        try keys(
            mapping,
            allowed: [
                "name", "after", "exitCode", "message", "log", "configMap", "secret", "volume", "quota", "resource",
                "allowed", "container",
            ],
            in: "a behaviour"
        )
        guard let nameNode = mapping["name"], let name = try string(nameNode, "name") else {
            throw error(node, "a behaviour mapping needs a name")
        }
        var result = PodBehaviour(kind: try kind(name, at: nameNode))
        result.after = try duration(mapping["after"], "after")
        result.exitCode = try int(mapping["exitCode"], "exitCode")
        result.message = try string(mapping["message"], "message")
        result.log = try string(mapping["log"], "log")
        for key in ["configMap", "secret", "volume", "quota", "resource"] {
            if let value = try string(mapping[key], key) { result.resource = value }
        }
        result.allowed = try int(mapping["allowed"], "allowed")
        result.container = try string(mapping["container"], "container")
        return result
    }

    // MARK: The section

    mutating func configuration(_ node: Node) throws(ScenarioError) -> BehaviourConfiguration {
        let mapping = try mapping(node, "workloads")
        let sections = ["deployments", "statefulSets", "daemonSets", "jobs", "pods"]
        try keys(mapping, allowed: ["timeScale", "nodes", "default"] + sections + ["rules"], in: "workloads")
        var configuration = BehaviourConfiguration()
        if let scaleNode = mapping["timeScale"] {
            guard let scale = scaleNode.scalar.flatMap({ Double($0.string) }), scale > 0, scale <= 1_000 else {
                throw error(scaleNode, "timeScale must be a number greater than 0, such as 0.1")
            }
            configuration.timeScale = scale
        }
        configuration.nodeCount = try int(mapping["nodes"], "nodes", minimum: 1) ?? 3
        if let defaultNode = mapping["default"] { configuration.defaultBehaviour = try behaviour(defaultNode) }
        let kinds: [String: WorkloadKind] = [
            "deployments": .deployment, "statefulSets": .statefulSet, "daemonSets": .daemonSet, "jobs": .job,
            "pods": .pod,
        ]
        var seen: [ObjectKey: Int] = [:]
        for section in sections {
            guard let listNode = mapping[section] else { continue }
            guard let list = listNode.sequence else { throw error(listNode, "\(section) must be a list") }
            for item in list {
                for declaration in try workloads(
                    item,
                    kind: kinds[section] ?? .deployment,
                    defaultBehaviour: configuration.defaultBehaviour
                ) {
                    if let line = seen[declaration.key] {
                        throw error(item, "\(declaration.key) is declared twice (first on line \(line))")
                    }
                    seen[declaration.key] = item.mark?.line ?? 0
                    configuration.workloads.append(declaration)
                }
            }
        }
        if let rulesNode = mapping["rules"] {
            guard let list = rulesNode.sequence else { throw error(rulesNode, "rules must be a list") }
            for item in list { configuration.rules.append(try rule(item)) }
        }
        return configuration
    }

    func rule(_ node: Node) throws(ScenarioError) -> BehaviourRule {
        let mapping = try mapping(node, "a rule")
        try keys(mapping, allowed: ["kind", "namespace", "name", "image", "behaviour"], in: "a rule")
        guard let behaviourNode = mapping["behaviour"] else { throw error(node, "a rule needs a behaviour") }
        let kind = try string(mapping["kind"], "kind")
        if let kind, !WorkloadKind.allCases.map(\.rawValue).contains(kind) {
            throw error(mapping["kind"], "kind must be one of Deployment, StatefulSet, DaemonSet, Job, Pod")
        }
        return BehaviourRule(
            kind: kind,
            namespace: try string(mapping["namespace"], "namespace").map(GlobPattern.init),
            name: try string(mapping["name"], "name").map(GlobPattern.init),
            image: try string(mapping["image"], "image").map(GlobPattern.init),
            behaviour: try behaviour(behaviourNode)
        )
    }

    /// One list entry, expanded over its namespaces and `count`.
    func workloads(
        _ node: Node,
        kind: WorkloadKind,
        defaultBehaviour: PodBehaviour
    ) throws(ScenarioError)
        -> [WorkloadDeclaration]
    {
        let mapping = try mapping(node, "a \(kind.rawValue)")
        var allowed = [
            "name", "namespace", "count", "image", "container", "labels", "annotations", "behaviour", "start",
            "updates",
        ]
        switch kind {
        case .deployment:
            allowed += [
                "replicas", "strategy", "maxSurge", "maxUnavailable", "minReadySeconds", "progressDeadlineSeconds",
                "revisionHistoryLimit", "paused",
            ]
        case .statefulSet:
            allowed += [
                "replicas", "serviceName", "podManagementPolicy", "updateStrategy", "partition", "minReadySeconds",
            ]
        case .daemonSet:
            allowed += ["updateStrategy", "maxUnavailable", "minReadySeconds"]
        case .job:
            allowed += ["completions", "parallelism", "backoffLimit", "restartPolicy"]
        case .pod:
            break
        }
        try keys(mapping, allowed: allowed, in: "a \(kind.rawValue)")
        guard let baseName = try string(mapping["name"], "name"), !baseName.isEmpty else {
            throw error(node, "a \(kind.rawValue) needs a name")
        }
        let namespaces = try stringList(mapping["namespace"], "namespace") ?? ["default"]
        let count = try int(mapping["count"], "count", minimum: 1) ?? 1
        let behaviour =
            try mapping["behaviour"].map { node throws(ScenarioError) in try self.behaviour(node) } ?? defaultBehaviour
        let containerName = try string(mapping["container"], "container") ?? "app"
        let start =
            try mapping["start"].map { node throws(ScenarioError) -> WorkloadStart in
                guard let value = node.scalar.flatMap({ WorkloadStart(rawValue: $0.string) }) else {
                    throw error(node, "start must be new or rolled-out")
                }
                return value
            } ?? .new
        let updates =
            try mapping["updates"].map { node throws(ScenarioError) in try self.updates(node, kind: kind) } ?? []
        let extra = try extraSpec(mapping, kind: kind)
        let replicas: Int? =
            kind == .deployment || kind == .statefulSet ? try int(mapping["replicas"], "replicas") ?? 1 : nil

        var declarations: [WorkloadDeclaration] = []
        for namespace in namespaces {
            for index in 1...count {
                var name = baseName
                if count > 1 && !name.contains("{i}") { name += "-{i}" }
                name = name.replacingOccurrences(of: "{i}", with: String(index))
                let labels = try strings(mapping["labels"], "labels") ?? ["app": name]
                let image =
                    try string(mapping["image"], "image")
                    ?? WorkloadTemplates.defaultImage(name: name, behaviour: behaviour)
                var shaped = behaviour
                if [.missingConfigMap, .missingSecret].contains(shaped.kind), shaped.resource == nil {
                    shaped.resource = shaped.kind == .missingConfigMap ? "\(name)-config" : "\(name)-secret"
                }
                let shape = WorkloadTemplates.Shape(
                    kind: kind,
                    name: name,
                    namespace: namespace,
                    labels: labels,
                    annotations: try strings(mapping["annotations"], "annotations") ?? [:],
                    containerName: containerName,
                    image: image,
                    behaviour: shaped,
                    restartPolicy: kind == .job ? try string(mapping["restartPolicy"], "restartPolicy") ?? "Never" : nil
                )
                declarations.append(
                    WorkloadDeclaration(
                        kind: kind,
                        object: WorkloadTemplates.object(shape, replicas: replicas, extra: extra),
                        behaviour: shaped,
                        start: start,
                        updates: updates,
                        containerName: containerName
                    )
                )
            }
        }
        return declarations
    }

    /// The kind-specific spec fields of a declaration, as the API accepts them.
    func extraSpec(_ mapping: Node.Mapping, kind: WorkloadKind) throws(ScenarioError) -> [String: JSONValue] {
        var spec: [String: JSONValue] = [:]
        if let seconds = try int(mapping["minReadySeconds"], "minReadySeconds") {
            spec["minReadySeconds"] = .integer(seconds)
        }
        switch kind {
        case .deployment:
            let strategy = try string(mapping["strategy"], "strategy") ?? "RollingUpdate"
            guard strategy == "RollingUpdate" || strategy == "Recreate" else {
                throw error(mapping["strategy"], "strategy must be RollingUpdate or Recreate")
            }
            if strategy == "Recreate" {
                spec["strategy"] = ["type": "Recreate"]
            } else {
                spec["strategy"] = [
                    "type": "RollingUpdate",
                    "rollingUpdate": [
                        "maxSurge": try intOrPercent(mapping["maxSurge"], "maxSurge") ?? "25%",
                        "maxUnavailable": try intOrPercent(mapping["maxUnavailable"], "maxUnavailable") ?? "25%",
                    ],
                ]
            }
            spec["progressDeadlineSeconds"] = .integer(
                try int(mapping["progressDeadlineSeconds"], "progressDeadlineSeconds", minimum: 1) ?? 600
            )
            spec["revisionHistoryLimit"] = .integer(
                try int(mapping["revisionHistoryLimit"], "revisionHistoryLimit") ?? 10
            )
            if try bool(mapping["paused"], "paused") == true { spec["paused"] = true }
        case .statefulSet:
            spec["serviceName"] = .string(try string(mapping["serviceName"], "serviceName") ?? "")
            let policy = try string(mapping["podManagementPolicy"], "podManagementPolicy") ?? "OrderedReady"
            guard policy == "OrderedReady" || policy == "Parallel" else {
                throw error(mapping["podManagementPolicy"], "podManagementPolicy must be OrderedReady or Parallel")
            }
            spec["podManagementPolicy"] = .string(policy)
            let strategy = try string(mapping["updateStrategy"], "updateStrategy") ?? "RollingUpdate"
            guard strategy == "RollingUpdate" || strategy == "OnDelete" else {
                throw error(mapping["updateStrategy"], "updateStrategy must be RollingUpdate or OnDelete")
            }
            spec["updateStrategy"] =
                strategy == "OnDelete"
                ? ["type": "OnDelete"]
                : [
                    "type": "RollingUpdate",
                    "rollingUpdate": ["partition": .integer(try int(mapping["partition"], "partition") ?? 0)],
                ]
            spec["revisionHistoryLimit"] = 10
        case .daemonSet:
            let strategy = try string(mapping["updateStrategy"], "updateStrategy") ?? "RollingUpdate"
            guard strategy == "RollingUpdate" || strategy == "OnDelete" else {
                throw error(mapping["updateStrategy"], "updateStrategy must be RollingUpdate or OnDelete")
            }
            spec["updateStrategy"] =
                strategy == "OnDelete"
                ? ["type": "OnDelete"]
                : [
                    "type": "RollingUpdate",
                    "rollingUpdate": [
                        "maxUnavailable": try intOrPercent(mapping["maxUnavailable"], "maxUnavailable") ?? 1,
                        "maxSurge": 0,
                    ],
                ]
            spec["revisionHistoryLimit"] = 10
        case .job:
            spec["completions"] = .integer(try int(mapping["completions"], "completions", minimum: 1) ?? 1)
            spec["parallelism"] = .integer(try int(mapping["parallelism"], "parallelism", minimum: 1) ?? 1)
            spec["backoffLimit"] = .integer(try int(mapping["backoffLimit"], "backoffLimit") ?? 6)
            spec["completionMode"] = "NonIndexed"
            spec["suspend"] = false
        case .pod:
            break
        }
        return spec
    }

    func updates(_ node: Node, kind: WorkloadKind) throws(ScenarioError) -> [WorkloadUpdate] {
        guard let list = node.sequence else { throw error(node, "updates must be a list") }
        var result: [WorkloadUpdate] = []
        for item in list {
            let mapping = try mapping(item, "an update")
            try keys(
                mapping,
                allowed: ["at", "image", "behaviour", "replicas", "paused", "restart", "delete"],
                in: "an update"
            )
            guard let at = try duration(mapping["at"], "at") else {
                throw error(item, "an update needs at (such as at: 5s)")
            }
            var update = WorkloadUpdate(at: at)
            update.image = try string(mapping["image"], "image")
            update.behaviour = try mapping["behaviour"].map { node throws(ScenarioError) in try behaviour(node) }
            update.replicas = try int(mapping["replicas"], "replicas")
            update.paused = try bool(mapping["paused"], "paused")
            update.restart = try bool(mapping["restart"], "restart") ?? false
            update.delete = try bool(mapping["delete"], "delete") ?? false
            if update.behaviour != nil && update.image == nil {
                throw error(item, "an update's behaviour belongs to a new image: give image too")
            }
            if kind == .pod && (update.image != nil || update.replicas != nil || update.restart) {
                throw error(item, "a Pod can only be deleted by an update")
            }
            result.append(update)
        }
        return result
    }
}

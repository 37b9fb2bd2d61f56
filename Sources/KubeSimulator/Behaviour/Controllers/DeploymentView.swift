import Foundation

/// `intstr.IntOrString` as rolling-update parameters use it: `2` or `"25%"`.
enum IntOrPercent: Sendable, Hashable {
    case int(Int)
    case percent(Int)

    init?(_ value: JSONValue?) {
        guard let value else { return nil }
        if let number = value.intValue {
            self = .int(Int(number))
        } else if let text = value.stringValue {
            if text.hasSuffix("%"), let number = Int(text.dropLast()) {
                self = .percent(number)
            } else if let number = Int(text) {
                self = .int(number)
            } else {
                return nil
            }
        } else {
            return nil
        }
    }

    /// `GetScaledValueFromIntOrPercent`: percentages of `total`, rounded up or down.
    func scaled(total: Int, roundUp: Bool) -> Int {
        switch self {
        case .int(let value): return value
        case .percent(let percent):
            let exact = Double(percent) * Double(total) / 100
            return Int(roundUp ? exact.rounded(.up) : exact.rounded(.down))
        }
    }
}

/// A Deployment's spec with the API server's defaults applied, as the controller reads it.
struct DeploymentSpecView {
    var replicas: Int
    var isRollingUpdate: Bool
    var maxSurge: Int
    var maxUnavailable: Int
    var minReadySeconds: Int
    var revisionHistoryLimit: Int
    var progressDeadlineSeconds: Int?
    var paused: Bool
    var selector: JSONValue
    var template: JSONValue

    init(_ deployment: JSONValue) {
        let spec = deployment["spec"] ?? .object([:])
        replicas = Int(spec["replicas"]?.intValue ?? 1)
        let strategy = spec["strategy"]
        isRollingUpdate = (strategy?["type"]?.stringValue ?? "RollingUpdate") == "RollingUpdate"
        let surge = IntOrPercent(strategy?[path: ["rollingUpdate", "maxSurge"]]) ?? .percent(25)
        let unavailable = IntOrPercent(strategy?[path: ["rollingUpdate", "maxUnavailable"]]) ?? .percent(25)
        // `ResolveFenceposts`: surge rounds up, unavailability down; both zero would deadlock, so 1 unavailable.
        var resolvedSurge = surge.scaled(total: replicas, roundUp: true)
        var resolvedUnavailable = unavailable.scaled(total: replicas, roundUp: false)
        if resolvedSurge == 0 && resolvedUnavailable == 0 { resolvedUnavailable = 1 }
        if !isRollingUpdate {
            resolvedSurge = 0
            resolvedUnavailable = 0
        }
        maxSurge = resolvedSurge
        // `MaxUnavailable`: never more than the replicas.
        maxUnavailable = replicas == 0 ? 0 : min(resolvedUnavailable, replicas)
        minReadySeconds = Int(spec["minReadySeconds"]?.intValue ?? 0)
        revisionHistoryLimit = Int(spec["revisionHistoryLimit"]?.intValue ?? 10)
        if let deadline = spec["progressDeadlineSeconds"]?.intValue {
            progressDeadlineSeconds = deadline == Int64(Int32.max) ? nil : Int(deadline)
        } else {
            progressDeadlineSeconds = 600
        }
        paused = spec["paused"]?.boolValue ?? false
        selector = spec["selector"] ?? .object([:])
        template = spec["template"] ?? .object([:])
    }
}

/// A ReplicaSet as the Deployment controller weighs it.
struct ReplicaSetView {
    var key: ObjectKey
    var object: JSONValue

    var uid: String? { object.metaUID }
    var name: String { key.name }
    var specReplicas: Int { Int(object[path: ["spec", "replicas"]]?.intValue ?? 1) }
    var statusReplicas: Int { Int(object[path: ["status", "replicas"]]?.intValue ?? 0) }
    var readyReplicas: Int { Int(object[path: ["status", "readyReplicas"]]?.intValue ?? 0) }
    var availableReplicas: Int { Int(object[path: ["status", "availableReplicas"]]?.intValue ?? 0) }
    var terminatingReplicas: Int { Int(object[path: ["status", "terminatingReplicas"]]?.intValue ?? 0) }
    var observedGeneration: Int64 { object[path: ["status", "observedGeneration"]]?.intValue ?? 0 }
    var revision: Int64 { Int64(object.metaAnnotations[DeploymentAnnotations.revision] ?? "") ?? 0 }
    var created: String { object[path: ["metadata", "creationTimestamp"]]?.stringValue ?? "~" }

    func annotation(_ name: String) -> Int? { object.metaAnnotations[name].flatMap { Int($0) } }

    /// Oldest first; ties (created in the same second) by name, as `ReplicaSetsByCreationTimestamp` does.
    static func byCreation(_ lhs: ReplicaSetView, _ rhs: ReplicaSetView) -> Bool {
        lhs.created == rhs.created ? lhs.name < rhs.name : lhs.created < rhs.created
    }
}

/// The annotations the Deployment controller writes on Deployments and ReplicaSets.
enum DeploymentAnnotations {
    static let revision = "deployment.kubernetes.io/revision"
    static let revisionHistory = "deployment.kubernetes.io/revision-history"
    static let desiredReplicas = "deployment.kubernetes.io/desired-replicas"
    static let maxReplicas = "deployment.kubernetes.io/max-replicas"
    static let podTemplateHash = "pod-template-hash"

    /// Deployment annotations that are not copied onto its ReplicaSets.
    static let notCopied: Set<String> = [
        "kubectl.kubernetes.io/last-applied-configuration", revision, revisionHistory, desiredReplicas, maxReplicas,
        "deprecated.deployment.rollback.to",
    ]
}

/// A Deployment condition, with its timestamps kept as the API wrote them (whole seconds).
struct DeploymentCondition: Hashable {
    var type: String
    var status: String
    var reason: String
    var message: String
    var lastUpdateTime: String
    var lastTransitionTime: String

    init(type: String, status: String, reason: String, message: String, now: Date) {
        self.type = type
        self.status = status
        self.reason = reason
        self.message = message
        lastUpdateTime = KubeTimestamp.seconds(now)
        lastTransitionTime = lastUpdateTime
    }

    init?(_ json: JSONValue) {
        guard let type = json["type"]?.stringValue else { return nil }
        self.type = type
        status = json["status"]?.stringValue ?? "Unknown"
        reason = json["reason"]?.stringValue ?? ""
        message = json["message"]?.stringValue ?? ""
        lastUpdateTime = json["lastUpdateTime"]?.stringValue ?? ""
        lastTransitionTime = json["lastTransitionTime"]?.stringValue ?? lastUpdateTime
    }

    var json: JSONValue {
        [
            "type": .string(type), "status": .string(status), "lastUpdateTime": .string(lastUpdateTime),
            "lastTransitionTime": .string(lastTransitionTime), "reason": .string(reason), "message": .string(message),
        ]
    }
}

/// A Deployment's status as `calculateStatus` computes it.
struct DeploymentStatusView: Equatable {
    var observedGeneration: Int64 = 0
    var replicas = 0
    var updatedReplicas = 0
    var readyReplicas = 0
    var availableReplicas = 0
    var unavailableReplicas = 0
    var terminatingReplicas = 0
    var collisionCount: Int64?
    var conditions: [DeploymentCondition] = []

    init() {}

    init(_ json: JSONValue?) {
        observedGeneration = json?["observedGeneration"]?.intValue ?? 0
        replicas = Int(json?["replicas"]?.intValue ?? 0)
        updatedReplicas = Int(json?["updatedReplicas"]?.intValue ?? 0)
        readyReplicas = Int(json?["readyReplicas"]?.intValue ?? 0)
        availableReplicas = Int(json?["availableReplicas"]?.intValue ?? 0)
        unavailableReplicas = Int(json?["unavailableReplicas"]?.intValue ?? 0)
        terminatingReplicas = Int(json?["terminatingReplicas"]?.intValue ?? 0)
        collisionCount = json?["collisionCount"]?.intValue
        conditions = (json?["conditions"]?.arrayValue ?? []).compactMap(DeploymentCondition.init)
    }

    func condition(_ type: String) -> DeploymentCondition? { conditions.first { $0.type == type } }

    mutating func remove(_ type: String) { conditions.removeAll { $0.type == type } }

    /// `SetDeploymentCondition`: no change for the same status and reason; the transition time survives
    /// while the status stays; a changed condition moves to the end of the list.
    mutating func set(_ condition: DeploymentCondition) {
        var condition = condition
        if let current = self.condition(condition.type) {
            if current.status == condition.status && current.reason == condition.reason { return }
            if current.status == condition.status { condition.lastTransitionTime = current.lastTransitionTime }
        }
        remove(condition.type)
        conditions.append(condition)
    }

    var json: JSONValue {
        .compact([
            "observedGeneration": observedGeneration == 0 ? nil : .int(observedGeneration),
            "replicas": .nonZero(replicas),
            "updatedReplicas": .nonZero(updatedReplicas),
            "readyReplicas": .nonZero(readyReplicas),
            "availableReplicas": .nonZero(availableReplicas),
            "unavailableReplicas": .nonZero(unavailableReplicas),
            "terminatingReplicas": .integer(terminatingReplicas),
            "collisionCount": collisionCount.map(JSONValue.int),
            "conditions": conditions.isEmpty ? nil : .array(conditions.map(\.json)),
        ])
    }
}

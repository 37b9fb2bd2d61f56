import Foundation

/// What the pods of a workload do, by name, as a scenario declares it (`healthy after 2s`, `crash-loop`).
///
/// Each kind names the Kubernetes component that shows the problem: admission (`quota-exceeded`,
/// `limit-range`) rejects pod creation in the ReplicaSet controller, the scheduler leaves
/// `unschedulable` pods pending, and the kubelet plays the rest on the pod's containers.
enum BehaviourKind: String, CaseIterable, Sendable, Hashable {
    case healthy
    case slowStart = "slow-start"
    case crashLoop = "crash-loop"
    case crashThenRecover = "crash-then-recover"
    case imagePullError = "image-pull-error"
    case invalidImageName = "invalid-image-name"
    case missingConfigMap = "missing-configmap"
    case missingSecret = "missing-secret"
    case createContainerError = "create-container-error"
    case runContainerError = "run-container-error"
    case oom
    case quotaExceeded = "quota-exceeded"
    case limitRange = "limit-range"
    case unschedulable
    case neverReady = "never-ready"
    case failedMount = "failed-mount"
    case initCrash = "init-crash"
    case evicted

    /// The names a scenario may use, in declaration order, for error messages.
    static var knownNames: String { allCases.map(\.rawValue).joined(separator: ", ") }

    /// Whether admission rejects the pods, so the kubelet never sees them.
    var rejectsPodCreation: Bool { self == .quotaExceeded || self == .limitRange }
}

/// A behaviour with its parameters; every parameter has a default that matches a common real failure.
struct PodBehaviour: Sendable, Hashable {
    var kind: BehaviourKind
    /// Seconds before the behaviour's decisive moment: ready (`healthy`), first crash (`crash-loop`),
    /// eviction (`evicted`), completion (a Job's `healthy`).
    var after: Double?
    /// The exit code of a crashing container.
    var exitCode: Int?
    /// Overrides the message the component reports (an event's, a waiting reason's or an admission error's).
    var message: String?
    /// The text the crashed container printed, served as its (previous) log.
    var log: String?
    /// The ConfigMap, Secret, volume or quota the failure names.
    var resource: String?
    /// For `quota-exceeded` and `limit-range`: how many pods admission accepts before it rejects.
    var allowed: Int?
    /// Which container shows the behaviour (by default the first); the others are healthy.
    var container: String?

    init(
        kind: BehaviourKind,
        after: Double? = nil,
        exitCode: Int? = nil,
        message: String? = nil,
        log: String? = nil,
        resource: String? = nil,
        allowed: Int? = nil,
        container: String? = nil
    ) {
        self.kind = kind
        self.after = after
        self.exitCode = exitCode
        self.message = message
        self.log = log
        self.resource = resource
        self.allowed = allowed
        self.container = container
    }

    static let healthy = PodBehaviour(kind: .healthy)

    /// The seconds (before time scaling) until the decisive moment, per kind.
    var afterSeconds: Double {
        if let after { return after }
        switch kind {
        case .healthy: return 1
        case .slowStart: return 20
        case .crashLoop, .oom, .crashThenRecover: return 1
        case .evicted: return 5
        case .initCrash: return 1
        default: return 1
        }
    }
}

/// Parses durations as scenarios write them: `2s`, `500ms`, `1m30s`, `1.5s`, or a bare number of seconds.
enum DurationText {
    static func seconds(_ text: String) -> Double? {
        let trimmed = text.trimmingCharacters(in: .whitespaces)
        if let plain = Double(trimmed) { return plain >= 0 ? plain : nil }
        var total = 0.0
        var number = ""
        var index = trimmed.startIndex
        var sawUnit = false
        while index < trimmed.endIndex {
            let character = trimmed[index]
            if character.isNumber || character == "." {
                number.append(character)
                index = trimmed.index(after: index)
                continue
            }
            var unit = ""
            while index < trimmed.endIndex, trimmed[index].isLetter {
                unit.append(trimmed[index])
                index = trimmed.index(after: index)
            }
            guard let value = Double(number) else { return nil }
            switch unit {
            case "ms": total += value / 1_000
            case "s": total += value
            case "m": total += value * 60
            case "h": total += value * 3_600
            default: return nil
            }
            number = ""
            sawUnit = true
        }
        return number.isEmpty && sawUnit ? total : nil
    }
}

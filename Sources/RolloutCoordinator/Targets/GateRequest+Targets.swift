import RolloutReport
import RolloutRules

extension GateRequest {
    /// The targets the command line named: one selection for `-l` (over `-n`, `-A` or the context's
    /// namespace), and one named workload per manifest workload (in its namespace, else the context's).
    ///
    /// `contextNamespace` is the kubeconfig context's namespace (`default` when it names none), known only
    /// once the client configuration is resolved, which is why the command line leaves it open.
    public func targets(contextNamespace: String) -> [GateTarget] {
        var targets: [GateTarget] = []
        if let selector {
            let scope: SelectionScope
            switch namespaces {
            case .contextDefault: scope = .namespaces([contextNamespace])
            case .named(let names): scope = .namespaces(names)
            case .all: scope = .allNamespaces
            }
            targets.append(
                .selection(
                    WorkloadSelection(kinds: kinds.map(Workload.Kind.init), scope: scope, labelSelector: selector)
                )
            )
        }
        for workload in manifestTargets {
            let reference = WorkloadReference(
                kind: Workload.Kind(workload.kind),
                namespace: workload.namespace ?? contextNamespace,
                name: workload.name
            )
            targets.append(.named(reference))
        }
        return targets
    }

    /// The coordinator's policy for this request: fail-fast, the deadline and the log limits.
    public var policy: GatePolicy {
        GatePolicy(failFast: failFast, timeout: timeout, logTailLines: logLimits.lines, logLimitBytes: logLimits.bytes)
    }
}

extension Workload.Kind {
    /// The rules' kind for the report's kind of the same name.
    public init(_ kind: WorkloadKind) {
        switch kind {
        case .deployment: self = .deployment
        case .statefulSet: self = .statefulSet
        case .daemonSet: self = .daemonSet
        case .job: self = .job
        }
    }
}

extension WorkloadKind {
    /// The report's kind for the rules' kind of the same name.
    public init(_ kind: Workload.Kind) {
        switch kind {
        case .deployment: self = .deployment
        case .statefulSet: self = .statefulSet
        case .daemonSet: self = .daemonSet
        case .job: self = .job
        }
    }
}

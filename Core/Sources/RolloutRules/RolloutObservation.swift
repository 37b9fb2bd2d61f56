import KubeModel

/// Everything the rules read about one workload at one instant: the workload, its ReplicaSets, pods and
/// recent events.
///
/// The lists may hold more than this workload's objects (a namespace-wide list is fine): the rules keep
/// only what the workload controls, by owner UID, so another Deployment with overlapping labels never
/// leaks in. ReplicaSets matter only for Deployments; StatefulSets and DaemonSets are judged through
/// their pods' revision labels, so no ControllerRevisions are needed.
public struct RolloutObservation: Sendable, Hashable {
    /// The workload whose rollout is judged.
    public var workload: Workload
    /// ReplicaSets of the namespace (only a Deployment's own are used).
    public var replicaSets: [ReplicaSet]
    /// Pods of the namespace (only the workload's own are used).
    public var pods: [Pod]
    /// Recent events of the namespace (Warnings about the workload's pods and ReplicaSets are used).
    public var events: [Event]

    /// Creates an observation.
    public init(workload: Workload, replicaSets: [ReplicaSet] = [], pods: [Pod] = [], events: [Event] = []) {
        self.workload = workload
        self.replicaSets = replicaSets
        self.pods = pods
        self.events = events
    }
}

/// A workload whose rollout can be judged.
public enum Workload: Sendable, Hashable {
    /// An apps/v1 Deployment.
    case deployment(Deployment)
    /// An apps/v1 StatefulSet.
    case statefulSet(StatefulSet)
    /// An apps/v1 DaemonSet.
    case daemonSet(DaemonSet)
    /// A batch/v1 Job.
    case job(Job)

    /// The workload's metadata.
    public var metadata: ObjectMeta {
        switch self {
        case .deployment(let object): object.metadata
        case .statefulSet(let object): object.metadata
        case .daemonSet(let object): object.metadata
        case .job(let object): object.metadata
        }
    }

    /// The workload's kind.
    public var kind: Kind {
        switch self {
        case .deployment: .deployment
        case .statefulSet: .statefulSet
        case .daemonSet: .daemonSet
        case .job: .job
        }
    }

    /// The kinds of workload the gate can wait for; the raw values are the `--kind` names.
    public enum Kind: String, Sendable, Hashable, CaseIterable, Codable {
        /// apps/v1 Deployment (the default, as in the original).
        case deployment
        /// apps/v1 StatefulSet.
        case statefulSet = "statefulset"
        /// apps/v1 DaemonSet.
        case daemonSet = "daemonset"
        /// batch/v1 Job.
        case job

        /// The Kubernetes kind, such as `StatefulSet`.
        public var kind: String {
            switch self {
            case .deployment: "Deployment"
            case .statefulSet: "StatefulSet"
            case .daemonSet: "DaemonSet"
            case .job: "Job"
            }
        }

        /// Where objects of this kind are served.
        public var resource: APIResource {
            switch self {
            case .deployment: Deployment.resource
            case .statefulSet: StatefulSet.resource
            case .daemonSet: DaemonSet.resource
            case .job: Job.resource
            }
        }

    }
}

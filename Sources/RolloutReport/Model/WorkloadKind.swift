/// A kind of workload the gate can wait for, spelled as Kubernetes spells the kind.
///
/// The report writes the Kubernetes kind (`Deployment`); the command line accepts the lower-case
/// resource names kubectl accepts (`deployment`, `deployments`, `deploy`), so both audiences read
/// the word they already know.
public enum WorkloadKind: String, Codable, Sendable, CaseIterable, Comparable {
    /// `apps/v1` Deployment.
    case deployment = "Deployment"
    /// `apps/v1` StatefulSet.
    case statefulSet = "StatefulSet"
    /// `apps/v1` DaemonSet.
    case daemonSet = "DaemonSet"
    /// `batch/v1` Job.
    case job = "Job"

    /// The `apiVersion` objects of this kind carry.
    public var apiVersion: String { self == .job ? "batch/v1" : "apps/v1" }

    /// The canonical command-line name, such as `statefulset`.
    public var commandLineName: String { rawValue.lowercased() }

    /// Parses a command-line kind name the way kubectl does: singular, plural or short name, any case.
    ///
    /// Returns `nil` for anything else so the caller can name the bad value in its own error.
    public init?(commandLineName name: String) {
        switch name.lowercased() {
        case "deployment", "deployments", "deploy": self = .deployment
        case "statefulset", "statefulsets", "sts": self = .statefulSet
        case "daemonset", "daemonsets", "ds": self = .daemonSet
        case "job", "jobs": self = .job
        default: return nil
        }
    }

    /// Finds the kind of a manifest object from its `apiVersion` and `kind`.
    ///
    /// Only the API groups the gate reads count: a `Deployment` of some other group is not ours to judge.
    public init?(apiVersion: String, kind: String) {
        guard let match = WorkloadKind.allCases.first(where: { $0.rawValue == kind }) else { return nil }
        let group = apiVersion.split(separator: "/").dropLast().joined(separator: "/")
        let expectedGroup = match == .job ? "batch" : "apps"
        guard group == expectedGroup else { return nil }
        self = match
    }

    /// Orders kinds as the report lists them: the order of the cases.
    public static func < (lhs: WorkloadKind, rhs: WorkloadKind) -> Bool {
        let order = WorkloadKind.allCases
        return (order.firstIndex(of: lhs) ?? 0) < (order.firstIndex(of: rhs) ?? 0)
    }
}

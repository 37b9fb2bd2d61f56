/// One label selection's entry in `selections`: what a `-l` selector over its namespaces and kinds
/// resolved to.
///
/// A selection has no workload of its own, so it cannot be a `results` entry; without this record a
/// selector that matched nothing would show only as the top-level error (and not at all when another
/// failure is decisive), and one still unlisted when the gate stopped would vanish from the report.
/// The workloads a selection matched are in `results`; `matched` counts them.
public struct SelectionResult: Sendable, Hashable, Codable {
    /// The label selector as given (`""` selects every workload of the kinds).
    public var selector: String
    /// The kinds it selects.
    public var kinds: [WorkloadKind]
    /// The namespaces it looks in; absent when it looks in every namespace (`-A`).
    public var namespaces: [String]?
    /// Whether it looks in every namespace.
    public var allNamespaces: Bool
    /// What it resolved to.
    public var status: SelectionStatus
    /// How many workloads it matched (those that joined while the gate waited included).
    public var matched: Int
    /// For an `unresolved` selection: what the gate still waited for.
    public var waitingFor: String?
    /// For `matched-nothing`: the `not-found` failure (rule `selection.matched-nothing`).
    public var failure: TargetFailure?

    /// Creates a selection record.
    public init(
        selector: String,
        kinds: [WorkloadKind],
        namespaces: [String]?,
        status: SelectionStatus,
        matched: Int,
        waitingFor: String? = nil,
        failure: TargetFailure? = nil
    ) {
        self.selector = selector
        self.kinds = kinds
        self.namespaces = namespaces
        self.allNamespaces = namespaces == nil
        self.status = status
        self.matched = matched
        self.waitingFor = waitingFor
        self.failure = failure
    }

    /// `Deployments matching app=web in namespace shop`: how the text outputs name a selection.
    public var description: String {
        let kindNames = kinds.map { "\($0.rawValue)s" }.joined(separator: " or ")
        let labels = selector.isEmpty ? "" : " matching \(selector)"
        let scope: String
        switch namespaces {
        case nil: scope = "all namespaces"
        case let names? where names.count == 1: scope = "namespace \(names[0])"
        case let names?: scope = "namespaces \(names.joined(separator: ", "))"
        }
        return "\(kindNames)\(labels) in \(scope)"
    }

    /// The report's order: by description.
    public static func reportOrder(_ lhs: SelectionResult, _ rhs: SelectionResult) -> Bool {
        lhs.description < rhs.description
    }
}

/// What a label selection resolved to.
public enum SelectionStatus: String, Sendable, Hashable, Codable, CaseIterable {
    /// It matched one workload or more; each is a `results` entry.
    case matched
    /// Its initial lists held no matching workload: a `not-found` failure.
    case matchedNothing = "matched-nothing"
    /// The gate stopped (deadline, signal, fail-fast, an API failure) before its lists arrived.
    case unresolved
}

/// A label selector as written in objects (`spec.selector` of a workload): `matchLabels` and
/// `matchExpressions`, all of which must match.
///
/// This is Kubernetes' `metav1.LabelSelector`, the wire form. To match labels with it, convert it
/// with `LabelSelector(_:)`, which validates it as the API server does.
public struct LabelSelectorSpec: Codable, Sendable, Hashable {
    /// Labels that must be present with exactly these values.
    public var matchLabels: [String: String]?
    /// Set-based requirements.
    public var matchExpressions: [LabelSelectorRequirement]?

    /// Creates a selector.
    public init(matchLabels: [String: String]? = nil, matchExpressions: [LabelSelectorRequirement]? = nil) {
        self.matchLabels = matchLabels
        self.matchExpressions = matchExpressions
    }
}

/// One entry of `matchExpressions`: a key, an operator (`In`, `NotIn`, `Exists`, `DoesNotExist`) and values.
public struct LabelSelectorRequirement: Codable, Sendable, Hashable {
    /// The label key.
    public var key: String
    /// `In`, `NotIn`, `Exists` or `DoesNotExist`, capitalised as in objects.
    public var `operator`: String
    /// The values; empty for `Exists` and `DoesNotExist`.
    public var values: [String]?

    /// Creates a requirement.
    public init(key: String, operator: String, values: [String]? = nil) {
        self.key = key
        self.operator = `operator`
        self.values = values
    }
}

/// A label selector that cannot be parsed or is invalid; it prints as one sentence quoting the bad part.
///
/// Example: `invalid label selector "app in web": found "web", expected "(" at column 8`.
public struct LabelSelectorError: Error, Sendable, Hashable, CustomStringConvertible {
    /// The selector text as given (or the part of a `spec.selector` at fault).
    public var selector: String
    /// What is wrong, quoting the offending token, key or value.
    public var problem: String

    /// Creates an error.
    public init(selector: String, problem: String) {
        self.selector = selector
        self.problem = problem
    }

    /// One sentence naming the selector and the problem.
    public var description: String { "invalid label selector \"\(selector)\": \(problem)" }
}

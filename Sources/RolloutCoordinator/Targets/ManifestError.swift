/// A manifest could not be used: which file (and line, when known), and what is wrong.
///
/// Prints as one line in the `file:line: problem` shape compilers use, so editors and CI logs link it.
public struct ManifestError: Error, Sendable, Hashable, CustomStringConvertible {
    /// The file, or `-` for standard input.
    public var path: String
    /// The 1-based line, when the problem has one.
    public var line: Int?
    /// The 1-based column, when the YAML parser gave one.
    public var column: Int?
    /// What is wrong, as a sentence fragment without a final period.
    public var problem: String

    /// Creates the error.
    public init(path: String, line: Int? = nil, column: Int? = nil, problem: String) {
        self.path = path
        self.line = line
        self.column = column
        self.problem = problem
    }

    /// The error as `file:line:column: problem.`, one line.
    public var description: String {
        var location = path
        if let line {
            location += ":\(line)"
            if let column { location += ":\(column)" }
        }
        return "\(location): \(problem)."
    }
}

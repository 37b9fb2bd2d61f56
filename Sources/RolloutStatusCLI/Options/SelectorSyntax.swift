/// Checks a `-l` label selector before any request is sent, with kubectl's grammar and Kubernetes'
/// label-key and value rules.
///
/// This is the one place the command line validates a selector. It will delegate to the rules
/// target's `LabelSelector` parser once that lands (the coordinator uses the same parser to
/// re-resolve targets), so the two can never disagree; the grammar here is the same.
public enum SelectorSyntax {
    /// Returns the selector unchanged when it is valid, or throws a one-line reason quoting the bad part.
    public static func validate(_ selector: String) throws(SelectorSyntaxError) -> String {
        let requirements = try split(selector)
        for requirement in requirements {
            try check(requirement, in: selector)
        }
        return selector
    }

    /// Splits at commas outside parentheses; an empty selector selects everything.
    private static func split(_ selector: String) throws(SelectorSyntaxError) -> [String] {
        guard !selector.trimmingSpaces().isEmpty else { return [] }
        var parts: [String] = []
        var current = ""
        var depth = 0
        for character in selector {
            switch character {
            case "(":
                depth += 1
                guard depth == 1 else { throw SelectorSyntaxError(selector: selector, problem: "nested \"(\"") }
                current.append(character)
            case ")":
                depth -= 1
                guard depth == 0 else { throw SelectorSyntaxError(selector: selector, problem: "unbalanced \")\"") }
                current.append(character)
            case "," where depth == 0:
                parts.append(current)
                current = ""
            default:
                current.append(character)
            }
        }
        guard depth == 0 else {
            throw SelectorSyntaxError(
                selector: selector,
                problem: "missing \")\" after \"\(current.trimmingSpaces())\""
            )
        }
        parts.append(current)
        return parts
    }

    private static func check(_ raw: String, in selector: String) throws(SelectorSyntaxError) {
        let requirement = raw.trimmingSpaces()
        guard !requirement.isEmpty else {
            throw SelectorSyntaxError(selector: selector, problem: "an empty requirement between commas")
        }
        if requirement.hasPrefix("!") {
            try checkKey(String(requirement.dropFirst()).trimmingSpaces(), in: selector)
            return
        }
        for op in ["!=", "==", "="] {
            if let range = requirement.firstRange(of: op) {
                try checkKey(String(requirement[..<range.lowerBound]).trimmingSpaces(), in: selector)
                try checkValue(String(requirement[range.upperBound...]).trimmingSpaces(), in: selector)
                return
            }
        }
        let words = requirement.split(separator: " ", maxSplits: 1, omittingEmptySubsequences: true)
        if words.count == 2 {
            let rest = words[1].trimmingSpaces()
            for op in ["notin", "in"] where rest.hasPrefix(op) {
                let list = rest.dropFirst(op.count).trimmingSpaces()
                guard list.hasPrefix("("), list.hasSuffix(")") else {
                    throw SelectorSyntaxError(
                        selector: selector,
                        problem: "expected a parenthesised list after \"\(words[0]) \(op)\""
                    )
                }
                try checkKey(String(words[0]), in: selector)
                let values = list.dropFirst().dropLast().split(separator: ",", omittingEmptySubsequences: false)
                guard values.contains(where: { !$0.trimmingSpaces().isEmpty }) else {
                    throw SelectorSyntaxError(selector: selector, problem: "\"\(words[0]) \(op)\" has no values")
                }
                for value in values { try checkValue(value.trimmingSpaces(), in: selector) }
                return
            }
            throw SelectorSyntaxError(
                selector: selector,
                problem: "unknown operator in \"\(requirement)\" (expected =, ==, !=, in or notin)"
            )
        }
        try checkKey(requirement, in: selector)
    }

    /// A label key: an optional DNS-subdomain prefix and `/`, then a name of at most 63 characters.
    private static func checkKey(_ key: String, in selector: String) throws(SelectorSyntaxError) {
        guard !key.isEmpty else { throw SelectorSyntaxError(selector: selector, problem: "a requirement has no key") }
        let parts = key.split(separator: "/", omittingEmptySubsequences: false)
        guard parts.count <= 2 else {
            throw SelectorSyntaxError(selector: selector, problem: "label key \"\(key)\" has more than one \"/\"")
        }
        let name = String(parts.last ?? "")
        if parts.count == 2 {
            let prefix = String(parts[0])
            let labels = prefix.split(separator: ".", omittingEmptySubsequences: false)
            guard !prefix.isEmpty, prefix.count <= 253,
                labels.allSatisfy({ isDNSLabel(String($0)) })
            else {
                throw SelectorSyntaxError(
                    selector: selector,
                    problem: "label key prefix \"\(prefix)\" is not a DNS subdomain"
                )
            }
        }
        guard !name.isEmpty, isLabelName(name) else {
            throw SelectorSyntaxError(
                selector: selector,
                problem:
                    "label key \"\(key)\" is invalid (at most 63 letters, digits, -, _ or ., starting and ending alphanumeric)"
            )
        }
    }

    /// A label value: empty, or a name of at most 63 characters.
    private static func checkValue(_ value: String, in selector: String) throws(SelectorSyntaxError) {
        guard value.isEmpty || isLabelName(value) else {
            throw SelectorSyntaxError(
                selector: selector,
                problem:
                    "label value \"\(value)\" is invalid (at most 63 letters, digits, -, _ or ., starting and ending alphanumeric)"
            )
        }
    }

    private static func isLabelName(_ text: String) -> Bool {
        let scalars = Array(text.unicodeScalars)
        guard (1...63).contains(scalars.count), let first = scalars.first, let last = scalars.last else { return false }
        func alphanumeric(_ scalar: Unicode.Scalar) -> Bool {
            ("a"..."z").contains(scalar) || ("A"..."Z").contains(scalar) || ("0"..."9").contains(scalar)
        }
        return alphanumeric(first) && alphanumeric(last)
            && scalars.allSatisfy { alphanumeric($0) || $0 == "-" || $0 == "_" || $0 == "." }
    }

    static func isDNSLabel(_ text: String) -> Bool {
        let scalars = Array(text.unicodeScalars)
        guard (1...63).contains(scalars.count), let first = scalars.first, let last = scalars.last else { return false }
        func lowerAlphanumeric(_ scalar: Unicode.Scalar) -> Bool {
            ("a"..."z").contains(scalar) || ("0"..."9").contains(scalar)
        }
        return lowerAlphanumeric(first) && lowerAlphanumeric(last)
            && scalars.allSatisfy { lowerAlphanumeric($0) || $0 == "-" }
    }
}

/// A `-l` selector is not valid kubectl grammar.
public struct SelectorSyntaxError: Error, Sendable, Hashable, CustomStringConvertible {
    /// The selector as given.
    public var selector: String
    /// What is wrong, quoting the bad part.
    public var problem: String

    /// Creates the error.
    public init(selector: String, problem: String) {
        self.selector = selector
        self.problem = problem
    }

    /// One sentence.
    public var description: String { "invalid label selector \"\(selector)\": \(problem)" }
}

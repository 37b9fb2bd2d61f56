/// A parsed `labelSelector` in kubectl's grammar, matched against an object's labels.
///
/// The grammar is the one of `k8s.io/apimachinery/pkg/labels`: comma-separated requirements, each
/// `key`, `!key`, `key=value`, `key==value`, `key!=value`, `key in (a,b)`, `key notin (a,b)`,
/// `key>1` or `key<1`. A selector with no requirement matches everything. `!=` and `notin` also
/// match objects that lack the key, as the real API server does.
public struct LabelSelector: Sendable, Hashable, CustomStringConvertible {
    /// One requirement of a selector.
    public struct Requirement: Sendable, Hashable {
        /// How the requirement compares the label's value.
        public enum Operator: Sendable, Hashable {
            /// `key=value` or `key==value`.
            case equals(String)
            /// `key!=value`.
            case notEquals(String)
            /// `key in (a,b)`.
            case `in`(Set<String>)
            /// `key notin (a,b)`.
            case notIn(Set<String>)
            /// `key`: the label is present.
            case exists
            /// `!key`: the label is absent.
            case doesNotExist
            /// `key>n`: the label is an integer greater than `n`.
            case greaterThan(Int64)
            /// `key<n`: the label is an integer less than `n`.
            case lessThan(Int64)
        }

        /// The label key.
        public var key: String
        /// The comparison.
        public var op: Operator

        /// Creates a requirement.
        public init(key: String, op: Operator) {
            self.key = key
            self.op = op
        }

        /// Whether `labels` satisfy this requirement.
        public func matches(_ labels: [String: String]) -> Bool {
            let value = labels[key]
            switch op {
            case .equals(let expected): return value == expected
            case .notEquals(let excluded): return value != excluded
            case .in(let values): return value.map(values.contains) ?? false
            case .notIn(let values): return !(value.map(values.contains) ?? false)
            case .exists: return value != nil
            case .doesNotExist: return value == nil
            case .greaterThan(let bound): return value.flatMap { Int64($0) }.map { $0 > bound } ?? false
            case .lessThan(let bound): return value.flatMap { Int64($0) }.map { $0 < bound } ?? false
            }
        }

        /// The requirement in selector syntax.
        public var text: String {
            switch op {
            case .equals(let value): "\(key)=\(value)"
            case .notEquals(let value): "\(key)!=\(value)"
            case .in(let values): "\(key) in (\(values.sorted().joined(separator: ",")))"
            case .notIn(let values): "\(key) notin (\(values.sorted().joined(separator: ",")))"
            case .exists: key
            case .doesNotExist: "!\(key)"
            case .greaterThan(let value): "\(key)>\(value)"
            case .lessThan(let value): "\(key)<\(value)"
            }
        }
    }

    /// The requirements; all must hold.
    public var requirements: [Requirement]

    /// A selector matching everything.
    public init() {
        requirements = []
    }

    /// Creates a selector from requirements.
    public init(requirements: [Requirement]) {
        self.requirements = requirements
    }

    /// Parses a selector string, throwing a message phrased as the API server's when it is malformed.
    public init(parsing text: String) throws(SelectorParseError) {
        var parser = LabelSelectorParser(text: text)
        requirements = try parser.parse()
    }

    /// Builds a selector from a Kubernetes `LabelSelector` object (`matchLabels`, `matchExpressions`).
    ///
    /// Used for the `Scale` subresource's `status.selector` and tables' Selector column, which show a
    /// workload's selector in string form.
    public init(object: JSONValue?) {
        var requirements: [Requirement] = []
        for (key, value) in (object?["matchLabels"]?.objectValue ?? [:]).sorted(by: { $0.key < $1.key }) {
            requirements.append(Requirement(key: key, op: .equals(value.stringValue ?? "")))
        }
        for expression in object?["matchExpressions"]?.arrayValue ?? [] {
            let key = expression["key"]?.stringValue ?? ""
            let values = Set((expression["values"]?.arrayValue ?? []).compactMap(\.stringValue))
            switch expression["operator"]?.stringValue {
            case "In": requirements.append(Requirement(key: key, op: .in(values)))
            case "NotIn": requirements.append(Requirement(key: key, op: .notIn(values)))
            case "Exists": requirements.append(Requirement(key: key, op: .exists))
            case "DoesNotExist": requirements.append(Requirement(key: key, op: .doesNotExist))
            default: continue
            }
        }
        self.requirements = requirements
    }

    /// Whether the selector has no requirement (and so matches everything).
    public var isEmpty: Bool { requirements.isEmpty }

    /// Whether `labels` satisfy every requirement.
    public func matches(_ labels: [String: String]) -> Bool {
        requirements.allSatisfy { $0.matches(labels) }
    }

    /// The selector in its canonical string form (requirements sorted by key, as the API server prints them).
    public var description: String {
        requirements.sorted { $0.key < $1.key }.map(\.text).joined(separator: ",")
    }
}

/// A label or field selector that cannot be parsed; the message is the API server's wording.
public struct SelectorParseError: Error, Sendable, Hashable, CustomStringConvertible {
    /// What is wrong.
    public var message: String

    /// Creates an error.
    public init(_ message: String) {
        self.message = message
    }

    /// The message.
    public var description: String { message }
}

/// The lexer and parser of the label selector grammar.
private struct LabelSelectorParser {
    enum Token: Equatable {
        case identifier(String)
        case doesNotExist  // !
        case equals  // =
        case doubleEquals  // ==
        case notEquals  // !=
        case inKeyword
        case notInKeyword
        case openParen
        case closeParen
        case comma
        case greaterThan
        case lessThan
        case end

        var literal: String {
            switch self {
            case .identifier(let text): text
            case .doesNotExist: "!"
            case .equals: "="
            case .doubleEquals: "=="
            case .notEquals: "!="
            case .inKeyword: "in"
            case .notInKeyword: "notin"
            case .openParen: "("
            case .closeParen: ")"
            case .comma: ","
            case .greaterThan: ">"
            case .lessThan: "<"
            case .end: ""
            }
        }
    }

    var tokens: [Token] = []
    var position = 0

    init(text: String) {
        tokens = Self.lex(Array(text.unicodeScalars))
    }

    static func isSpecial(_ scalar: Unicode.Scalar) -> Bool {
        "!=(),<>".unicodeScalars.contains(scalar)
    }

    static func lex(_ scalars: [Unicode.Scalar]) -> [Token] {
        var tokens: [Token] = []
        var index = 0
        while index < scalars.count {
            let scalar = scalars[index]
            if scalar.properties.isWhitespace {
                index += 1
                continue
            }
            if isSpecial(scalar) {
                let next = index + 1 < scalars.count ? scalars[index + 1] : nil
                switch (scalar, next) {
                case ("!", "="):
                    tokens.append(.notEquals)
                    index += 2
                case ("=", "="):
                    tokens.append(.doubleEquals)
                    index += 2
                case ("!", _):
                    tokens.append(.doesNotExist)
                    index += 1
                case ("=", _):
                    tokens.append(.equals)
                    index += 1
                case ("(", _):
                    tokens.append(.openParen)
                    index += 1
                case (")", _):
                    tokens.append(.closeParen)
                    index += 1
                case (",", _):
                    tokens.append(.comma)
                    index += 1
                case (">", _):
                    tokens.append(.greaterThan)
                    index += 1
                default:
                    tokens.append(.lessThan)
                    index += 1
                }
                continue
            }
            var word = ""
            while index < scalars.count, !scalars[index].properties.isWhitespace, !isSpecial(scalars[index]) {
                word.unicodeScalars.append(scalars[index])
                index += 1
            }
            switch word {
            case "in": tokens.append(.inKeyword)
            case "notin": tokens.append(.notInKeyword)
            default: tokens.append(.identifier(word))
            }
        }
        tokens.append(.end)
        return tokens
    }

    var current: Token { tokens[min(position, tokens.count - 1)] }

    mutating func advance() -> Token {
        let token = current
        if position < tokens.count { position += 1 }
        return token
    }

    mutating func parse() throws(SelectorParseError) -> [LabelSelector.Requirement] {
        var requirements: [LabelSelector.Requirement] = []
        if current == .end { return requirements }
        while true {
            requirements.append(try parseRequirement())
            switch advance() {
            case .end: return requirements
            case .comma:
                if current == .end || current == .comma {
                    throw SelectorParseError("found '\(current.literal)', expected: identifier")
                }
            case let token:
                throw SelectorParseError("found '\(token.literal)', expected: ',' or 'end of string'")
            }
        }
    }

    mutating func parseRequirement() throws(SelectorParseError) -> LabelSelector.Requirement {
        if current == .doesNotExist {
            _ = advance()
            let key = try parseKey()
            return .init(key: key, op: .doesNotExist)
        }
        let key = try parseKey()
        switch current {
        case .comma, .end:
            return .init(key: key, op: .exists)
        case .equals, .doubleEquals:
            _ = advance()
            return .init(key: key, op: .equals(try parseSingleValue(key: key)))
        case .notEquals:
            _ = advance()
            return .init(key: key, op: .notEquals(try parseSingleValue(key: key)))
        case .inKeyword:
            _ = advance()
            return .init(key: key, op: .in(try parseValueSet(key: key)))
        case .notInKeyword:
            _ = advance()
            return .init(key: key, op: .notIn(try parseValueSet(key: key)))
        case .greaterThan, .lessThan:
            let isGreater = advance() == .greaterThan
            let text = try parseSingleValue(key: key)
            guard let bound = Int64(text) else {
                throw SelectorParseError(
                    "unable to parse requirement: for 'Gt', 'Lt' operators, the value must be an integer"
                )
            }
            return .init(key: key, op: isGreater ? .greaterThan(bound) : .lessThan(bound))
        case let token:
            throw SelectorParseError(
                "unable to parse requirement: found '\(token.literal)', expected: in, notin, =, ==, !=, gt, lt"
            )
        }
    }

    mutating func parseKey() throws(SelectorParseError) -> String {
        guard case .identifier(let key) = advance() else {
            position -= 1
            throw SelectorParseError("unable to parse requirement: found '\(current.literal)', expected: identifier")
        }
        if let problem = LabelSyntax.keyProblem(key) {
            throw SelectorParseError("unable to parse requirement: \(problem)")
        }
        return key
    }

    mutating func parseSingleValue(key: String) throws(SelectorParseError) -> String {
        switch current {
        case .identifier(let value):
            _ = advance()
            if let problem = LabelSyntax.valueProblem(value) {
                throw SelectorParseError("unable to parse requirement: \(problem)")
            }
            return value
        case .comma, .end:
            return ""
        case let token:
            throw SelectorParseError("found '\(token.literal)', expected: identifier")
        }
    }

    mutating func parseValueSet(key: String) throws(SelectorParseError) -> Set<String> {
        guard advance() == .openParen else {
            throw SelectorParseError("found '\(tokens[position - 1].literal)', expected: '('")
        }
        var values: Set<String> = []
        while true {
            switch current {
            case .identifier(let value):
                _ = advance()
                if let problem = LabelSyntax.valueProblem(value) {
                    throw SelectorParseError("unable to parse requirement: \(problem)")
                }
                values.insert(value)
            case .comma, .closeParen:
                // An empty element, as in `in (a,,b)` or `in ()`, is the empty string.
                values.insert("")
            case let token:
                throw SelectorParseError("found '\(token.literal)', expected: ',', ')' or identifier")
            }
            switch advance() {
            case .comma: continue
            case .closeParen: return values
            case let token: throw SelectorParseError("found '\(token.literal)', expected: ',' or ')'")
            }
        }
    }
}

/// The syntax rules for label keys and values (qualified names and label values).
enum LabelSyntax {
    static func isAlphanumeric(_ scalar: Unicode.Scalar) -> Bool {
        ("a"..."z").contains(scalar) || ("A"..."Z").contains(scalar) || ("0"..."9").contains(scalar)
    }

    /// Whether `text` is a DNS-1123 subdomain (lower case alphanumerics, `-`, `.`).
    static func isSubdomain(_ text: String) -> Bool {
        guard !text.isEmpty, text.count <= 253 else { return false }
        return text.split(separator: ".", omittingEmptySubsequences: false).allSatisfy { part in
            let scalars = Array(part.unicodeScalars)
            guard let first = scalars.first, let last = scalars.last else { return false }
            let lowerAlnum: (Unicode.Scalar) -> Bool = { ("a"..."z").contains($0) || ("0"..."9").contains($0) }
            return lowerAlnum(first) && lowerAlnum(last) && scalars.allSatisfy { lowerAlnum($0) || $0 == "-" }
        }
    }

    /// Whether `text` is a name part of a qualified name (≤ 63, alphanumeric ends, `-_.` inside).
    static func isNamePart(_ text: String) -> Bool {
        let scalars = Array(text.unicodeScalars)
        guard let first = scalars.first, let last = scalars.last, scalars.count <= 63 else { return false }
        return isAlphanumeric(first) && isAlphanumeric(last)
            && scalars.allSatisfy { isAlphanumeric($0) || $0 == "-" || $0 == "_" || $0 == "." }
    }

    /// Why `key` is not a valid label key, or `nil`.
    static func keyProblem(_ key: String) -> String? {
        let parts = key.split(separator: "/", omittingEmptySubsequences: false)
        let valid: Bool
        switch parts.count {
        case 1: valid = isNamePart(key)
        case 2: valid = isSubdomain(String(parts[0])) && isNamePart(String(parts[1]))
        default: valid = false
        }
        if valid { return nil }
        return
            "key: Invalid value: \"\(key)\": name part must consist of alphanumeric characters, '-', '_' or '.', "
            + "and must start and end with an alphanumeric character"
    }

    /// Why `value` is not a valid label value, or `nil`.
    static func valueProblem(_ value: String) -> String? {
        if value.isEmpty || isNamePart(value) { return nil }
        return
            "values[0][\(value)]: Invalid value: \"\(value)\": a valid label must be an empty string or consist of "
            + "alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character"
    }
}

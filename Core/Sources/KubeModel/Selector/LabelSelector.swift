/// A parsed, validated label selector: requirements that must all hold, with kubectl's matching rules.
///
/// It comes from kubectl's text grammar (`LabelSelector(parsing: "app=web,tier in (a,b),!canary")`) or from
/// an object's `spec.selector` (`LabelSelector(spec)`). The CLI parses `-l` with it before any request, so
/// a typo is a one-line usage error instead of an API server's 400; the coordinator matches objects with it.
/// `description` is the canonical text (requirements sorted by key, values sorted), which the API server
/// accepts as the `labelSelector` query parameter.
public struct LabelSelector: Sendable, Hashable, CustomStringConvertible {
    /// The requirements, sorted by key, all of which must hold; empty for a selector that matches everything.
    public private(set) var requirements: [Requirement]

    /// A selector without requirements: it matches every object, as an empty `-l` or `selector: {}` does.
    public static let everything = LabelSelector(validated: [])

    /// Whether the selector matches every set of labels.
    public var isEverything: Bool { requirements.isEmpty }

    init(validated requirements: [Requirement]) {
        self.requirements = requirements.sorted { ($0.key, $0.description) < ($1.key, $1.description) }
    }

    /// Parses kubectl's selector grammar, validating keys and values as the API server does.
    ///
    /// The grammar: comma-separated requirements, each `key`, `!key`, `key=value`, `key==value`,
    /// `key!=value`, `key in (v1,v2)`, `key notin (v1,v2)`, `key>N` or `key<N`. Blanks around tokens are
    /// ignored; an empty text matches everything. Throws a `LabelSelectorError` that quotes the bad part.
    public init(parsing text: String) throws {
        var parser = LabelSelectorParser(text: text)
        self.init(validated: try parser.parse())
    }

    /// Converts an object's `spec.selector` (`matchLabels` and `matchExpressions`), validating it as the
    /// API server does; a selector with neither matches everything.
    public init(_ spec: LabelSelectorSpec) throws {
        var requirements: [Requirement] = []
        for (key, value) in (spec.matchLabels ?? [:]).sorted(by: { $0.key < $1.key }) {
            do {
                requirements.append(try Requirement(key: key, operator: .equals, values: [value]))
            } catch let error as LabelSelectorError {
                throw LabelSelectorError(selector: "matchLabels", problem: error.problem)
            }
        }
        for (index, expression) in (spec.matchExpressions ?? []).enumerated() {
            let place = "matchExpressions[\(index)]"
            guard let op = Operator(wireName: expression.operator) else {
                throw LabelSelectorError(
                    selector: place,
                    problem: "operator \"\(expression.operator)\" is not one of In, NotIn, Exists, DoesNotExist"
                )
            }
            do {
                requirements.append(try Requirement(key: expression.key, operator: op, values: expression.values ?? []))
            } catch let error as LabelSelectorError {
                throw LabelSelectorError(selector: place, problem: error.problem)
            }
        }
        self.init(validated: requirements)
    }

    /// Whether every requirement holds for these labels (`nil` is no labels at all).
    public func matches(_ labels: [String: String]?) -> Bool {
        let labels = labels ?? [:]
        return requirements.allSatisfy { $0.matches(labels) }
    }

    /// The canonical text, such as `app=web,tier in (a,b)`: parseable again, and accepted by the API server.
    public var description: String {
        requirements.map(\.description).joined(separator: ",")
    }

    /// How a requirement relates a label to its values.
    public enum Operator: String, Sendable, Hashable, CaseIterable {
        /// `key=value`: the label is present with this value.
        case equals = "="
        /// `key==value`: the same as `=`.
        case doubleEquals = "=="
        /// `key!=value`: the label is absent or has another value.
        case notEquals = "!="
        /// `key in (a,b)`: the label is present with one of these values.
        case `in` = "in"
        /// `key notin (a,b)`: the label is absent or has none of these values.
        case notIn = "notin"
        /// `key`: the label is present, with any value.
        case exists = "exists"
        /// `!key`: the label is absent.
        case doesNotExist = "!"
        /// `key>N`: the label is an integer greater than N.
        case greaterThan = ">"
        /// `key<N`: the label is an integer less than N.
        case lessThan = "<"

        /// The operator of a `matchExpressions` entry (`In`, `NotIn`, `Exists`, `DoesNotExist`).
        init?(wireName: String) {
            switch wireName {
            case "In": self = .in
            case "NotIn": self = .notIn
            case "Exists": self = .exists
            case "DoesNotExist": self = .doesNotExist
            default: return nil
            }
        }
    }

    /// One requirement: a key, an operator and its values.
    public struct Requirement: Sendable, Hashable, CustomStringConvertible {
        /// The label key, such as `app.kubernetes.io/name`.
        public let key: String
        /// How the label relates to the values.
        public let `operator`: Operator
        /// The values, sorted and without duplicates; empty for `exists` and `!`.
        public let values: [String]

        /// Creates a requirement, validating it as the API server does: the key is a qualified name, each
        /// value a valid label value, `=`/`==`/`!=` take one value, `in`/`notin` at least one, `exists` and
        /// `!` none, `>`/`<` one integer.
        public init(key: String, operator op: Operator, values: [String]) throws {
            let subject = "requirement on \"\(key)\""
            if let problem = LabelSyntax.problem(withKey: key) {
                throw LabelSelectorError(selector: key, problem: "key \"\(key)\": \(problem)")
            }
            let unique = Array(Set(values)).sorted()
            switch op {
            case .in, .notIn:
                guard !unique.isEmpty else {
                    throw LabelSelectorError(
                        selector: key,
                        problem: "\(subject): 'in' and 'notin' need at least one value"
                    )
                }
            case .equals, .doubleEquals, .notEquals:
                guard unique.count == 1 else {
                    throw LabelSelectorError(
                        selector: key,
                        problem: "\(subject): '\(op.rawValue)' needs exactly one value"
                    )
                }
            case .exists, .doesNotExist:
                guard unique.isEmpty else {
                    throw LabelSelectorError(selector: key, problem: "\(subject): takes no values, found \(unique)")
                }
            case .greaterThan, .lessThan:
                guard unique.count == 1, let only = unique.first, Int64(only) != nil else {
                    throw LabelSelectorError(
                        selector: key,
                        problem: "\(subject): '\(op.rawValue)' needs one integer value, found \(unique)"
                    )
                }
            }
            for value in unique {
                if let problem = LabelSyntax.problem(withValue: value) {
                    throw LabelSelectorError(selector: key, problem: "value \"\(value)\" of key \"\(key)\": \(problem)")
                }
            }
            self.key = key
            self.operator = op
            self.values = unique
        }

        /// Whether the requirement holds for these labels, with Kubernetes' semantics: `!=` and `notin`
        /// also hold when the label is absent; `>` and `<` need the label to be an integer.
        public func matches(_ labels: [String: String]) -> Bool {
            let value = labels[key]
            switch self.operator {
            case .equals, .doubleEquals, .in:
                guard let value else { return false }
                return values.contains(value)
            case .notEquals, .notIn:
                guard let value else { return true }
                return !values.contains(value)
            case .exists:
                return value != nil
            case .doesNotExist:
                return value == nil
            case .greaterThan, .lessThan:
                guard let value, let number = Int64(value), let bound = values.first.flatMap({ Int64($0) }) else {
                    return false
                }
                return self.operator == .greaterThan ? number > bound : number < bound
            }
        }

        /// The requirement as kubectl writes it: `key=value`, `key in (a,b)`, `!key`.
        public var description: String {
            switch self.operator {
            case .exists: key
            case .doesNotExist: "!\(key)"
            case .in, .notIn: "\(key) \(self.operator.rawValue) (\(values.joined(separator: ",")))"
            case .equals, .doubleEquals, .notEquals, .greaterThan, .lessThan:
                "\(key)\(self.operator.rawValue)\(values.first ?? "")"
            }
        }
    }
}

/// A parsed `fieldSelector`: comma-separated `field=value`, `field==value` or `field!=value` terms.
///
/// The grammar is `k8s.io/apimachinery/pkg/fields`: a backslash escapes `,`, `=`, `!` and itself in
/// values. Which fields exist depends on the resource (see `ResourceType.fieldValues(of:)`); an unknown
/// field is a 400, as the real server answers `field label not supported`.
public struct FieldSelector: Sendable, Hashable, CustomStringConvertible {
    /// One term of a field selector.
    public struct Term: Sendable, Hashable {
        /// The field path, such as `metadata.name` or `involvedObject.uid`.
        public var field: String
        /// The value compared with.
        public var value: String
        /// Whether the term is `!=`.
        public var negated: Bool

        /// Creates a term.
        public init(field: String, value: String, negated: Bool) {
            self.field = field
            self.value = value
            self.negated = negated
        }
    }

    /// The terms; all must hold.
    public var terms: [Term]

    /// A selector matching everything.
    public init() {
        terms = []
    }

    /// Creates a selector from terms.
    public init(terms: [Term]) {
        self.terms = terms
    }

    /// Parses a selector string.
    public init(parsing text: String) throws(SelectorParseError) {
        var terms: [Term] = []
        for part in Self.splitUnescaped(text, on: ",") where !part.isEmpty {
            terms.append(try Self.parseTerm(part))
        }
        self.terms = terms
    }

    /// Whether the selector has no term.
    public var isEmpty: Bool { terms.isEmpty }

    /// The first field no `supported` set names, if any.
    public func unsupportedField(supported: Set<String>) -> String? {
        terms.first { !supported.contains($0.field) }?.field
    }

    /// Whether an object with these field values satisfies every term (a missing field is the empty string).
    public func matches(_ fields: [String: String]) -> Bool {
        terms.allSatisfy { term in
            let actual = fields[term.field] ?? ""
            return term.negated ? actual != term.value : actual == term.value
        }
    }

    /// The selector in string form.
    public var description: String {
        terms.map { "\($0.field)\($0.negated ? "!=" : "=")\(Self.escape($0.value))" }.joined(separator: ",")
    }

    private static func escape(_ value: String) -> String {
        var out = ""
        for character in value {
            if character == "\\" || character == "," || character == "=" || character == "!" { out.append("\\") }
            out.append(character)
        }
        return out
    }

    private static func splitUnescaped(_ text: String, on separator: Character) -> [String] {
        var parts: [String] = []
        var current = ""
        var escaped = false
        for character in text {
            if escaped {
                current.append(character)
                escaped = false
            } else if character == "\\" {
                current.append(character)
                escaped = true
            } else if character == separator {
                parts.append(current)
                current = ""
            } else {
                current.append(character)
            }
        }
        parts.append(current)
        return parts
    }

    private static func parseTerm(_ text: String) throws(SelectorParseError) -> Term {
        let characters = Array(text)
        var index = 0
        var escaped = false
        while index < characters.count {
            let character = characters[index]
            if escaped {
                escaped = false
            } else if character == "\\" {
                escaped = true
            } else if character == "!", index + 1 < characters.count, characters[index + 1] == "=" {
                return try term(characters, fieldEnd: index, valueStart: index + 2, negated: true)
            } else if character == "=" {
                let valueStart = index + 1 < characters.count && characters[index + 1] == "=" ? index + 2 : index + 1
                return try term(characters, fieldEnd: index, valueStart: valueStart, negated: false)
            }
            index += 1
        }
        throw SelectorParseError("invalid selector: '\(text)'; can't understand '\(text)'")
    }

    private static func term(
        _ characters: [Character],
        fieldEnd: Int,
        valueStart: Int,
        negated: Bool
    ) throws(SelectorParseError) -> Term {
        let field = String(characters[..<fieldEnd]).trimmingSpaces()
        let rawValue = String(characters[valueStart...])
        guard !field.isEmpty else {
            throw SelectorParseError(
                "invalid selector: '\(String(characters))'; can't understand '\(String(characters))'"
            )
        }
        var value = ""
        var escaped = false
        for character in rawValue {
            if escaped {
                guard character == "\\" || character == "," || character == "=" || character == "!" else {
                    throw SelectorParseError("invalid field selector: invalid escape sequence: \\\(character)")
                }
                value.append(character)
                escaped = false
            } else if character == "\\" {
                escaped = true
            } else {
                value.append(character)
            }
        }
        if escaped { throw SelectorParseError("invalid field selector: unterminated escape sequence") }
        return Term(field: field, value: value, negated: negated)
    }
}

extension String {
    /// The string without leading and trailing spaces.
    func trimmingSpaces() -> String {
        var scalars = Substring(self)
        while scalars.first == " " { scalars.removeFirst() }
        while scalars.last == " " { scalars.removeLast() }
        return String(scalars)
    }
}

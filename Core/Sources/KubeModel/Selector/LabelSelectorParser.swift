/// The lexer and recursive-descent parser of kubectl's label selector grammar.
///
/// It follows the API machinery's parser token for token, so that a selector kubectl accepts is accepted
/// here with the same meaning, and one it rejects is rejected before any request: `in` and `notin` are
/// keywords only where an operator is expected (`a in (in)` is valid), an empty value is allowed
/// (`a=`, `a in (,b)`), and the blanks are space, tab, CR and LF.
struct LabelSelectorParser {
    private enum Token: Equatable {
        case identifier(String)
        case inKeyword, notInKeyword
        case equals, doubleEquals, notEquals, bang, greaterThan, lessThan
        case openParen, closeParen, comma
        case end

        var quoted: String {
            switch self {
            case .identifier(let text): "\"\(text)\""
            case .inKeyword: "\"in\""
            case .notInKeyword: "\"notin\""
            case .equals: "\"=\""
            case .doubleEquals: "\"==\""
            case .notEquals: "\"!=\""
            case .bang: "\"!\""
            case .greaterThan: "\">\""
            case .lessThan: "\"<\""
            case .openParen: "\"(\""
            case .closeParen: "\")\""
            case .comma: "\",\""
            case .end: "the end"
            }
        }

        /// Where values are expected, `in` and `notin` are plain identifiers.
        var asValue: Token {
            switch self {
            case .inKeyword: .identifier("in")
            case .notInKeyword: .identifier("notin")
            default: self
            }
        }
    }

    private let text: String
    private var tokens: [(token: Token, column: Int)] = []
    private var position = 0

    init(text: String) {
        self.text = text
    }

    mutating func parse() throws -> [LabelSelector.Requirement] {
        tokens = scan()
        var requirements: [LabelSelector.Requirement] = []
        while true {
            switch peek().asValue {
            case .identifier, .bang:
                requirements.append(try requirement())
                let (next, column) = consume()
                switch next.asValue {
                case .end:
                    return requirements
                case .comma:
                    switch peek().asValue {
                    case .identifier, .bang: continue
                    default:
                        throw failure("found \(peek().quoted), expected a requirement after \",\"", at: peekColumn())
                    }
                default:
                    throw failure("found \(next.quoted), expected \",\" or the end", at: column)
                }
            case .end:
                return requirements
            default:
                throw failure("found \(peek().quoted), expected a key or \"!\"", at: peekColumn())
            }
        }
    }

    private mutating func requirement() throws -> LabelSelector.Requirement {
        var (token, column) = consume()
        var negated = false
        if token == .bang {
            negated = true
            (token, column) = consume()
        }
        guard case .identifier(let key) = token.asValue else {
            throw failure("found \(token.quoted), expected a key", at: column)
        }
        if let problem = LabelSyntax.problem(withKey: key) {
            throw failure("key \"\(key)\": \(problem)", at: column)
        }
        if negated {
            return try make(key: key, operator: .doesNotExist, values: [], column: column)
        }
        switch peek().asValue {
        case .end, .comma:
            return try make(key: key, operator: .exists, values: [], column: column)
        default:
            break
        }
        let (operatorToken, operatorColumn) = consume()
        let op: LabelSelector.Operator
        switch operatorToken {
        case .inKeyword: op = .in
        case .notInKeyword: op = .notIn
        case .equals: op = .equals
        case .doubleEquals: op = .doubleEquals
        case .notEquals: op = .notEquals
        case .greaterThan: op = .greaterThan
        case .lessThan: op = .lessThan
        default:
            throw failure(
                "found \(operatorToken.quoted) after key \"\(key)\", expected one of in, notin, =, ==, !=, >, <",
                at: operatorColumn
            )
        }
        let values = op == .in || op == .notIn ? try valueSet() : try exactValue()
        return try make(key: key, operator: op, values: values, column: column)
    }

    /// `( v1, v2 )`; empty entries are the empty value, as in Kubernetes (`()` is `{""}`).
    private mutating func valueSet() throws -> [String] {
        let (open, column) = consume()
        guard open.asValue == .openParen else { throw failure("found \(open.quoted), expected \"(\"", at: column) }
        switch peek().asValue {
        case .closeParen:
            _ = consume()
            return [""]
        case .identifier, .comma:
            break
        default:
            throw failure("found \(peek().quoted), expected a value, \",\" or \")\"", at: peekColumn())
        }
        var values: [String] = []
        var expectingValue = true
        while true {
            let (token, column) = consume()
            switch token.asValue {
            case .identifier(let value) where expectingValue:
                values.append(value)
                expectingValue = false
            case .comma:
                if expectingValue { values.append("") }
                expectingValue = true
            case .closeParen:
                if expectingValue { values.append("") }
                return values
            default:
                throw failure(
                    "found \(token.quoted), expected \(expectingValue ? "a value, " : "")\",\" or \")\"",
                    at: column
                )
            }
        }
    }

    /// The one value after `=`, `==`, `!=`, `>` or `<`; nothing (end or comma) is the empty value.
    private mutating func exactValue() throws -> [String] {
        switch peek().asValue {
        case .end, .comma:
            return [""]
        default:
            let (token, column) = consume()
            guard case .identifier(let value) = token.asValue else {
                throw failure("found \(token.quoted), expected a value", at: column)
            }
            return [value]
        }
    }

    private func make(
        key: String,
        operator op: LabelSelector.Operator,
        values: [String],
        column: Int
    ) throws
        -> LabelSelector.Requirement
    {
        do {
            return try LabelSelector.Requirement(key: key, operator: op, values: values)
        } catch let error as LabelSelectorError {
            throw failure(error.problem, at: column)
        }
    }

    private func peek() -> Token { tokens[position].token }

    private func peekColumn() -> Int { tokens[position].column }

    private mutating func consume() -> (Token, Int) {
        let item = tokens[position]
        if position < tokens.count - 1 { position += 1 }
        return (item.token, item.column)
    }

    private func failure(_ problem: String, at column: Int) -> LabelSelectorError {
        LabelSelectorError(selector: text, problem: "\(problem) at column \(column)")
    }

    // MARK: - Lexer

    private static func isBlank(_ byte: UInt8) -> Bool {
        byte == UInt8(ascii: " ") || byte == UInt8(ascii: "\t") || byte == UInt8(ascii: "\r")
            || byte == UInt8(ascii: "\n")
    }

    private static func isSpecial(_ byte: UInt8) -> Bool {
        switch byte {
        case UInt8(ascii: "="), UInt8(ascii: "!"), UInt8(ascii: "("), UInt8(ascii: ")"), UInt8(ascii: ","),
            UInt8(ascii: ">"), UInt8(ascii: "<"):
            true
        default:
            false
        }
    }

    /// Splits the text into tokens; special characters are read longest-match first (`!=`, `==`).
    private func scan() -> [(token: Token, column: Int)] {
        let bytes = Array(text.utf8)
        var result: [(token: Token, column: Int)] = []
        var index = 0
        while true {
            while index < bytes.count, Self.isBlank(bytes[index]) { index += 1 }
            let column = index + 1
            guard index < bytes.count else {
                result.append((.end, column))
                return result
            }
            let byte = bytes[index]
            if Self.isSpecial(byte) {
                let next = index + 1 < bytes.count ? bytes[index + 1] : 0
                let token: Token
                var width = 1
                switch (byte, next) {
                case (UInt8(ascii: "="), UInt8(ascii: "=")): token = .doubleEquals; width = 2
                case (UInt8(ascii: "!"), UInt8(ascii: "=")): token = .notEquals; width = 2
                case (UInt8(ascii: "="), _): token = .equals
                case (UInt8(ascii: "!"), _): token = .bang
                case (UInt8(ascii: "("), _): token = .openParen
                case (UInt8(ascii: ")"), _): token = .closeParen
                case (UInt8(ascii: ","), _): token = .comma
                case (UInt8(ascii: ">"), _): token = .greaterThan
                default: token = .lessThan
                }
                result.append((token, column))
                index += width
            } else {
                let start = index
                while index < bytes.count, !Self.isSpecial(bytes[index]), !Self.isBlank(bytes[index]) { index += 1 }
                let word = String(decoding: bytes[start..<index], as: UTF8.self)
                switch word {
                case "in": result.append((.inKeyword, column))
                case "notin": result.append((.notInKeyword, column))
                default: result.append((.identifier(word), column))
                }
            }
        }
    }
}

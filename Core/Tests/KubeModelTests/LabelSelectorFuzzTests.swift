import KubeModel
import Testing

/// The selector parser on random and mutated text (seeded, so a failure reproduces): it never crashes or
/// hangs, it fails only with a `LabelSelectorError`, and what it accepts prints as text it parses back to
/// the same selector, the property the command line relies on when it sends the canonical text to the
/// API server.
@Suite("Label selector fuzzing", .timeLimit(.minutes(2)))
struct LabelSelectorFuzzTests {
    /// What selectors are made of, weighted towards the grammar's own tokens.
    static let tokens = [
        "app", "web", "tier", "a", "b", "x", "k8s.io/", "example.com/", "=", "==", "!=", "!", ",", " ", "(", ")",
        " in ", " notin ", "in", "notin", ">", "<", "1", "10", "-", "_", ".", "/", "\t", "\n", "é", "\u{1B}",
        "\0", "\"", "'", "*",
    ]

    static let seeds: [String] = [
        "app=web", "app==web,tier!=db", "env in (prod, staging)", "env notin (dev),!canary", "canary",
        "app.kubernetes.io/name=web,app.kubernetes.io/part-of in (shop)", "replicas>2,replicas<10", "",
        "a=b,c,!d,e in (f,g),h notin (i)",
    ]

    /// Parses `text`; a failure must be the parser's own error, and a success must round-trip.
    static func check(_ text: String) {
        let selector: LabelSelector
        do {
            selector = try LabelSelector(parsing: text)
        } catch let error as LabelSelectorError {
            #expect(error.description.hasPrefix("invalid label selector "), "\(error)")
            return
        } catch {
            Issue.record("\(text.debugDescription): an error that is not a LabelSelectorError: \(error)")
            return
        }
        let canonical = selector.description
        do {
            let again = try LabelSelector(parsing: canonical)
            #expect(again == selector, "\(text.debugDescription) → \(canonical.debugDescription) parses differently")
            #expect(again.description == canonical)
        } catch {
            Issue.record(
                "\(text.debugDescription) was accepted but its canonical text \(canonical.debugDescription) is not: \(error)"
            )
        }
    }

    @Test("random token strings", arguments: 0..<4)
    func randomTokens(round: UInt64) {
        var random = SeededGenerator(seed: 0x5E1E_C702 &+ round)
        for _ in 0..<2_500 {
            let count = Int.random(in: 0...12, using: &random)
            let text = (0..<count).map { _ in Self.tokens[Int.random(in: 0..<Self.tokens.count, using: &random)] }
                .joined()
            Self.check(text)
        }
    }

    @Test("random bytes", arguments: 0..<2)
    func randomBytes(round: UInt64) {
        var random = SeededGenerator(seed: 0xB17E5 &+ round)
        for _ in 0..<2_000 {
            let count = Int.random(in: 0...40, using: &random)
            let scalars = (0..<count).map { _ in
                Unicode.Scalar(UInt8.random(in: 0...127, using: &random))
            }
            Self.check(String(String.UnicodeScalarView(scalars)))
        }
    }

    @Test("mutants of valid selectors", arguments: 0..<4)
    func mutants(round: UInt64) {
        var random = SeededGenerator(seed: 0x0A7A_0000 &+ round)
        for _ in 0..<2_500 {
            var characters = Array(Self.seeds[Int.random(in: 0..<Self.seeds.count, using: &random)])
            for _ in 0..<Int.random(in: 1...3, using: &random) {
                let position = characters.isEmpty ? 0 : Int.random(in: 0...characters.count, using: &random)
                switch Int.random(in: 0..<3, using: &random) {
                case 0 where position < characters.count:
                    characters.remove(at: position)
                case 1:
                    let token = Self.tokens[Int.random(in: 0..<Self.tokens.count, using: &random)]
                    characters.insert(contentsOf: token, at: position)
                default:
                    characters = Array(characters.prefix(position))
                }
            }
            Self.check(String(characters))
        }
    }

    @Test("matching never crashes, and a key and its negation never both hold")
    func matching() throws {
        var random = SeededGenerator(seed: 0x3A7C4)
        let keys = ["app", "tier", "env", "k8s.io/x"]
        let values = ["web", "db", "", "1", "10", "prod"]
        for _ in 0..<2_000 {
            var labels: [String: String] = [:]
            for key in keys where Bool.random(using: &random) {
                labels[key] = values[Int.random(in: 0..<values.count, using: &random)]
            }
            let key = keys[Int.random(in: 0..<keys.count, using: &random)]
            let exists = try LabelSelector(parsing: key)
            let absent = try LabelSelector(parsing: "!\(key)")
            #expect(exists.matches(labels) != absent.matches(labels))
            for text in ["\(key) in (web,1)", "\(key) notin (web,1)", "\(key)>2", "\(key)!=db"] {
                _ = try LabelSelector(parsing: text).matches(labels)
            }
        }
    }

    @Test("a selector of 20 000 requirements parses without hanging")
    func long() throws {
        let text = (0..<20_000).map { "k\($0 % 50)=v\($0)" }.joined(separator: ",")
        let selector = try LabelSelector(parsing: text)
        #expect(selector.requirements.count == 20_000)
        let unclosed = String(repeating: "a in (b,", count: 20_000)
        #expect(throws: LabelSelectorError.self) { try LabelSelector(parsing: unclosed) }
    }
}

/// SplitMix64, seeded so that every run draws the same inputs.
struct SeededGenerator: RandomNumberGenerator {
    private var state: UInt64

    init(seed: UInt64) {
        state = seed
    }

    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}

/// SplitMix64: a small seeded random source, so a fuzz run draws the same inputs every time and a failure
/// reproduces from the seed printed with it.
public struct SeededGenerator: RandomNumberGenerator, Sendable {
    private var state: UInt64

    /// Starts the sequence at `seed`.
    public init(seed: UInt64) {
        state = seed
    }

    /// The next 64 random bits.
    public mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}

/// Mutates valid inputs into nearly valid ones, the way a fuzzer does without a dependency: byte flips,
/// deletions, duplications, truncations, and splices of tokens the format cares about.
///
/// Random bytes alone rarely get past a parser's first check; mutants of real inputs reach the deep
/// paths (a key with the wrong type, a quote left open, a line cut in half), where crashes hide.
public struct InputMutator: Sendable {
    /// Tokens worth inserting: the format's punctuation and keywords.
    public var dictionary: [[UInt8]]

    /// A mutator that splices these tokens.
    public init(dictionary: [String]) {
        self.dictionary = dictionary.map { Array($0.utf8) }
    }

    /// Applies one to four random mutations to `input`.
    public func mutate(_ input: [UInt8], using random: inout SeededGenerator) -> [UInt8] {
        var bytes = input
        for _ in 0..<Int.random(in: 1...4, using: &random) {
            bytes = mutateOnce(bytes, using: &random)
        }
        return bytes
    }

    private func mutateOnce(_ input: [UInt8], using random: inout SeededGenerator) -> [UInt8] {
        var bytes = input
        let position = bytes.isEmpty ? 0 : Int.random(in: 0..<bytes.count, using: &random)
        switch Int.random(in: 0..<8, using: &random) {
        case 0 where !bytes.isEmpty:
            bytes[position] ^= UInt8(1 << Int.random(in: 0..<8, using: &random))
        case 1 where !bytes.isEmpty:
            bytes[position] = UInt8.random(in: 0...255, using: &random)
        case 2 where !bytes.isEmpty:
            let length = Int.random(in: 1...min(32, bytes.count - position), using: &random)
            bytes.removeSubrange(position..<(position + length))
        case 3 where !bytes.isEmpty:
            let length = Int.random(in: 1...min(64, bytes.count - position), using: &random)
            let copy = Array(bytes[position..<(position + length)])
            bytes.insert(contentsOf: copy, at: Int.random(in: 0...bytes.count, using: &random))
        case 4:
            bytes = Array(bytes.prefix(position))
        case 5 where !dictionary.isEmpty:
            let token = dictionary[Int.random(in: 0..<dictionary.count, using: &random)]
            bytes.insert(contentsOf: token, at: position)
        case 6 where !dictionary.isEmpty && !bytes.isEmpty:
            let token = dictionary[Int.random(in: 0..<dictionary.count, using: &random)]
            let length = min(token.count, bytes.count - position)
            bytes.replaceSubrange(position..<(position + length), with: token)
        default:
            let count = Int.random(in: 1...8, using: &random)
            let noise = (0..<count).map { _ in UInt8.random(in: 0...255, using: &random) }
            bytes.insert(contentsOf: noise, at: position)
        }
        return bytes
    }

    /// A YAML "billion laughs": anchors `a0` … `a9`, each a list of ten aliases of the one before, so `*a9`
    /// stands for 10^10 scalars; one mapping entry per line, to be embedded in a document that aliases `*a9`.
    public static let yamlAliasBomb: String = {
        var text = "a0: &a0 [x, x, x, x, x, x, x, x, x, x]\n"
        for level in 1...9 {
            let previous = Array(repeating: "*a\(level - 1)", count: 10).joined(separator: ", ")
            text += "a\(level): &a\(level) [\(previous)]\n"
        }
        return text
    }()

    /// Random bytes of a random length up to `maximumLength`, biased towards printable text.
    public static func randomBytes(maximumLength: Int, using random: inout SeededGenerator) -> [UInt8] {
        let count = Int.random(in: 0...maximumLength, using: &random)
        return (0..<count).map { _ in
            Int.random(in: 0..<4, using: &random) == 0
                ? UInt8.random(in: 0...255, using: &random) : UInt8.random(in: 0x20...0x7E, using: &random)
        }
    }
}

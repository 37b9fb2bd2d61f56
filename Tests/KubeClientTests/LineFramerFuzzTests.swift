import KubeClient
import NIOCore
import TestSupport
import Testing

/// The watch line framer on random streams cut into random chunks (seeded): whatever the chunking, it
/// returns exactly the lines that were sent, never a line longer than its cap, never a newline inside a
/// line, and it never crashes on arbitrary bytes.
@Suite("Line framer fuzzing", .timeLimit(.minutes(2)))
struct LineFramerFuzzTests {
    /// Feeds `bytes` in random chunks; returns the lines, or the cap error.
    static func frame(
        _ bytes: [UInt8],
        cap: Int,
        using random: inout SeededGenerator
    ) -> (lines: [[UInt8]], tooLong: Bool) {
        var framer = LineFramer(maximumLineLength: cap)
        var lines: [[UInt8]] = []
        var offset = 0
        do {
            while offset < bytes.count {
                let size = Int.random(in: 1...max(1, min(97, bytes.count - offset)), using: &random)
                framer.append(ByteBuffer(bytes: bytes[offset..<(offset + size)]))
                offset += size
                while let line = try framer.nextLine() { lines.append(Array(line.readableBytesView)) }
            }
            if let last = try framer.finish() { lines.append(Array(last.readableBytesView)) }
        } catch {
            return (lines, true)
        }
        return (lines, false)
    }

    @Test("random lines in random chunks come out whole and in order", arguments: 0..<4)
    func roundTrip(round: UInt64) {
        var random = SeededGenerator(seed: 0xF4A3_0000 &+ round)
        for _ in 0..<400 {
            var stream: [UInt8] = []
            var expected: [[UInt8]] = []
            let count = Int.random(in: 0...40, using: &random)
            for index in 0..<count {
                let length = Int.random(in: 0...300, using: &random)
                // Content without line breaks; a carriage return only inside, never last.
                var line = (0..<length).map { _ in
                    var byte = UInt8.random(in: 0...255, using: &random)
                    while byte == UInt8(ascii: "\n") || byte == UInt8(ascii: "\r") {
                        byte = UInt8.random(in: 0...255, using: &random)
                    }
                    return byte
                }
                if line.count > 2, Int.random(in: 0..<10, using: &random) == 0 { line[1] = UInt8(ascii: "\r") }
                stream += line
                let last = index == count - 1
                if !last || Bool.random(using: &random) {
                    stream += Bool.random(using: &random) ? [UInt8(ascii: "\n")] : Array("\r\n".utf8)
                }
                if !line.isEmpty { expected.append(line) }
            }
            let (lines, tooLong) = Self.frame(stream, cap: 1 << 16, using: &random)
            #expect(!tooLong)
            #expect(lines == expected)
        }
    }

    @Test("a line over the cap is an error, and no returned line is over it", arguments: 0..<4)
    func cap(round: UInt64) {
        var random = SeededGenerator(seed: 0xCA9_0000 &+ round)
        for _ in 0..<400 {
            let cap = Int.random(in: 1...64, using: &random)
            var stream: [UInt8] = []
            var longest = 0
            for _ in 0..<Int.random(in: 1...20, using: &random) {
                let length = Int.random(in: 0...(cap * 2), using: &random)
                stream += Array(repeating: UInt8(ascii: "x"), count: length) + [UInt8(ascii: "\n")]
                longest = max(longest, length)
            }
            let (lines, tooLong) = Self.frame(stream, cap: cap, using: &random)
            #expect(lines.allSatisfy { $0.count <= cap })
            #expect(tooLong == (longest > cap), "cap \(cap), longest \(longest)")
        }
    }

    @Test("arbitrary bytes never crash the framer", arguments: 0..<4)
    func arbitraryBytes(round: UInt64) {
        var random = SeededGenerator(seed: 0xB7E5_0000 &+ round)
        for _ in 0..<500 {
            let bytes = InputMutator.randomBytes(maximumLength: 2_000, using: &random).map { byte in
                // Plenty of line ends, so lines of every length occur.
                Int.random(in: 0..<12, using: &random) == 0 ? UInt8(ascii: "\n") : byte
            }
            let cap = Int.random(in: 1...512, using: &random)
            let (lines, _) = Self.frame(bytes, cap: cap, using: &random)
            #expect(lines.allSatisfy { $0.count <= cap && !$0.contains(UInt8(ascii: "\n")) && !$0.isEmpty })
        }
    }

    @Test("a 10 MiB line without a newline is refused once the cap is passed, without being scanned again per chunk")
    func hugeLine() throws {
        var framer = LineFramer(maximumLineLength: 1 << 20)
        let chunk = ByteBuffer(repeating: UInt8(ascii: "a"), count: 4096)
        var refused = false
        for _ in 0..<(10 * 256) {
            framer.append(chunk)
            do {
                _ = try framer.nextLine()
            } catch {
                refused = true
                break
            }
        }
        #expect(refused)
    }
}

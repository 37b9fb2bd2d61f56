import KubeClient
import NIOCore
import Testing

@Suite("Line framer")
struct LineFramerTests {
    /// Feeds chunks and collects every line, including a final one without a newline.
    static func frame(_ chunks: [String], limit: Int = 1 << 20) throws -> [String] {
        var framer = LineFramer(maximumLineLength: limit)
        var lines: [String] = []
        for chunk in chunks {
            framer.append(ByteBuffer(string: chunk))
            while let line = try framer.nextLine() { lines.append(String(buffer: line)) }
        }
        if let last = try framer.finish() { lines.append(String(buffer: last)) }
        return lines
    }

    @Test(
        "chunkings",
        arguments: [
            (["{\"a\":1}\n"], ["{\"a\":1}"]),
            (["{\"a\":", "1}\n"], ["{\"a\":1}"]),
            (["{\"a\"", ":", "1", "}", "\n"], ["{\"a\":1}"]),
            (["one\ntwo\nthree\n"], ["one", "two", "three"]),
            (["one\ntw", "o\nthr", "ee\n"], ["one", "two", "three"]),
            (["crlf\r\n", "next\r", "\n"], ["crlf", "next"]),
            (["no newline at the end"], ["no newline at the end"]),
            (["a\n", "tail"], ["a", "tail"]),
            (["tail with cr\r"], ["tail with cr"]),
            (["\n\n", "x\n", "\r\n"], ["x"]),
            ([], []),
            (["", "a", "", "\n"], ["a"]),
        ]
    )
    func chunkings(chunks: [String], expected: [String]) throws {
        #expect(try Self.frame(chunks) == expected)
    }

    @Test("every split point of a multi-line stream yields the same lines")
    func everySplitPoint() throws {
        let text = "{\"type\":\"ADDED\"}\r\n{\"type\":\"MODIFIED\",\"x\":\"é\"}\n\n{\"type\":\"DELETED\"}"
        let bytes = Array(text.utf8)
        let expected = ["{\"type\":\"ADDED\"}", "{\"type\":\"MODIFIED\",\"x\":\"é\"}", "{\"type\":\"DELETED\"}"]
        for split in 0...bytes.count {
            var framer = LineFramer(maximumLineLength: 1024)
            var lines: [String] = []
            for part in [bytes[..<split], bytes[split...]] {
                framer.append(ByteBuffer(bytes: part))
                while let line = try framer.nextLine() { lines.append(String(buffer: line)) }
            }
            if let last = try framer.finish() { lines.append(String(buffer: last)) }
            #expect(lines == expected, "split at \(split)")
        }
    }

    @Test("a line over the cap is an error, whether it arrives whole or in pieces")
    func tooLong() {
        #expect(throws: LineFramer.LineTooLong.self) {
            _ = try Self.frame([String(repeating: "x", count: 100) + "\n"], limit: 64)
        }
        #expect(throws: LineFramer.LineTooLong.self) {
            _ = try Self.frame(Array(repeating: String(repeating: "y", count: 30), count: 10), limit: 64)
        }
        #expect(throws: LineFramer.LineTooLong.self) {
            _ = try Self.frame([String(repeating: "z", count: 100)], limit: 64)
        }
    }

    @Test("a line exactly at the cap passes, with or without CRLF")
    func atTheCap() throws {
        let line = String(repeating: "q", count: 64)
        #expect(try Self.frame([line + "\r\n", line + "\n", line], limit: 64) == [line, line, line])
    }

    @Test("a giant line split into many chunks is scanned without quadratic rework and framed once")
    func giantLine() throws {
        let piece = String(repeating: "g", count: 4096)
        var chunks = Array(repeating: piece, count: 256)
        chunks.append("\nafter\n")
        let lines = try Self.frame(chunks, limit: 2 << 20)
        #expect(lines.count == 2)
        #expect(lines[0].utf8.count == 4096 * 256)
        #expect(lines[1] == "after")
    }

    @Test("a partial line is reported until its newline arrives")
    func partialLine() throws {
        var framer = LineFramer(maximumLineLength: 100)
        framer.append(ByteBuffer(string: "{\"half\""))
        #expect(try framer.nextLine() == nil)
        #expect(framer.hasPartialLine)
        framer.append(ByteBuffer(string: "}\n"))
        let line = try #require(try framer.nextLine())
        #expect(String(buffer: line) == "{\"half\"}")
        #expect(!framer.hasPartialLine)
    }
}

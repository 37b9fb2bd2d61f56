import Foundation

/// Writes a run's results as JSON, Markdown, SVG charts and a block of `BENCHMARKS.md`.
///
/// It writes `results.json`, `results.md`, the charts, and the results block of a Markdown file. It is
/// called after every suite, so a run that stops early keeps what it measured.
struct ResultsWriter: Sendable {
    /// The output directory.
    let output: String
    /// A Markdown file with a results block to replace.
    let markdownFile: String?

    static let begin = "<!-- rollout-bench:results:begin -->"
    static let end = "<!-- rollout-bench:results:end -->"

    func write(_ results: BenchResults) throws {
        var results = results
        if results.goals.isEmpty { results.goals = Goals.evaluate(results) }
        try FileManager.default.createDirectory(atPath: output, withIntermediateDirectories: true)
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys]
        try encoder.encode(results).write(to: URL(fileURLWithPath: output + "/results.json"))
        let local = MarkdownReport(results: results, chartPath: ".")
        try ("# rollout-status benchmark results\n\n" + local.markdown).write(
            toFile: output + "/results.md",
            atomically: true,
            encoding: .utf8
        )
        for (name, svg) in local.charts {
            try svg.write(toFile: output + "/" + name, atomically: true, encoding: .utf8)
        }
        if let markdownFile {
            let text = try String(contentsOfFile: markdownFile, encoding: .utf8)
            let block = MarkdownReport(results: results, chartPath: Self.relative(output, from: markdownFile)).markdown
            try Self.replacingBlock(in: text, with: block, file: markdownFile).write(
                toFile: markdownFile,
                atomically: true,
                encoding: .utf8
            )
        }
    }

    /// `text` with the lines between the markers replaced by `block`.
    static func replacingBlock(in text: String, with block: String, file: String) throws -> String {
        guard let start = text.range(of: begin), let stop = text.range(of: end, range: start.upperBound..<text.endIndex)
        else {
            throw BenchError("\(file) has no \(begin) … \(end) block to replace")
        }
        return String(text[..<start.upperBound]) + "\n" + block + String(text[stop.lowerBound...])
    }

    /// The path of `target` as seen from the directory of `file` (both relative to the working directory).
    static func relative(_ target: String, from file: String) -> String {
        let directory = (file as NSString).deletingLastPathComponent
        guard !directory.isEmpty, directory != "." else { return target }
        if target.hasPrefix(directory + "/") { return String(target.dropFirst(directory.count + 1)) }
        return target
    }
}

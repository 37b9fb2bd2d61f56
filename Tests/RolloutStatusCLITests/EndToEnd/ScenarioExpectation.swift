import Foundation
import TestSupport
import Testing

/// What a scenario of `examples/scenarios/` promises a gate, read from its header comment so the
/// promise and the test cannot drift apart.
///
/// The header states each promise in this form (one `Gate:` line per invocation, then its results):
///
///     # Gate: `rollout-status -n shop -l app=web` → exit 1, error.code: invalid-config
///     #   (`error.code: a|b` where timing decides which failure is seen first)
///     #   results: shop/web failed invalid-config ImagePullBackOff
///     #   selections: matched
///
/// `results:` lists `namespace/name verdict [code [reason]]`, comma-separated, possibly over several
/// lines (`results: none` when there are none); `selections:` lists the selections' statuses in report
/// order. Prose may follow the exit code in parentheses or on other comment lines.
struct ScenarioExpectation: Sendable, CustomTestStringConvertible {
    /// One expected result.
    struct Result: Sendable, Hashable {
        var namespace: String
        var name: String
        var verdict: String
        var code: String?
        /// The failure's reason; where timing decides which of a few a loaded machine sees (a container
        /// caught terminated or already in back-off), each one allowed.
        var reasons: Set<String>?
        var revision: String?
    }

    /// A state the cluster must reach before the gate runs, as a pipeline runs it after its apply.
    struct Precondition: Sendable, Hashable {
        var kind: String
        var namespace: String
        var name: String
        var path: [String]
        var value: String
    }

    var file: String
    var arguments: [String]
    var exitCode: Int32
    /// The top-level `error.code`, or `nil` when the report has no error.
    ///
    /// Where timing decides which failure the gate sees first (and so which is decisive), each one is
    /// allowed (`error.code: a|b`).
    var errorCodes: Set<String>?
    var results: [Result]
    var selections: [String]?
    var precondition: Precondition?

    var testDescription: String { "\(file): rollout-status \(arguments.joined(separator: " "))" }

    /// Every promise of every scenario file but those in `excluded`.
    static func all(excluding excluded: Set<String>) throws -> [ScenarioExpectation] {
        let directory = RepositoryFiles.root.appendingPathComponent("examples/scenarios")
        let files = try FileManager.default.contentsOfDirectory(atPath: directory.path)
            .filter { $0.hasSuffix(".yaml") && !excluded.contains($0) }
            .sorted()
        return try files.flatMap { file in
            let text = try String(contentsOf: directory.appendingPathComponent(file), encoding: .utf8)
            return try parse(header: text, file: file)
        }
    }

    /// The promises in a scenario's header (the comment lines before its first key).
    static func parse(header text: String, file: String) throws -> [ScenarioExpectation] {
        var expectations: [ScenarioExpectation] = []
        for line in text.split(separator: "\n", omittingEmptySubsequences: false) {
            guard line.hasPrefix("#") else { break }
            let body = line.dropFirst().trimmingCharacters(in: .whitespaces)
            if body.hasPrefix("Gate:") {
                expectations.append(try gate(body, file: file))
            } else if body.hasPrefix("results:"), !expectations.isEmpty {
                let list = body.dropFirst("results:".count).trimmingCharacters(in: .whitespaces)
                if list != "none" {
                    expectations[expectations.count - 1].results += try list.split(separator: ",")
                        .map { $0.trimmingCharacters(in: .whitespaces) }
                        .filter { !$0.isEmpty }
                        .map { try result($0, file: file) }
                }
            } else if body.hasPrefix("once:"), !expectations.isEmpty {
                let fields = body.dropFirst("once:".count).split(separator: " ").map(String.init)
                let path = fields.count == 4 ? fields[1].split(separator: "/").map(String.init) : []
                guard path.count == 2 else {
                    throw HeaderError(file: file, problem: "`once:` is `KIND NAMESPACE/NAME FIELD.PATH VALUE`: \(body)")
                }
                expectations[expectations.count - 1].precondition = Precondition(
                    kind: fields[0],
                    namespace: path[0],
                    name: path[1],
                    path: fields[2].split(separator: ".").map(String.init),
                    value: fields[3]
                )
            } else if body.hasPrefix("selections:"), !expectations.isEmpty {
                expectations[expectations.count - 1].selections = body.dropFirst("selections:".count)
                    .split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) }
            }
        }
        guard !expectations.isEmpty else { throw HeaderError(file: file, problem: "no `# Gate:` line") }
        return expectations
    }

    private static func gate(_ line: String, file: String) throws -> ScenarioExpectation {
        let parts = line.split(separator: "`", omittingEmptySubsequences: false)
        guard parts.count >= 3, parts[1].hasPrefix("rollout-status ") else {
            throw HeaderError(file: file, problem: "a Gate line without a `rollout-status …` command: \(line)")
        }
        let arguments = try words(String(parts[1].dropFirst("rollout-status ".count)), file: file)
        let after = parts[2...].joined(separator: "`")
        guard let exitRange = after.range(of: "exit "),
            let exitCode = Int32(after[exitRange.upperBound...].prefix(while: \.isNumber))
        else { throw HeaderError(file: file, problem: "a Gate line without `→ exit N`: \(line)") }
        var errorCodes: Set<String>?
        if let codeRange = after.range(of: "error.code: ") {
            let codes = after[codeRange.upperBound...].prefix { $0.isLetter || $0 == "-" || $0 == "|" }
            errorCodes = Set(codes.split(separator: "|").map(String.init))
        }
        return ScenarioExpectation(
            file: file,
            arguments: arguments,
            exitCode: exitCode,
            errorCodes: errorCodes,
            results: [],
            selections: nil,
            precondition: nil
        )
    }

    private static func result(_ text: String, file: String) throws -> Result {
        let all = text.split(separator: " ").map(String.init)
        let attributes = Dictionary(
            all.filter { $0.contains("=") }.map { field in
                let parts = field.split(separator: "=", maxSplits: 1).map(String.init)
                return (parts[0], parts.count > 1 ? parts[1] : "")
            }
        ) { first, _ in first }
        let fields = all.filter { !$0.contains("=") }
        let path = fields.first?.split(separator: "/").map(String.init) ?? []
        guard fields.count >= 2, path.count == 2 else {
            throw HeaderError(
                file: file,
                problem: "a result is `namespace/name verdict [code [reason|reason]] [revision=N]`: \(text)"
            )
        }
        return Result(
            namespace: path[0],
            name: path[1],
            verdict: fields[1],
            code: fields.count > 2 ? fields[2] : nil,
            reasons: fields.count > 3 ? Set(fields[3].split(separator: "|").map(String.init)) : nil,
            revision: attributes["revision"]
        )
    }

    /// Splits a command line on spaces, keeping single-quoted words whole (`-l 'app in (a, b)'`).
    private static func words(_ command: String, file: String) throws -> [String] {
        var words: [String] = []
        var current = ""
        var quoted = false
        var started = false
        for character in command {
            if character == "'" {
                quoted.toggle()
                started = true
            } else if character == " ", !quoted {
                if started { words.append(current) }
                current = ""
                started = false
            } else {
                current.append(character)
                started = true
            }
        }
        if quoted { throw HeaderError(file: file, problem: "an unclosed quote in `\(command)`") }
        if started { words.append(current) }
        return words
    }

    struct HeaderError: Error, CustomStringConvertible {
        var file: String
        var problem: String
        var description: String { "examples/scenarios/\(file): \(problem)" }
    }
}

/// At most `limit` bodies at once: the end-to-end cases each run a simulator and a process, and a
/// loaded two-core machine runs a few of them well, all of them badly.
actor ConcurrencyLimit {
    /// The one limit every end-to-end suite shares: they run in parallel with each other and with the
    /// rest of `swift test`, so a limit per suite would still start a dozen processes at once.
    static let endToEnd = ConcurrencyLimit(4)

    private var available: Int
    private var waiters: [CheckedContinuation<Void, Never>] = []

    init(_ limit: Int) {
        available = limit
    }

    func run<Value: Sendable>(_ body: @Sendable () async throws -> Value) async throws -> Value {
        await acquire()
        defer { release() }
        return try await body()
    }

    private func acquire() async {
        if available > 0 {
            available -= 1
            return
        }
        await withCheckedContinuation { waiters.append($0) }
    }

    private func release() {
        if waiters.isEmpty {
            available += 1
        } else {
            waiters.removeFirst().resume()
        }
    }
}

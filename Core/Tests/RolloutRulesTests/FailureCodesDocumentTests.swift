import Foundation
import RolloutRules
import Testing

/// `docs/failure-codes.md` is the contract of the rules: these tests keep it and the code in step.
@Suite struct FailureCodesDocumentTests {
    static func document() throws -> String {
        let url = URL(fileURLWithPath: #filePath)
            .deletingLastPathComponent()  // RolloutRulesTests
            .deletingLastPathComponent()  // Tests
            .deletingLastPathComponent()  // Core
            .deletingLastPathComponent()  // the repository
            .appendingPathComponent("docs/failure-codes.md")
        return try String(contentsOf: url, encoding: .utf8)
    }

    /// The table rows whose first cell starts with a backticked identifier: (identifier, backticked
    /// names of the last cell).
    static func rows(_ document: String) -> [(key: String, covered: [String])] {
        document.split(separator: "\n").compactMap { line in
            guard line.hasPrefix("| `") else { return nil }
            let cells = line.split(separator: "|", omittingEmptySubsequences: false).map {
                $0.trimmingCharacters(in: .whitespaces)
            }
            guard cells.count > 2, let key = backticked(cells[1]).first, let last = cells.dropLast().last else {
                return nil
            }
            return (key, backticked(last))
        }
    }

    static func backticked(_ text: String) -> [String] {
        text.split(separator: "`", omittingEmptySubsequences: false).enumerated().compactMap { index, part in
            index % 2 == 1 ? String(part) : nil
        }
    }

    @Test func everyRuleIdHasARowThatCitesTheCasesItFiresIn() throws {
        let rows = Self.rows(try Self.document())
        let cases = Dictionary(uniqueKeysWithValues: RuleCase.all.map { ($0.name, $0) })
        for rule in RolloutRule.allCases {
            guard let row = rows.first(where: { $0.key == rule.rawValue }) else {
                Issue.record("no row for \(rule.rawValue)")
                continue
            }
            #expect(!row.covered.isEmpty, "\(rule.rawValue) cites no test case")
            // The gate's own rules cite coordinator tests, which RolloutCoordinatorTests checks.
            if rule.isDecidedByTheGate { continue }
            for name in row.covered {
                guard let ruleCase = cases[name] else {
                    Issue.record("\(rule.rawValue) cites an unknown case: \(name)")
                    continue
                }
                #expect(try ruleCase.verdict().rule == rule, "case \"\(name)\" does not end in \(rule.rawValue)")
            }
        }
    }

    @Test func everyFailureCodeHasARow() throws {
        let keys = Set(Self.rows(try Self.document()).map(\.key))
        for code in RolloutFailureCode.allCases {
            #expect(keys.contains(code.rawValue), "no row for code \(code.rawValue)")
        }
    }

    @Test func everyThresholdHasARowWithItsFlagAndExistingCases() throws {
        let document = try Self.document()
        let rows = Dictionary(Self.rows(document).map { ($0.key, $0.covered) }) { first, _ in first }
        let names = Set(RuleCase.all.map(\.name))
        let thresholds = [
            "maxRestarts", "pendingDeadline", "imagePullGrace", "mountGrace", "ignoreSecretNotFound", "allowPaused",
            "requireOldPodsGone",
        ]
        for threshold in thresholds {
            let covered = try #require(rows[threshold], "no row for threshold \(threshold)")
            #expect(!covered.isEmpty)
            for name in covered { #expect(names.contains(name), "\(threshold) cites an unknown case: \(name)") }
        }
        let flags = [
            "--max-restarts", "-retry-limit", "--pending-deadline", "-pending-deadline", "--image-pull-grace",
            "--mount-grace", "--ignore-secret-not-found", "--allow-paused", "--require-old-pods-gone",
        ]
        for flag in flags { #expect(document.contains("`\(flag)"), "flag \(flag) is not documented") }
    }
}

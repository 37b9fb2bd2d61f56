import Foundation
import RolloutRules
import Testing

/// The rules the coordinator decides (not the evaluator) are documented in `docs/failure-codes.md` like
/// every other rule; their rows cite tests of `GateStateMachineTests`, which must exist and assert the rule.
@Suite struct GateRulesDocumentTests {
    static let repository = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()

    /// The backticked names in the last cell of the rules-table row of `rule`.
    static func citedTests(of rule: RolloutRule) throws -> [String] {
        let document = try String(
            contentsOf: repository.appendingPathComponent("docs/failure-codes.md"),
            encoding: .utf8
        )
        let row = try #require(
            document.split(separator: "\n").first { $0.hasPrefix("| `\(rule.rawValue)` |") },
            "no row for \(rule.rawValue)"
        )
        let cells = row.split(separator: "|", omittingEmptySubsequences: false)
        let last = try #require(cells.dropLast().last)
        return last.split(separator: "`", omittingEmptySubsequences: false).enumerated().compactMap {
            $0.offset % 2 == 1 ? String($0.element) : nil
        }
    }

    @Test(arguments: RolloutRule.allCases.filter(\.isDecidedByTheGate))
    func theRowCitesStateMachineTestsThatAssertTheRule(rule: RolloutRule) throws {
        let source = try String(
            contentsOf: Self.repository.appendingPathComponent(
                "Tests/RolloutCoordinatorTests/GateStateMachineTests.swift"
            ),
            encoding: .utf8
        )
        let cited = try Self.citedTests(of: rule)
        #expect(!cited.isEmpty, "\(rule.rawValue) cites no test")
        let enumCase = String(describing: rule)
        for name in cited {
            let declaration = try #require(source.range(of: "@Test(\"\(name)\")"), "no test named \"\(name)\"")
            // The test's body: up to the next test declaration.
            let rest = source[declaration.upperBound...]
            let body = rest.range(of: "@Test(").map { rest[..<$0.lowerBound] } ?? rest
            #expect(body.contains("RolloutRule.\(enumCase).rawValue"), "\"\(name)\" does not assert \(rule.rawValue)")
        }
    }
}

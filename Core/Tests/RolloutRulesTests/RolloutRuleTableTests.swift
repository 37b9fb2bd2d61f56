import Foundation
import KubeModel
import RolloutRules
import Testing

extension RuleCase {
    /// Every named case; `docs/failure-codes.md` cites these names.
    static let all: [RuleCase] = deployments + containers + thresholds + statefulSets + daemonSets + jobs
}

@Suite struct RolloutRuleTableTests {
    @Test(arguments: RuleCase.all)
    func verdictMatches(_ rule: RuleCase) throws {
        rule.expected.check(try rule.verdict())
    }

    @Test func theTableHasAtLeastSixtyUniquelyNamedCases() {
        let names = RuleCase.all.map(\.name)
        #expect(names.count >= 60)
        #expect(
            Set(names).count == names.count,
            "duplicate case names: \(names.filter { n in names.filter { $0 == n }.count > 1 })"
        )
    }

    /// Every rule of the chain is reached by at least one case, so none is dead or untested.
    @Test func everyRuleFiresInSomeCase() throws {
        var fired: Set<RolloutRule> = []
        for rule in RuleCase.all { fired.insert(try rule.verdict().rule) }
        let missing = RolloutRule.allCases.filter { !$0.isDecidedByTheGate && !fired.contains($0) }
        #expect(missing.isEmpty, "rules no case reaches: \(missing.map(\.rawValue))")
    }

    /// Every failure code a rule may return is returned by at least one case.
    @Test func everyFailureCodeOfTheRulesIsReturnedBySomeCase() throws {
        var returned: Set<RolloutFailureCode> = []
        for rule in RuleCase.all { if let failure = try rule.verdict().failure { returned.insert(failure.code) } }
        let promised = Set(RolloutRule.allCases.filter { !$0.isDecidedByTheGate }.flatMap(\.codes))
        #expect(promised.subtracting(returned).isEmpty, "codes never returned: \(promised.subtracting(returned))")
    }
}

import Foundation
import RolloutReport
import RolloutRules
import Testing

/// The Swift enums and `schema.json` must list the same values: a case added on one side only would
/// make valid reports fail validation, or let a script miss a code.
@Suite struct SchemaTests {
    static func schema() throws -> [String: Any] {
        let url = GoldenFile.repositoryRoot.appendingPathComponent("schema.json")
        let object = try JSONSerialization.jsonObject(with: Data(contentsOf: url))
        return try #require(object as? [String: Any])
    }

    static func enumValues(_ definition: String) throws -> Set<String> {
        let definitions = try #require(try schema()["$defs"] as? [String: Any])
        let entry = try #require(definitions[definition] as? [String: Any], "no $defs/\(definition)")
        return Set(try #require(entry["enum"] as? [String], "$defs/\(definition) has no enum"))
    }

    @Test func rolloutFailureCodesMatch() throws {
        #expect(try Self.enumValues("rolloutFailureCode") == Set(RolloutFailureCode.allCases.map(\.rawValue)))
    }

    @Test func programErrorCodesMatch() throws {
        #expect(try Self.enumValues("programErrorCode") == Set(ProgramErrorCode.allCases.map(\.rawValue)))
    }

    @Test func rulesMatch() throws {
        #expect(try Self.enumValues("rule") == Set(RolloutRule.allCases.map(\.rawValue)))
    }

    @Test func errorTypesMatch() throws {
        #expect(try Self.enumValues("errorType") == Set(ReportErrorType.allCases.map(\.rawValue)))
    }

    @Test func verdictsMatch() throws {
        #expect(try Self.enumValues("verdict") == Set(TargetVerdict.allCases.map(\.rawValue)))
    }

    @Test func selectionStatusesMatch() throws {
        #expect(try Self.enumValues("selectionStatus") == Set(SelectionStatus.allCases.map(\.rawValue)))
    }

    @Test func workloadKindsMatch() throws {
        #expect(try Self.enumValues("workloadKind") == Set(WorkloadKind.allCases.map(\.rawValue)))
    }

    @Test func interruptSignalsMatch() throws {
        #expect(try Self.enumValues("interruptSignal") == Set(InterruptSignal.allCases.map(\.rawValue)))
    }

    @Test func rolloutAndProgramCodesNeverOverlap() {
        let rollout = Set(RolloutFailureCode.allCases.map(\.rawValue))
        let program = Set(ProgramErrorCode.allCases.map(\.rawValue))
        #expect(rollout.isDisjoint(with: program))
    }

    @Test func schemaVersionMatches() throws {
        let properties = try #require(try Self.schema()["properties"] as? [String: Any])
        let version = try #require(properties["schemaVersion"] as? [String: Any])
        #expect(version["const"] as? Int == GateReport.currentSchemaVersion)
    }

    /// Every top-level key the encoder writes is declared, and every required key is written.
    @Test(arguments: ReportFixtures.all.map(\.name))
    func encodedTopLevelKeysAreDeclared(name: String) throws {
        let report = try #require(ReportFixtures.all.first { $0.name == name }).report
        let encoded = try #require(
            try JSONSerialization.jsonObject(with: ReportEncoder().encode(report)) as? [String: Any]
        )
        let schema = try Self.schema()
        let declared = Set(try #require(schema["properties"] as? [String: Any]).keys)
        let required = Set(try #require(schema["required"] as? [String]))
        #expect(Set(encoded.keys).isSubset(of: declared))
        #expect(required.isSubset(of: Set(encoded.keys)))
    }
}

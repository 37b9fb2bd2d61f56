import Foundation
import RolloutReport
import Testing

@Suite struct GoldenReportTests {
    static let names = ReportFixtures.all.map(\.name)

    static func report(_ name: String) throws -> GateReport {
        try #require(ReportFixtures.all.first { $0.name == name }).report
    }

    @Test(arguments: names)
    func jsonEncodingMatchesGolden(name: String) throws {
        let data = try ReportEncoder().encode(try Self.report(name))
        try GoldenFile.check(String(decoding: data, as: UTF8.self), against: "\(name).json")
    }

    @Test(arguments: names)
    func textRenderingMatchesGolden(name: String) throws {
        try GoldenFile.check(TextReportRenderer().render(try Self.report(name)), against: "\(name).txt")
    }

    @Test(arguments: names)
    func junitRenderingMatchesGolden(name: String) throws {
        try GoldenFile.check(JUnitReportRenderer().render(try Self.report(name)), against: "\(name).junit.xml")
    }

    @Test(arguments: names)
    func githubRenderingMatchesGolden(name: String) throws {
        let renderer = GitHubActionsRenderer()
        let report = try Self.report(name)
        try GoldenFile.check(
            renderer.annotations(report) + "---- summary ----\n" + renderer.summary(report),
            against: "\(name).github.txt"
        )
    }

    @Test(arguments: Array(ReportFixtures.samples).sorted())
    func sampleReportsInExamplesAreTheGoldenOnes(name: String) throws {
        let data = try ReportEncoder().encode(try Self.report(name))
        let examples = GoldenFile.repositoryRoot.appendingPathComponent("examples/reports")
        try GoldenFile.check(String(decoding: data, as: UTF8.self), against: "\(name).json", in: examples)
    }

    @Test(arguments: names)
    func encodingRoundTrips(name: String) throws {
        let report = try Self.report(name)
        let encoder = ReportEncoder()
        let decoded = try encoder.decode(try encoder.encode(report))
        #expect(decoded == report)
    }

    @Test func encodingIsDeterministicAcrossResultOrder() throws {
        let report = ReportFixtures.crashLoop
        let shuffled = GateReport(
            timing: ReportFixtures.timing(seconds: 9.412),
            results: report.results.reversed(),
            selections: report.selections.reversed(),
            conclusion: .completed(
                decisive: TargetReference(kind: .deployment, namespace: "shop", name: "api")
            )
        )
        #expect(try ReportEncoder().encode(shuffled) == ReportEncoder().encode(report))
    }
}

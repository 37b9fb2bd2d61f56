import Foundation
import RolloutReport
import Testing

@Suite struct ReportFileWriterTests {
    static func temporaryDirectory() throws -> URL {
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("report-writer-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
        return url
    }

    @Test func writeReplacesTheFileAndLeavesNoTemporaryBehind() throws {
        let directory = try Self.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let path = directory.appendingPathComponent("report.json").path
        try ReportFileWriter().write(Data("old".utf8), to: path)
        try ReportFileWriter().write(Data("new".utf8), to: path)
        #expect(try String(contentsOfFile: path, encoding: .utf8) == "new")
        #expect(try FileManager.default.contentsOfDirectory(atPath: directory.path) == ["report.json"])
    }

    @Test func appendAddsToTheEnd() throws {
        let directory = try Self.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let path = directory.appendingPathComponent("summary.md").path
        try ReportFileWriter().append(Data("a\n".utf8), to: path)
        try ReportFileWriter().append(Data("b\n".utf8), to: path)
        #expect(try String(contentsOfFile: path, encoding: .utf8) == "a\nb\n")
    }

    @Test func aMissingDirectoryIsAnErrorNamingThePath() throws {
        let path = "/nonexistent-\(UUID().uuidString)/report.json"
        let error = try #require(throws: ReportFileError.self) { try ReportFileWriter().write(Data(), to: path) }
        #expect(error.path == path)
        #expect(error.description.hasPrefix("Cannot write \(path): "))
    }
}

import Foundation
import TestSupport

/// Validates reports against `schema.json` with the repository's validator (`Scripts/validate-reports.py`,
/// a real JSON Schema implementation), so a test checks the same contract CI checks.
enum ReportSchema {
    /// The validator's complaints about `report`, empty when it is valid.
    ///
    /// The report is also kept in `ROLLOUT_STATUS_REPORT_DIR` when CI sets it, for the schema step there.
    static func problems(_ report: Data, label: String) async throws -> [String] {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("schema-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        let name = label.filter { $0.isLetter || $0.isNumber || $0 == "-" } + ".json"
        let file = directory.appendingPathComponent(name)
        try report.write(to: file)
        if let saved = ProcessInfo.processInfo.environment["ROLLOUT_STATUS_REPORT_DIR"], !saved.isEmpty {
            try FileManager.default.createDirectory(atPath: saved, withIntermediateDirectories: true)
            let copy = URL(fileURLWithPath: saved).appendingPathComponent("\(UUID().uuidString.prefix(8))-\(name)")
            try report.write(to: copy)
        }
        let validator = RepositoryFiles.root.appendingPathComponent("Scripts/validate-reports.py").path
        let result = try await GateProcess.run(
            ["python3", validator, file.path],
            environment: ProcessInfo.processInfo.environment,
            executable: URL(fileURLWithPath: "/usr/bin/env")
        )
        guard result.status == 0 else {
            let lines = result.stderrLines
            return lines.isEmpty ? ["the validator exited with \(result.status): \(result.stdoutText)"] : lines
        }
        return []
    }
}

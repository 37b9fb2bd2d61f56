import Foundation
import Testing

/// Compares text with a file under `Golden/`; `ROLLOUT_STATUS_RECORD=1` rewrites the file instead.
///
/// Recording is explicit and the diff is reviewed in the commit, so a changed report shape is
/// always a visible change.
enum GoldenFile {
    static let directory = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("Golden")
    static let repositoryRoot = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()

    static var recording: Bool { ProcessInfo.processInfo.environment["ROLLOUT_STATUS_RECORD"] == "1" }

    static func check(_ actual: String, against name: String, in directory: URL = directory) throws {
        let url = directory.appendingPathComponent(name)
        if recording {
            try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
            try Data(actual.utf8).write(to: url)
            return
        }
        let expected = try String(contentsOf: url, encoding: .utf8)
        #expect(
            actual == expected,
            "\(name) differs from its golden file; run with ROLLOUT_STATUS_RECORD=1 to re-record and review the diff"
        )
    }
}

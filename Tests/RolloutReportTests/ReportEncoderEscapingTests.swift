import Foundation
import KubeModel
import RolloutReport
import RolloutRules
import Testing

/// The JSON report escapes every character that can steer a terminal, not only those JSON requires.
///
/// The report is printed on stdout, which CI systems show as the job's log: besides the C0 controls
/// that JSON itself requires escaped, the encoder escapes every character that can steer a terminal or
/// reorder what a reader sees (DEL, the C1 controls with the one-byte CSI, the bidirectional overrides and
/// marks, the line and paragraph separators), so the raw report is as safe to print as the text one.
/// A JSON parser reads back exactly the text that came from the cluster.
@Suite struct ReportEncoderEscapingTests {
    static let dangerous: [Unicode.Scalar] = [
        "\u{7F}", "\u{80}", "\u{9B}", "\u{9D}", "\u{9F}", "\u{61C}", "\u{200E}", "\u{200F}", "\u{2028}", "\u{2029}",
        "\u{202A}", "\u{202B}", "\u{202C}", "\u{202D}", "\u{202E}", "\u{2066}", "\u{2067}", "\u{2068}", "\u{2069}",
    ]

    static func report(log: String, message: String) -> GateReport {
        GateReport(
            timing: GateTiming(
                startedAt: .init(Date(timeIntervalSince1970: 1_780_000_000)),
                finishedAt: .init(Date(timeIntervalSince1970: 1_780_000_002)),
                duration: .seconds(2)
            ),
            results: [
                TargetResult(
                    kind: .deployment,
                    namespace: "shop",
                    name: "web",
                    verdict: .failed,
                    failure: TargetFailure(
                        code: .processCrashing,
                        reason: "CrashLoopBackOff",
                        message: message,
                        rule: "container.crash-loop",
                        log: LogTail(container: "app", previous: true, log: log, maxLines: 50, maxBytes: 16_384)
                    )
                )
            ],
            conclusion: .completed(decisive: nil)
        )
    }

    @Test(arguments: dangerous)
    func escapedAndReadBack(scalar: Unicode.Scalar) throws {
        let text = "before \(Character(scalar)) after é ✓ 🚀"
        let report = Self.report(log: text + "\n", message: text)
        let data = try ReportEncoder().encode(report)
        let json = String(decoding: data, as: UTF8.self)
        #expect(!json.unicodeScalars.contains(scalar), "U+\(String(scalar.value, radix: 16)) printed raw")
        let hex = String(scalar.value, radix: 16)
        #expect(json.contains("\\u" + String(repeating: "0", count: 4 - hex.count) + hex))
        #expect(json.contains("é ✓ 🚀"), "harmless non-ASCII text stays readable")
        let decoded = try ReportEncoder().decode(data)
        #expect(decoded.results.first?.failure?.log?.text == text + "\n")
        #expect(decoded.results.first?.failure?.message == text)
        #expect(try JSONSerialization.jsonObject(with: data) is [String: Any])
    }
}

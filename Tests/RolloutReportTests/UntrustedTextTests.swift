import Foundation
import RolloutReport
import Testing

@Suite struct UntrustedTextTests {
    @Test func escapeSequencesBecomeVisible() {
        let text = UntrustedText.neutralised("a\u{1B}[2Jb\rc\u{07}d\u{9B}31m\u{202E}e\tf\ng")
        #expect(text == "a^[[2Jb\\u{D}c\\u{7}d\\u{9B}31m\\u{202E}e\tf\ng")
        #expect(!text.unicodeScalars.contains { $0.value == 0x1B || $0.value == 0x0D || $0.value == 0x9B })
    }

    @Test func printableTextIsUntouched() {
        let text = "Back-off restarting failed container — pod web-7f9 (ünïcödé, 日本語, emoji 🚀)"
        #expect(UntrustedText.neutralised(text) == text)
    }

    @Test func singleLineFoldsNewlines() {
        #expect(UntrustedText.singleLine("a\nb\r\nc\td") == "a b c d")
    }

    @Test func capKeepsShortTextWhole() {
        let capped = UntrustedText.cap("short", bytes: 10)
        #expect(capped == .init(text: "short", truncated: false))
    }

    @Test func capCutsAtACharacterBoundaryWithinTheLimit() {
        let capped = UntrustedText.cap(String(repeating: "é", count: 100), bytes: 11)
        #expect(capped.truncated)
        #expect(capped.text.utf8.count <= 11)
        #expect(capped.text.hasSuffix("…"))
        #expect(capped.text.hasPrefix("éééé"))
    }

    @Test func eventMessagesAreCappedOnConstruction() {
        let event = WarningEvent(
            reason: "X",
            message: String(repeating: "x", count: 100_000),
            count: 1,
            object: "Pod/p"
        )
        #expect(event.message.utf8.count <= UntrustedText.eventMessageLimit)
    }

    @Test func tailKeepsTheLastLines() {
        let log = (1...100).map { "line \($0)" }.joined(separator: "\n") + "\n"
        let tail = UntrustedText.tail(log, maxLines: 3, maxBytes: 10_000)
        #expect(tail.text == "line 98\nline 99\nline 100\n")
        #expect(tail.truncated)
    }

    @Test func tailOfAShortLogIsWholeAndNotTruncated() {
        let tail = UntrustedText.tail("one\ntwo\n", maxLines: 50, maxBytes: 1000)
        #expect(tail == .init(text: "one\ntwo\n", truncated: false))
    }

    @Test func tailRespectsTheByteCapAndStartsAtALine() {
        let log = (1...100).map { "line \($0)" }.joined(separator: "\n")
        let tail = UntrustedText.tail(log, maxLines: 1000, maxBytes: 20)
        #expect(tail.truncated)
        #expect(tail.text.utf8.count <= 20)
        #expect(tail.text.hasSuffix("line 100"))
        #expect(tail.text.hasPrefix("line "))
    }

    @Test func aSingleHugeLineIsCutToTheByteCap() {
        let tail = UntrustedText.tail(String(repeating: "ab", count: 1_000_000), maxLines: 50, maxBytes: 1000)
        #expect(tail.truncated)
        #expect(tail.text.utf8.count == 1000)
    }

    @Test func renderersNeverLetAnEscapeThrough() throws {
        let report = ReportFixtures.hostileLog
        let outputs = [
            TextReportRenderer().render(report),
            JUnitReportRenderer().render(report),
            GitHubActionsRenderer().annotations(report),
            GitHubActionsRenderer().summary(report),
        ]
        for output in outputs {
            #expect(!output.unicodeScalars.contains { $0.value == 0x1B || $0.value == 0x9B || $0.value == 0x202E })
            #expect(!output.contains("\r"))
        }
    }

    @Test func annotationsStayOnOneLinePerTarget() {
        let annotations = GitHubActionsRenderer().annotations(ReportFixtures.hostileLog)
        let lines = annotations.split(separator: "\n")
        #expect(lines.count == 1)
        #expect(lines.allSatisfy { $0.hasPrefix("::error ") })
    }

    @Test func theSummaryFenceIsLongerThanAnyBacktickRunInTheLog() {
        let summary = GitHubActionsRenderer().summary(ReportFixtures.hostileLog)
        #expect(summary.contains("````text\n"))
    }

    @Test func theJSONReportKeepsTheRawLogAsEscapedData() throws {
        let json = String(decoding: try ReportEncoder().encode(ReportFixtures.hostileLog), as: UTF8.self)
        #expect(json.contains("\\u001b[2J"))
        #expect(!json.unicodeScalars.contains { $0.value == 0x1B })
    }
}

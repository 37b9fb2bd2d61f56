import Foundation
import Testing

@testable import KubeModel

@Suite struct KubeTimeTests {
    @Test(arguments: [
        ("2024-05-01T10:00:00Z", 1_714_557_600.0),
        ("2024-05-01T10:00:00.5Z", 1_714_557_600.5),
        ("2024-05-01T10:00:00.123456Z", 1_714_557_600.123456),
        ("2024-05-01T12:00:00+02:00", 1_714_557_600.0),
        ("1970-01-01T00:00:00Z", 0.0),
        ("2000-02-29T23:59:59Z", 951_868_799.0),
    ])
    func parsesRFC3339(text: String, epoch: Double) throws {
        let time = try #require(KubeTime(rfc3339: text))
        #expect(abs(time.date.timeIntervalSince1970 - epoch) < 0.000_001)
    }

    @Test(arguments: ["", "2024-05-01", "2024-13-01T00:00:00Z", "2024-05-01T10:00:00", "2024-05-01T10:00:00.Z", "x"])
    func rejectsMalformedText(text: String) {
        #expect(KubeTime(rfc3339: text) == nil)
    }

    @Test func roundTripsThroughJSON() throws {
        let time = try #require(KubeTime(rfc3339: "2024-05-01T10:00:00Z"))
        let data = try JSONEncoder().encode([time])
        #expect(String(decoding: data, as: UTF8.self) == #"["2024-05-01T10:00:00Z"]"#)
        #expect(try JSONDecoder().decode([KubeTime].self, from: data) == [time])
    }
}

import Foundation

/// Encodes a report as the bytes the gate prints: deterministic, pretty, one trailing newline.
///
/// Sorted keys and the report's own sorting of results make the output byte-for-byte stable, which
/// the golden tests rely on and which keeps diffs between two runs meaningful.
public struct ReportEncoder: Sendable {
    /// Creates an encoder.
    public init() {}

    /// The report as pretty-printed JSON with sorted keys and a final newline.
    public func encode(_ report: GateReport) throws -> Data {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
        var data = try encoder.encode(report)
        data.append(UInt8(ascii: "\n"))
        return data
    }

    /// Decodes a report, as a script or a test reads one back.
    public func decode(_ data: Data) throws -> GateReport {
        try JSONDecoder().decode(GateReport.self, from: data)
    }
}

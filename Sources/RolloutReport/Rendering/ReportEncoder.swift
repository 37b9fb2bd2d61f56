import Foundation

/// Encodes a report as the bytes the gate prints: deterministic, indented, one trailing newline.
///
/// Sorted keys and the report's own sorting of results make the output byte-for-byte stable, which the
/// golden tests rely on and which keeps diffs between two runs meaningful. The layout is the one the
/// original tool printed (Go's `json.MarshalIndent` with two spaces: `"key": value`, `[]` when empty),
/// which Foundation's pretty printer does not produce on Linux.
public struct ReportEncoder: Sendable {
    /// Creates an encoder.
    public init() {}

    /// The report as indented JSON with sorted keys and a final newline.
    public func encode(_ report: GateReport) throws -> Data {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        var data = Self.indented(try encoder.encode(report))
        data.append(UInt8(ascii: "\n"))
        return data
    }

    /// Decodes a report, as a script or a test reads one back.
    public func decode(_ data: Data) throws -> GateReport {
        try JSONDecoder().decode(GateReport.self, from: data)
    }

    /// Re-indents compact JSON: a newline and two spaces per level after `{`, `[` and `,`; `: ` after keys.
    ///
    /// Works on the bytes: strings are copied untouched (their escapes included), so the text of logs
    /// and messages is exactly what the encoder wrote.
    static func indented(_ compact: Data) -> Data {
        let bytes = [UInt8](compact)
        var output = [UInt8]()
        output.reserveCapacity(bytes.count * 2)
        var depth = 0
        var inString = false
        var escaped = false
        func newline() {
            output.append(UInt8(ascii: "\n"))
            output.append(contentsOf: repeatElement(UInt8(ascii: " "), count: depth * 2))
        }
        var index = 0
        while index < bytes.count {
            let byte = bytes[index]
            if inString {
                output.append(byte)
                if escaped {
                    escaped = false
                } else if byte == UInt8(ascii: "\\") {
                    escaped = true
                } else if byte == UInt8(ascii: "\"") {
                    inString = false
                }
                index += 1
                continue
            }
            switch byte {
            case UInt8(ascii: "\""):
                inString = true
                output.append(byte)
            case UInt8(ascii: "{"), UInt8(ascii: "["):
                let closing = byte == UInt8(ascii: "{") ? UInt8(ascii: "}") : UInt8(ascii: "]")
                if index + 1 < bytes.count, bytes[index + 1] == closing {
                    output.append(byte)
                    output.append(closing)
                    index += 1
                } else {
                    output.append(byte)
                    depth += 1
                    newline()
                }
            case UInt8(ascii: "}"), UInt8(ascii: "]"):
                depth -= 1
                newline()
                output.append(byte)
            case UInt8(ascii: ","):
                output.append(byte)
                newline()
            case UInt8(ascii: ":"):
                output.append(byte)
                output.append(UInt8(ascii: " "))
            case UInt8(ascii: " "), UInt8(ascii: "\n"), UInt8(ascii: "\t"), UInt8(ascii: "\r"):
                break
            default:
                output.append(byte)
            }
            index += 1
        }
        return Data(output)
    }
}

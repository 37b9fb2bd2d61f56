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
    /// Works on the bytes: strings are copied as the encoder wrote them (their escapes included), except
    /// that characters which steer a terminal or reorder text are written as `\\uXXXX` escapes too (see
    /// `terminalControl(in:at:)`), so a JSON reader gets the same text back.
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
                if !escaped, let (scalar, length) = Self.terminalControl(in: bytes, at: index) {
                    output.append(contentsOf: Array("\\u".utf8))
                    let hex = String(scalar, radix: 16)
                    output.append(contentsOf: Array((String(repeating: "0", count: 4 - hex.count) + hex).utf8))
                    index += length
                    continue
                }
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

    /// The scalar and UTF-8 length of a character at `index` that JSON allows raw but a terminal or a log
    /// viewer acts on: DEL, the C1 controls (U+0080–U+009F, among them the one-byte CSI U+009B), the
    /// Arabic letter mark, the left-to-right and right-to-left marks, the line and paragraph separators,
    /// and the bidirectional embeddings, overrides and isolates (U+202A–U+202E, U+2066–U+2069).
    ///
    /// The report is printed on stdout, which CI systems show as the job's log; the encoder already
    /// escapes the C0 controls (ESC included) as JSON requires.
    static func terminalControl(in bytes: [UInt8], at index: Int) -> (scalar: UInt32, length: Int)? {
        let byte = bytes[index]
        let next = index + 1 < bytes.count ? bytes[index + 1] : 0
        let third = index + 2 < bytes.count ? bytes[index + 2] : 0
        switch byte {
        case 0x7F:
            return (0x7F, 1)
        case 0xC2 where (0x80...0x9F).contains(next):
            return (UInt32(next), 2)
        case 0xD8 where next == 0x9C:
            return (0x061C, 2)
        case 0xE2 where next == 0x80 && ((0x8E...0x8F).contains(third) || (0xA8...0xAE).contains(third)):
            return (0x2000 + UInt32(third - 0x80), 3)
        case 0xE2 where next == 0x81 && (0xA6...0xA9).contains(third):
            return (0x2040 + UInt32(third - 0x80), 3)
        default:
            return nil
        }
    }
}

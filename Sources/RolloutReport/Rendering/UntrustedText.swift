/// Caps and neutralises text that comes from the cluster: container logs and Event messages.
///
/// A crashing container can print anything: megabytes of output, or ANSI escape sequences that
/// clear the console or rewrite earlier lines of a CI log. The JSON report keeps the text as data
/// (JSON escapes control characters) but bounds its size; text meant for a terminal or a CI log is
/// also passed through `neutralised(_:)`.
public enum UntrustedText {
    /// The largest Event message kept, in bytes (UTF-8).
    public static let eventMessageLimit = 1024

    /// The result of capping: the kept text and whether anything was cut.
    public struct Capped: Sendable, Hashable {
        /// The kept text.
        public var text: String
        /// Whether bytes or lines were dropped.
        public var truncated: Bool

        /// Creates a result.
        public init(text: String, truncated: Bool) {
            self.text = text
            self.truncated = truncated
        }
    }

    /// Keeps the first `bytes` bytes of `text`, cut at a character boundary, marking the cut with `…`.
    public static func cap(_ text: String, bytes: Int) -> Capped {
        guard text.utf8.count > bytes else { return Capped(text: text, truncated: false) }
        var kept = ""
        var used = 0
        for character in text {
            let size = character.utf8.count
            if used + size > max(0, bytes - 3) { break }
            kept.append(character)
            used += size
        }
        return Capped(text: kept + "…", truncated: true)
    }

    /// Keeps the last `maxLines` lines and at most the last `maxBytes` bytes of a log.
    ///
    /// A byte cut lands on a line start when one is near, so the tail does not begin mid-line, and
    /// always on a character boundary, so the text stays valid UTF-8.
    public static func tail(_ log: String, maxLines: Int, maxBytes: Int) -> Capped {
        var truncated = false
        var lines = log.split(separator: "\n", omittingEmptySubsequences: false)
        if lines.last == "" { lines.removeLast() }
        if lines.count > maxLines {
            lines = Array(lines.suffix(max(0, maxLines)))
            truncated = true
        }
        var text = lines.joined(separator: "\n")
        if !text.isEmpty, log.hasSuffix("\n") { text += "\n" }
        if text.utf8.count > maxBytes {
            truncated = true
            text = suffix(text, bytes: max(0, maxBytes))
        }
        return Capped(text: text, truncated: truncated)
    }

    /// The last characters of `text` that fit in `bytes`, starting at a line if one starts in the kept part.
    private static func suffix(_ text: String, bytes: Int) -> String {
        var kept: [Character] = []
        var used = 0
        for character in text.reversed() {
            let size = character.utf8.count
            if used + size > bytes { break }
            kept.append(character)
            used += size
        }
        let tail = String(kept.reversed())
        if let newline = tail.firstIndex(of: "\n"), tail.index(after: newline) < tail.endIndex {
            return String(tail[tail.index(after: newline)...])
        }
        return tail
    }

    /// Replaces every character that could steer a terminal with a visible stand-in.
    ///
    /// C0 controls but tab and newline (so ESC, which starts every ANSI sequence, and carriage return,
    /// which lets a line overwrite itself), DEL, the C1 controls (U+0080–U+009F, including the one-byte
    /// CSI), and the bidirectional overrides that make text display in another order than it reads.
    /// ESC becomes `^[`, the others `\u{XXXX}`, so a reader still sees that something was there.
    public static func neutralised(_ text: String) -> String {
        var result = ""
        result.unicodeScalars.reserveCapacity(text.unicodeScalars.count)
        for scalar in text.unicodeScalars {
            if isSafe(scalar) {
                result.unicodeScalars.append(scalar)
            } else if scalar == "\u{1B}" {
                result += "^["
            } else {
                result += "\\u{" + String(scalar.value, radix: 16, uppercase: true) + "}"
            }
        }
        return result
    }

    /// One line for a terminal: line breaks and tabs as spaces, then neutralised.
    public static func singleLine(_ text: String) -> String {
        var folded = ""
        folded.unicodeScalars.reserveCapacity(text.unicodeScalars.count)
        var previousWasCarriageReturn = false
        for scalar in text.unicodeScalars {
            switch scalar {
            case "\n" where previousWasCarriageReturn: break
            case "\r", "\n", "\t": folded.unicodeScalars.append(" ")
            default: folded.unicodeScalars.append(scalar)
            }
            previousWasCarriageReturn = scalar == "\r"
        }
        return neutralised(folded)
    }

    private static func isSafe(_ scalar: Unicode.Scalar) -> Bool {
        switch scalar.value {
        case 0x09, 0x0A: true
        case 0x00...0x1F, 0x7F...0x9F: false
        case 0x202A...0x202E, 0x2066...0x2069, 0x200E, 0x200F, 0x061C: false
        default: true
        }
    }
}

/// The last lines of a failing container's log, or why they could not be fetched.
///
/// A log fetch that fails is noted here and never replaces the verdict: the rollout failed either way.
public struct LogTail: Sendable, Hashable, Codable {
    /// What the fetch gave.
    public enum Content: Sendable, Hashable {
        /// The tail, and whether older lines or bytes were cut.
        case text(String, truncated: Bool)
        /// The fetch failed; the sentence says why.
        case unavailable(String)
    }

    /// The container whose log this is.
    public var container: String
    /// Whether this is the previous instance's log (`?previous=true`), as after a crash and restart.
    public var previous: Bool
    /// The text or the fetch error.
    public var content: Content

    /// Creates a log tail from already capped content.
    public init(container: String, previous: Bool, content: Content) {
        self.container = container
        self.previous = previous
        self.content = content
    }

    /// Keeps the last `maxLines` lines and at most `maxBytes` bytes of a fetched log.
    ///
    /// The API server's `tailLines`/`limitBytes` already bound the download; this bounds the report
    /// again, because the text is untrusted and a server may ignore the limits.
    public init(container: String, previous: Bool, log: String, maxLines: Int, maxBytes: Int) {
        let capped = UntrustedText.tail(log, maxLines: maxLines, maxBytes: maxBytes)
        self.init(container: container, previous: previous, content: .text(capped.text, truncated: capped.truncated))
    }

    /// The text, when the fetch succeeded.
    public var text: String? {
        if case .text(let text, _) = content { return text }
        return nil
    }

    private enum CodingKeys: String, CodingKey {
        case container, previous, text, truncated, error
    }

    /// Decodes either `text` + `truncated` or `error`.
    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        self.container = try container.decode(String.self, forKey: .container)
        previous = try container.decode(Bool.self, forKey: .previous)
        if let error = try container.decodeIfPresent(String.self, forKey: .error) {
            content = .unavailable(error)
        } else {
            content = .text(
                try container.decode(String.self, forKey: .text),
                truncated: try container.decode(Bool.self, forKey: .truncated)
            )
        }
    }

    /// Encodes either `text` + `truncated` or `error`.
    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(self.container, forKey: .container)
        try container.encode(previous, forKey: .previous)
        switch content {
        case .text(let text, let truncated):
            try container.encode(text, forKey: .text)
            try container.encode(truncated, forKey: .truncated)
        case .unavailable(let error):
            try container.encode(error, forKey: .error)
        }
    }
}

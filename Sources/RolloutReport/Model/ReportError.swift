/// The decisive error at the top of a report: `{code, message, type, log?}` as the original tool writes it.
///
/// Scripts written for SocialGouv/rollout-status read exactly these four fields, so nothing else is
/// added here; the per-target details live in `results`.
public struct ReportError: Sendable, Hashable, Codable, CustomStringConvertible {
    /// The stable code scripts switch on.
    public var code: ReportErrorCode
    /// One plain sentence for people.
    public var message: String
    /// The log tail of the failing container, when one was fetched.
    public var log: String?

    /// Creates an error; the type follows from the code.
    public init(code: ReportErrorCode, message: String, log: String? = nil) {
        self.code = code
        self.message = message
        self.log = log
    }

    /// Creates a program error.
    public init(program code: ProgramErrorCode, message: String) {
        self.init(code: .program(code), message: message)
    }

    /// `rollout` or `program`, derived from the code.
    public var type: ReportErrorType { code.type }

    /// The message, as one line.
    public var description: String { message }

    private enum CodingKeys: String, CodingKey {
        case code, message, type, log
    }

    /// Decodes the four fields and checks that `type` agrees with `code`.
    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        code = try container.decode(ReportErrorCode.self, forKey: .code)
        message = try container.decode(String.self, forKey: .message)
        log = try container.decodeIfPresent(String.self, forKey: .log)
        let type = try container.decode(ReportErrorType.self, forKey: .type)
        guard type == code.type else {
            throw DecodingError.dataCorruptedError(
                forKey: .type,
                in: container,
                debugDescription: "error type \"\(type.rawValue)\" does not match code \"\(code.rawValue)\""
            )
        }
    }

    /// Encodes the four fields; `log` only when present.
    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(code, forKey: .code)
        try container.encode(message, forKey: .message)
        try container.encode(type, forKey: .type)
        try container.encodeIfPresent(log, forKey: .log)
    }
}

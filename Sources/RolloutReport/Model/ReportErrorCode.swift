import RolloutRules

/// The `error.code` of a report: a rollout failure or a program error, never both.
///
/// Keeping the two vocabularies in one enum with a payload makes `error.type` derivable from the code,
/// so a report can never say `type: "rollout"` with a program code.
public enum ReportErrorCode: Sendable, Hashable, Codable, CustomStringConvertible {
    /// A rollout certainly failed, or the deadline passed (`timeout`).
    case rollout(RolloutFailureCode)
    /// The gate could not decide.
    case program(ProgramErrorCode)

    /// The wire value, such as `process-crashing` or `invalid-input`.
    public var rawValue: String {
        switch self {
        case .rollout(let code): code.rawValue
        case .program(let code): code.rawValue
        }
    }

    /// The `error.type` this code belongs to.
    public var type: ReportErrorType {
        switch self {
        case .rollout: .rollout
        case .program: .program
        }
    }

    /// The wire value.
    public var description: String { rawValue }

    /// Reads a wire value, trying rollout codes first (the two sets are disjoint).
    public init?(rawValue: String) {
        if let code = RolloutFailureCode(rawValue: rawValue) {
            self = .rollout(code)
        } else if let code = ProgramErrorCode(rawValue: rawValue) {
            self = .program(code)
        } else {
            return nil
        }
    }

    /// Decodes a wire value, naming an unknown one.
    public init(from decoder: any Decoder) throws {
        let text = try decoder.singleValueContainer().decode(String.self)
        guard let code = ReportErrorCode(rawValue: text) else {
            throw DecodingError.dataCorrupted(
                .init(codingPath: decoder.codingPath, debugDescription: "unknown error code \"\(text)\"")
            )
        }
        self = code
    }

    /// Encodes the wire value.
    public func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        try container.encode(rawValue)
    }
}

/// The `error.type` of a report, as in SocialGouv/rollout-status.
public enum ReportErrorType: String, Codable, Sendable, CaseIterable {
    /// A workload's rollout failed or did not finish in time.
    case rollout
    /// The gate itself failed: input, configuration, API access, interruption or a bug.
    case program
}

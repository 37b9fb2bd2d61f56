/// A field that is either an integer or a string, such as `maxSurge: 1` or `maxUnavailable: "25%"`.
///
/// Kubernetes' `intstr.IntOrString`: the JSON value is a bare number or a string, never an object.
public enum IntOrString: Codable, Sendable, Hashable, CustomStringConvertible {
    /// An absolute number.
    case int(Int)
    /// A string, usually a percentage such as `"25%"`.
    case string(String)

    /// Decodes a number or a string.
    public init(from decoder: any Decoder) throws {
        let container = try decoder.singleValueContainer()
        if let number = try? container.decode(Int.self) {
            self = .int(number)
        } else {
            self = .string(try container.decode(String.self))
        }
    }

    /// Encodes the number or the string as it was.
    public func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        switch self {
        case .int(let number): try container.encode(number)
        case .string(let text): try container.encode(text)
        }
    }

    /// The value as kubectl prints it: `1` or `25%`.
    public var description: String {
        switch self {
        case .int(let number): String(number)
        case .string(let text): text
        }
    }
}

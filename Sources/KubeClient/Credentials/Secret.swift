/// A credential value (token, password, key material, plugin output) that never prints.
///
/// Wrapping secrets in their own type makes a leak a type error rather than a review finding: string
/// interpolation, `print`, `dump` and error descriptions all see `<redacted>`. The value is read only
/// where it goes on the wire, through ``exposedValue``.
public struct Secret: Sendable, Hashable, Decodable, CustomStringConvertible, CustomDebugStringConvertible,
    CustomReflectable
{
    /// The secret itself; read it only to put it on the wire.
    public let exposedValue: String

    /// Wraps a secret.
    public init(_ value: String) {
        exposedValue = value
    }

    /// Decodes a secret from a plain string field.
    public init(from decoder: any Decoder) throws {
        exposedValue = try decoder.singleValueContainer().decode(String.self)
    }

    /// Always `<redacted>`.
    public var description: String { "<redacted>" }
    /// Always `<redacted>`.
    public var debugDescription: String { "<redacted>" }
    /// A mirror with no children, so `dump` shows nothing of the value.
    public var customMirror: Mirror { Mirror(self, children: [], displayStyle: .struct) }

    /// Whether the secret is empty (an unset field).
    public var isEmpty: Bool { exposedValue.isEmpty }
}

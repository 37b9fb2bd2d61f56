/// The `type` of a workload's rollout strategy: `RollingUpdate`, `Recreate` or `OnDelete`.
///
/// An open set, as Kubernetes string enums are: a value this model does not know decodes as itself
/// instead of failing the whole object, and the rules treat it as unsupported.
public struct UpdateStrategyType: RawRepresentable, Codable, Sendable, Hashable, CustomStringConvertible {
    /// The text on the wire.
    public var rawValue: String

    /// Wraps a strategy name.
    public init(rawValue: String) {
        self.rawValue = rawValue
    }

    /// Replace pods a few at a time (Deployments, StatefulSets, DaemonSets); the API's default.
    public static let rollingUpdate = UpdateStrategyType(rawValue: "RollingUpdate")
    /// Delete every old pod before creating new ones (Deployments only).
    public static let recreate = UpdateStrategyType(rawValue: "Recreate")
    /// Replace a pod only when someone deletes it (StatefulSets and DaemonSets): no rollout to wait for.
    public static let onDelete = UpdateStrategyType(rawValue: "OnDelete")

    /// Decodes the bare string.
    public init(from decoder: any Decoder) throws {
        rawValue = try decoder.singleValueContainer().decode(String.self)
    }

    /// Encodes the bare string.
    public func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        try container.encode(rawValue)
    }

    /// The strategy name.
    public var description: String { rawValue }
}

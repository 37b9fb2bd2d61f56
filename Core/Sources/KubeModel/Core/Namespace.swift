/// A core/v1 Namespace: the gate lists them for `-A` and checks that named ones exist.
public struct Namespace: KubeObject, Hashable {
    /// `v1` `namespaces`, cluster-scoped.
    public static let resource = APIResource(
        group: "",
        version: "v1",
        plural: "namespaces",
        kind: "Namespace",
        isNamespaced: false
    )

    /// The namespace's metadata.
    public var metadata: ObjectMeta
    /// Its status.
    public var status: Status

    /// `status` of a Namespace.
    public struct Status: Codable, Sendable, Hashable {
        /// `Active`, or `Terminating` once it is being deleted (nothing new can be created in it).
        public var phase: String?

        /// Creates a status.
        public init(phase: String? = nil) {
            self.phase = phase
        }
    }

    /// Creates a namespace.
    public init(metadata: ObjectMeta, status: Status = Status()) {
        self.metadata = metadata
        self.status = status
    }

    private enum CodingKeys: String, CodingKey { case metadata, status }

    /// Decodes a namespace; a missing status reads as empty.
    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        metadata = try container.value(.metadata, or: ObjectMeta(name: ""))
        status = try container.value(.status, or: Status())
    }
}

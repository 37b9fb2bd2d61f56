/// A list response (`DeploymentList`, `PodList`, …): the items plus the list's metadata.
public struct ObjectList<Item: Decodable & Sendable>: Decodable, Sendable {
    /// The list's metadata: the resourceVersion to watch from, and the paging token.
    public var metadata: ListMeta
    /// The objects; `null` on the wire decodes as empty.
    public var items: [Item]

    /// Creates a list.
    public init(metadata: ListMeta = ListMeta(), items: [Item]) {
        self.metadata = metadata
        self.items = items
    }

    private enum CodingKeys: String, CodingKey { case metadata, items }

    /// Decodes a list; missing metadata or `items: null` are accepted, as the API server may send them.
    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        metadata = try container.decodeIfPresent(ListMeta.self, forKey: .metadata) ?? ListMeta()
        items = try container.decodeIfPresent([Item].self, forKey: .items) ?? []
    }
}

/// `metadata` of a list response.
public struct ListMeta: Codable, Sendable, Hashable {
    /// The collection's resourceVersion at the time of the list; a watch started from it misses nothing.
    public var resourceVersion: String?
    /// The token for the next page when the list was limited; absent or empty on the last page.
    public var `continue`: String?
    /// How many items remain after this page, when the server knows.
    public var remainingItemCount: Int64?

    /// Creates list metadata.
    public init(resourceVersion: String? = nil, continue: String? = nil, remainingItemCount: Int64? = nil) {
        self.resourceVersion = resourceVersion
        self.continue = `continue`
        self.remainingItemCount = remainingItemCount
    }
}

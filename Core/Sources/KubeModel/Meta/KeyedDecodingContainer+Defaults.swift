extension KeyedDecodingContainer {
    /// The value under `key`, or `fallback` when the key is missing or `null`.
    ///
    /// The API server omits zero counts and empty lists (`omitempty`), so a missing `availableReplicas`
    /// means 0 and a `null` list means empty: decoding them as failures would reject real objects.
    func value<Value: Decodable>(_ key: Key, or fallback: @autoclosure () -> Value) throws -> Value {
        try decodeIfPresent(Value.self, forKey: key) ?? fallback()
    }
}

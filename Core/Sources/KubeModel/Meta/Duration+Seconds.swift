extension Duration {
    /// The duration in seconds, with its fraction: what `Date` arithmetic (`TimeInterval`) and printed
    /// figures want.
    public var seconds: Double {
        let (seconds, attoseconds) = components
        return Double(seconds) + Double(attoseconds) / 1e18
    }
}

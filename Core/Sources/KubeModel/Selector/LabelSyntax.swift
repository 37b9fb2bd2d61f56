/// The syntax Kubernetes requires of label keys and values (`IsQualifiedName`, `IsValidLabelValue`).
///
/// Validating locally turns a typo in `-l` into a precise usage error before any request is sent.
enum LabelSyntax {
    /// What is wrong with a label key, or `nil` when it is valid.
    ///
    /// A key is an optional DNS-subdomain prefix (at most 253 characters, lowercase) and `/`, then a name
    /// of at most 63 characters: alphanumerics, `-`, `_`, `.`, beginning and ending with an alphanumeric.
    static func problem(withKey key: String) -> String? {
        let parts = key.split(separator: "/", omittingEmptySubsequences: false)
        let name: Substring
        switch parts.count {
        case 1:
            name = parts[0]
        case 2:
            let prefix = parts[0]
            name = parts[1]
            if prefix.isEmpty { return "the prefix before '/' must not be empty" }
            if let problem = problem(withSubdomain: prefix) { return "prefix \"\(prefix)\" \(problem)" }
        default:
            return "a key is a name with an optional DNS-subdomain prefix and one '/', such as example.com/my-name"
        }
        if name.isEmpty { return "the name part must not be empty" }
        if name.utf8.count > 63 { return "the name part must be at most 63 characters" }
        if !isAlphanumericRun(name) {
            return
                "the name part must consist of alphanumerics, '-', '_' or '.', and begin and end with an alphanumeric"
        }
        return nil
    }

    /// What is wrong with a label value, or `nil` when it is valid (the empty value is valid).
    static func problem(withValue value: String) -> String? {
        if value.isEmpty { return nil }
        if value.utf8.count > 63 { return "a label value must be at most 63 characters" }
        if !isAlphanumericRun(value[...]) {
            return
                "a label value must consist of alphanumerics, '-', '_' or '.', and begin and end with an alphanumeric"
        }
        return nil
    }

    /// `([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]` on a non-empty text.
    private static func isAlphanumericRun(_ text: Substring) -> Bool {
        let bytes = Array(text.utf8)
        guard let first = bytes.first, let last = bytes.last, isAlphanumeric(first), isAlphanumeric(last) else {
            return false
        }
        return bytes.allSatisfy {
            isAlphanumeric($0) || $0 == UInt8(ascii: "-") || $0 == UInt8(ascii: "_") || $0 == UInt8(ascii: ".")
        }
    }

    /// A DNS-1123 subdomain: at most 253 characters, dot-separated lowercase labels of `[a-z0-9-]`, each
    /// beginning and ending with an alphanumeric.
    private static func problem(withSubdomain text: Substring) -> String? {
        if text.utf8.count > 253 { return "must be at most 253 characters" }
        for label in text.split(separator: ".", omittingEmptySubsequences: false) {
            let bytes = Array(label.utf8)
            guard let first = bytes.first, let last = bytes.last, isLowerAlphanumeric(first), isLowerAlphanumeric(last),
                bytes.allSatisfy({ isLowerAlphanumeric($0) || $0 == UInt8(ascii: "-") })
            else {
                return "must be a lowercase DNS subdomain, such as example.com"
            }
        }
        return nil
    }

    private static func isAlphanumeric(_ byte: UInt8) -> Bool {
        isLowerAlphanumeric(byte) || (byte >= UInt8(ascii: "A") && byte <= UInt8(ascii: "Z"))
    }

    private static func isLowerAlphanumeric(_ byte: UInt8) -> Bool {
        (byte >= UInt8(ascii: "a") && byte <= UInt8(ascii: "z"))
            || (byte >= UInt8(ascii: "0") && byte <= UInt8(ascii: "9"))
    }
}

import KubeModel

/// Checks a `-l` label selector before any request is sent: the one place the command line does it.
///
/// It delegates to `LabelSelector(parsing:)`, the parser the coordinator uses to re-resolve targets, so
/// the command line can never accept a selector the gate later rejects, or the other way round.
public enum SelectorSyntax {
    /// Returns the selector unchanged when it is valid, or throws a one-line reason quoting the bad part.
    public static func validate(_ selector: String) throws(LabelSelectorError) -> String {
        do {
            _ = try LabelSelector(parsing: selector)
        } catch let error as LabelSelectorError {
            throw error
        } catch {
            throw LabelSelectorError(selector: selector, problem: "\(error)")
        }
        return selector
    }
}

/// Kubernetes names of namespaces: DNS-1123 labels.
enum NamespaceName {
    /// Whether `text` is a valid namespace name: lower-case letters, digits and `-`, at most 63, alphanumeric
    /// at both ends.
    static func isValid(_ text: String) -> Bool {
        let scalars = Array(text.unicodeScalars)
        guard (1...63).contains(scalars.count), let first = scalars.first, let last = scalars.last else { return false }
        func lowerAlphanumeric(_ scalar: Unicode.Scalar) -> Bool {
            ("a"..."z").contains(scalar) || ("0"..."9").contains(scalar)
        }
        return lowerAlphanumeric(first) && lowerAlphanumeric(last)
            && scalars.allSatisfy { lowerAlphanumeric($0) || $0 == "-" }
    }
}

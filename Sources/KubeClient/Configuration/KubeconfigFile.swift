import Foundation
import Yams

/// Parses kubeconfig text into a ``Kubeconfig``, turning YAML and shape errors into one-line problems that
/// name the file, the line and the field.
enum KubeconfigFile {
    /// Parses a file's bytes.
    ///
    /// An empty file (or one with only comments) is an empty configuration, as in kubectl.
    static func parse(_ data: Data, path: String) throws(KubeClientError) -> Kubeconfig {
        guard let text = String(data: data, encoding: .utf8) else {
            throw .invalidConfiguration(.init(source: path, problem: "is not UTF-8 text"))
        }
        let node: Node?
        do {
            node = try Yams.compose(yaml: text)
        } catch let error as YamlError {
            throw .invalidConfiguration(.init(source: path, problem: describe(error)))
        } catch {
            throw .invalidConfiguration(.init(source: path, problem: "is not valid YAML"))
        }
        guard let node else { return Kubeconfig() }
        if case .scalar(let scalar) = node, ["", "~", "null", "Null", "NULL"].contains(scalar.string) {
            return Kubeconfig()
        }
        do {
            return try YAMLDecoder().decode(Kubeconfig.self, from: node)
        } catch let error as DecodingError {
            throw .invalidConfiguration(describe(error, in: node, path: path))
        } catch {
            throw .invalidConfiguration(.init(source: path, problem: "does not have the shape of a kubeconfig"))
        }
    }

    /// `line 7: could not find expected ':'` (Yams counts lines from 1).
    private static func describe(_ error: YamlError) -> String {
        switch error {
        case .scanner(let context, let problem, let mark, _),
            .parser(let context, let problem, let mark, _),
            .composer(let context, let problem, let mark, _):
            let while_ = context.map { " \($0.text)" } ?? ""
            return "YAML syntax error at line \(mark.line), column \(mark.column): \(problem)\(while_)"
        case .duplicatedKeysInMapping(let duplicates, let context):
            return "YAML error at line \(context.mark.line): duplicated keys \(duplicates.joined(separator: ", "))"
        default:
            return "is not valid YAML"
        }
    }

    /// Names the field by its path and, when the node can be found, its line.
    ///
    /// Values are never quoted: a misplaced token must not end up in an error message.
    private static func describe(_ error: DecodingError, in root: Node, path: String) -> ConfigurationProblem {
        let (codingPath, problem): ([any CodingKey], String) =
            switch error {
            case .typeMismatch(let type, let context):
                (context.codingPath, "expected \(typeName(type))")
            case .valueNotFound(let type, let context):
                (context.codingPath, "expected \(typeName(type)), found nothing")
            case .keyNotFound(let key, let context):
                (context.codingPath, "the required field \"\(key.stringValue)\" is missing")
            case .dataCorrupted(let context):
                (context.codingPath, "has an invalid value")
            @unknown default:
                ([], "does not have the shape of a kubeconfig")
            }
        var field = ""
        for key in codingPath {
            if let index = key.intValue {
                field += "[\(index)]"
            } else {
                field += field.isEmpty ? key.stringValue : ".\(key.stringValue)"
            }
        }
        var source = path
        if let line = line(of: codingPath, in: root) { source += ":\(line)" }
        return ConfigurationProblem(source: source, field: field.isEmpty ? nil : field, problem: problem)
    }

    private static func typeName(_ type: Any.Type) -> String {
        // Yams reports a scalar expected where a list or mapping was found as a mismatch on `Node.Scalar`.
        let name = String(describing: type)
        if name.contains("String") || name.contains("Secret") || name.contains("Scalar") { return "a single value" }
        if name.contains("Bool") { return "true or false" }
        if name.contains("Int") || name.contains("Double") { return "a number" }
        if name.contains("Array") || name.contains("Sequence") { return "a list" }
        return "a mapping"
    }

    /// The line of the node a coding path leads to, following it as far as the document allows.
    private static func line(of codingPath: [any CodingKey], in root: Node) -> Int? {
        var node = root
        for key in codingPath {
            if let index = key.intValue, let sequence = node.sequence, index < sequence.count {
                node = sequence[index]
            } else if let mapping = node.mapping, let next = mapping[key.stringValue] {
                node = next
            } else {
                break
            }
        }
        return node.mark?.line
    }
}

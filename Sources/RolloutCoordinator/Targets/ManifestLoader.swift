import Foundation
import RolloutReport
import Yams

/// Reads `-f` inputs (files, directories, standard input) into the workloads to wait for.
///
/// It reads manifests as Helm renders them: multi-document YAML with comments, comment-only and empty
/// documents, runs of `---`, `...` end markers; JSON; and `kind: List` with `items`. Only the identity of
/// each object is read (apiVersion, kind, name, namespace), so unknown fields cost nothing.
/// Inputs are bounded: a file larger than `maxInputBytes` is refused before it is read, binary data is
/// refused with one line, and directory symlink loops are detected.
public struct ManifestLoader: Sendable {
    /// The kinds that become targets; other workloads are skipped (default: Deployments).
    public var kinds: Set<WorkloadKind>
    /// The largest single input read, in bytes (default 16 MiB; a rendered chart is far smaller).
    public var maxInputBytes: Int
    /// Reads standard input for `-`; injected so tests need no real stdin.
    public var standardInput: @Sendable () throws -> Data

    /// The default cap on one input.
    public static let defaultMaxInputBytes = 16 << 20

    /// Creates a loader.
    public init(
        kinds: Set<WorkloadKind> = [.deployment],
        maxInputBytes: Int = ManifestLoader.defaultMaxInputBytes,
        standardInput: @escaping @Sendable () throws -> Data = { FileHandle.standardInput.readDataToEndOfFile() }
    ) {
        self.kinds = kinds
        self.maxInputBytes = maxInputBytes
        self.standardInput = standardInput
    }

    /// Loads every input in order; directories list `.yaml`, `.yml` and `.json` files (recursively with
    /// `recursive`), sorted by name, as kubectl does.
    public func load(paths: [String], recursive: Bool) throws(ManifestError) -> ManifestSet {
        var result = ManifestSet()
        var seen = Set<ManifestIdentity>()
        var readStandardInput = false
        for path in paths {
            let files: [String]
            if path == "-" {
                guard !readStandardInput else {
                    throw ManifestError(path: "-", problem: "standard input can be read only once")
                }
                readStandardInput = true
                files = ["-"]
            } else {
                files = try ManifestLoader.expand(path, recursive: recursive)
            }
            for file in files {
                let text = try read(file)
                for object in try ManifestLoader.objects(in: text, path: file) {
                    try add(object, to: &result, seen: &seen)
                }
            }
        }
        return result
    }

    /// Parses one input's text, as `load` does for a file; for tests and for callers with text in hand.
    public func parse(_ text: String, path: String) throws(ManifestError) -> ManifestSet {
        var result = ManifestSet()
        var seen = Set<ManifestIdentity>()
        for object in try ManifestLoader.objects(in: text, path: path) {
            try add(object, to: &result, seen: &seen)
        }
        return result
    }

    private func add(
        _ object: ManifestObject,
        to result: inout ManifestSet,
        seen: inout Set<ManifestIdentity>
    ) throws(ManifestError) {
        let source = "\(object.path):\(object.line)"
        guard let kind = WorkloadKind(apiVersion: object.apiVersion, kind: object.kind) else {
            let reason =
                WorkloadKind.allCases.contains { $0.rawValue == object.kind }
                ? "\(object.apiVersion) \(object.kind) is not an API version the gate reads."
                : "\(object.kind) is not a workload kind the gate waits for."
            result.skipped.append(
                SkippedObject(
                    apiVersion: object.apiVersion,
                    kind: object.kind,
                    namespace: object.namespace,
                    name: object.name ?? "",
                    source: source,
                    reason: reason
                )
            )
            return
        }
        guard let name = object.name, !name.isEmpty else {
            throw ManifestError(path: object.path, line: object.line, problem: "\(object.kind) has no metadata.name")
        }
        guard kinds.contains(kind) else {
            let flags = kinds.sorted().map(\.commandLineName).joined(separator: ",")
            result.skipped.append(
                SkippedObject(
                    apiVersion: object.apiVersion,
                    kind: object.kind,
                    namespace: object.namespace,
                    name: name,
                    source: source,
                    reason: "\(object.kind) is not among the selected kinds (--kind \(flags))."
                )
            )
            return
        }
        let identity = ManifestIdentity(kind: kind, namespace: object.namespace, name: name)
        guard seen.insert(identity).inserted else { return }
        result.workloads.append(ManifestWorkload(kind: kind, namespace: object.namespace, name: name, source: source))
    }

    // MARK: Reading

    private func read(_ path: String) throws(ManifestError) -> String {
        let data: Data
        if path == "-" {
            do {
                data = try standardInput()
            } catch {
                throw ManifestError(path: "-", problem: "cannot read standard input: \(error)")
            }
        } else {
            data = try ManifestLoader.readFile(path, limit: maxInputBytes)
        }
        guard data.count <= maxInputBytes else {
            throw ManifestError(path: path, problem: ManifestLoader.tooLarge(data.count, limit: maxInputBytes))
        }
        if let nul = data.firstIndex(of: 0) {
            throw ManifestError(
                path: path,
                problem: "is not a text manifest (binary data: a NUL byte at offset \(nul - data.startIndex))"
            )
        }
        guard let text = String(validating: data, as: UTF8.self) else {
            throw ManifestError(path: path, problem: "is not a text manifest (not valid UTF-8)")
        }
        return text
    }

    private static func readFile(_ path: String, limit: Int) throws(ManifestError) -> Data {
        let attributes: [FileAttributeKey: Any]
        do {
            attributes = try FileManager.default.attributesOfItem(atPath: path)
        } catch {
            throw ManifestError(path: path, problem: describe(error, fallback: "cannot be read"))
        }
        if let size = attributes[.size] as? NSNumber, size.intValue > limit {
            throw ManifestError(path: path, problem: tooLarge(size.intValue, limit: limit))
        }
        guard let handle = FileHandle(forReadingAtPath: path) else {
            throw ManifestError(path: path, problem: "cannot be opened for reading")
        }
        defer { try? handle.close() }  // closing a read-only handle cannot lose data
        do {
            // A FIFO or a file growing while read reports no useful size: read one byte past the limit.
            return try handle.read(upToCount: limit + 1) ?? Data()
        } catch {
            throw ManifestError(path: path, problem: describe(error, fallback: "cannot be read"))
        }
    }

    private static func tooLarge(_ size: Int, limit: Int) -> String {
        size > limit
            ? "is larger than the \(limit >> 20) MiB a manifest input may have" : "is too large"
    }

    private static func describe(_ error: any Error, fallback: String) -> String {
        let nsError = error as NSError
        if nsError.domain == NSCocoaErrorDomain {
            switch nsError.code {
            case NSFileReadNoSuchFileError, NSFileNoSuchFileError: return "no such file or directory"
            case NSFileReadNoPermissionError: return "permission denied"
            default: break
            }
        }
        if let underlying = nsError.userInfo[NSUnderlyingErrorKey] as? NSError, underlying.domain == NSPOSIXErrorDomain
        {
            return String(cString: strerror(Int32(underlying.code)))
        }
        return fallback
    }

    /// A path as the list of files it names: itself, or a directory's manifest files.
    static func expand(_ path: String, recursive: Bool) throws(ManifestError) -> [String] {
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory) else {
            throw ManifestError(path: path, problem: "no such file or directory")
        }
        guard isDirectory.boolValue else { return [path] }
        var files: [String] = []
        var visited = Set<String>()
        try walk(path, recursive: recursive, visited: &visited, into: &files)
        if files.isEmpty {
            throw ManifestError(path: path, problem: "the directory holds no .yaml, .yml or .json file")
        }
        return files
    }

    private static func walk(
        _ directory: String,
        recursive: Bool,
        visited: inout Set<String>,
        into files: inout [String]
    ) throws(ManifestError) {
        let real = URL(fileURLWithPath: directory).resolvingSymlinksInPath().path
        guard visited.insert(real).inserted else {
            throw ManifestError(path: directory, problem: "symbolic link loop: \(real) was already read")
        }
        let entries: [String]
        do {
            entries = try FileManager.default.contentsOfDirectory(atPath: directory).sorted()
        } catch {
            throw ManifestError(path: directory, problem: describe(error, fallback: "cannot list the directory"))
        }
        for entry in entries where !entry.hasPrefix(".") {
            let child = (directory as NSString).appendingPathComponent(entry)
            var isDirectory: ObjCBool = false
            guard FileManager.default.fileExists(atPath: child, isDirectory: &isDirectory) else { continue }
            if isDirectory.boolValue {
                if recursive { try walk(child, recursive: true, visited: &visited, into: &files) }
            } else if [".yaml", ".yml", ".json"].contains(where: { entry.lowercased().hasSuffix($0) }) {
                files.append(child)
            }
        }
    }

    // MARK: Parsing

    /// The objects of one input, `kind: List` items expanded, null documents skipped.
    static func objects(in text: String, path: String) throws(ManifestError) -> [ManifestObject] {
        var documents: [Node] = []
        do {
            var sequence = try Yams.compose_all(yaml: text)
            while let node = sequence.next() { documents.append(node) }
            if let error = sequence.error { throw error }
        } catch {
            throw yamlError(error, path: path)
        }
        var objects: [ManifestObject] = []
        for (index, document) in documents.enumerated() {
            if document.null != nil { continue }  // a comment-only or empty document
            let line = document.mark?.line ?? 1
            guard case .mapping = document else {
                throw ManifestError(
                    path: path,
                    line: line,
                    problem:
                        "document \(index + 1) is not a Kubernetes object (expected a mapping with apiVersion and kind)"
                )
            }
            let object = try ManifestObject(document, path: path)
            if object.kind == "List" || object.kind.hasSuffix("List") && document["items"] != nil {
                guard let items = document["items"] else { continue }
                if items.null != nil { continue }
                guard case .sequence(let sequence) = items else {
                    throw ManifestError(
                        path: path,
                        line: items.mark?.line ?? line,
                        problem: "List items is not a sequence"
                    )
                }
                for item in sequence {
                    guard case .mapping = item else {
                        throw ManifestError(
                            path: path,
                            line: item.mark?.line ?? line,
                            problem: "a List item is not a Kubernetes object"
                        )
                    }
                    objects.append(try ManifestObject(item, path: path))
                }
            } else {
                objects.append(object)
            }
        }
        return objects
    }

    private static func yamlError(_ error: any Error, path: String) -> ManifestError {
        guard let yaml = error as? YamlError else {
            return ManifestError(path: path, problem: "is not valid YAML: \(error)")
        }
        switch yaml {
        case .scanner(let context, let problem, let mark, _), .parser(let context, let problem, let mark, _),
            .composer(let context, let problem, let mark, _):
            let contextText = context.map { ", \($0.text) at line \($0.mark.line)" } ?? ""
            return ManifestError(
                path: path,
                line: mark.line,
                column: mark.column,
                problem: "invalid YAML: \(problem)\(contextText)"
            )
        case .reader(let problem, let offset, _, _):
            return ManifestError(
                path: path,
                problem: "invalid YAML: \(problem)" + (offset.map { " at byte \($0)" } ?? "")
            )
        case .duplicatedKeysInMapping(let duplicates, let context):
            return ManifestError(
                path: path,
                line: context.mark.line,
                problem: "duplicate keys \(duplicates.joined(separator: ", ")) in a mapping"
            )
        default:
            return ManifestError(path: path, problem: "invalid YAML: \(yaml)")
        }
    }
}

/// The identity fields of one manifest object and where it starts.
struct ManifestObject: Sendable, Hashable {
    var apiVersion: String
    var kind: String
    var name: String?
    var namespace: String?
    var path: String
    var line: Int

    init(_ node: Node, path: String) throws(ManifestError) {
        let line = node.mark?.line ?? 1
        func text(_ node: Node?, _ field: String) throws(ManifestError) -> String? {
            guard let node, node.null == nil else { return nil }
            guard case .scalar(let scalar) = node else {
                throw ManifestError(path: path, line: node.mark?.line ?? line, problem: "\(field) is not a string")
            }
            return scalar.string
        }
        guard let kind = try text(node["kind"], "kind"), !kind.isEmpty else {
            throw ManifestError(path: path, line: line, problem: "the object has no kind")
        }
        guard let apiVersion = try text(node["apiVersion"], "apiVersion"), !apiVersion.isEmpty else {
            throw ManifestError(path: path, line: line, problem: "the \(kind) has no apiVersion")
        }
        self.kind = kind
        self.apiVersion = apiVersion
        let metadata = node["metadata"]
        name = try text(metadata?["name"], "metadata.name")
        namespace = try text(metadata?["namespace"], "metadata.namespace").flatMap { $0.isEmpty ? nil : $0 }
        self.path = path
        self.line = line
    }
}

/// Kind, namespace and name: two manifests naming the same workload give one target.
private struct ManifestIdentity: Hashable {
    var kind: WorkloadKind
    var namespace: String?
    var name: String
}

import Foundation

/// What the user chose on the command line, overriding the kubeconfig.
public struct KubeconfigOverrides: Sendable, Hashable {
    /// `--kubeconfig`: the only file read when set (it must exist).
    public var kubeconfigPath: String?
    /// `--context`: used instead of `current-context`.
    public var context: String?

    /// Creates overrides; both default to unset.
    public init(kubeconfigPath: String? = nil, context: String? = nil) {
        self.kubeconfigPath = kubeconfigPath
        self.context = context
    }
}

/// The kubeconfig files of one invocation merged with kubectl's rules: every named entry remembers the file
/// that defined it, because relative paths resolve against that file and errors name it.
public struct MergedKubeconfig: Sendable {
    /// A value and the file it came from.
    public struct Located<Value: Sendable>: Sendable {
        /// The value.
        public var value: Value
        /// The kubeconfig file that defined it.
        public var file: String
    }

    /// The files read, in precedence order (missing ones left out).
    public var files: [String] = []
    /// The first non-empty `current-context`.
    public var currentContext: Located<String>?
    /// Clusters by name: the first file to define a name wins.
    public var clusters: [String: Located<Cluster>] = [:]
    /// Contexts by name: the first file to define a name wins.
    public var contexts: [String: Located<NamedContext.Context>] = [:]
    /// Users by name: the first file to define a name wins.
    public var users: [String: Located<User>] = [:]

    /// Whether nothing was loaded (kubectl then tries in-cluster configuration).
    public var isEmpty: Bool { currentContext == nil && clusters.isEmpty && contexts.isEmpty && users.isEmpty }

    /// Adds a file of lower precedence than those already merged: only names and a current context not yet set are
    /// taken from it.
    ///
    /// Whole entries are taken, never merged field by field.
    public mutating func merge(_ config: Kubeconfig, from file: String) {
        files.append(file)
        if currentContext == nil, let name = config.currentContext, !name.isEmpty {
            currentContext = Located(value: name, file: file)
        }
        for entry in config.clusters where clusters[entry.name] == nil {
            clusters[entry.name] = Located(value: entry.cluster, file: file)
        }
        for entry in config.contexts where contexts[entry.name] == nil {
            contexts[entry.name] = Located(value: entry.context, file: file)
        }
        for entry in config.users where users[entry.name] == nil {
            users[entry.name] = Located(value: entry.user, file: file)
        }
    }
}

/// kubectl's loading rules, over an injected environment and file system.
public enum KubeconfigLoader {
    /// Which files to read: `--kubeconfig` alone; else every entry of `KUBECONFIG` (colon-separated, duplicates and
    /// empty entries dropped); else `~/.kube/config`.
    ///
    /// The flag's file must exist; the others may not.
    public static func candidateFiles(
        overrides: KubeconfigOverrides,
        environment: KubeClientEnvironment
    ) -> (files: [String], explicit: Bool) {
        if let path = overrides.kubeconfigPath, !path.isEmpty { return ([path], true) }
        if let list = environment.variables["KUBECONFIG"], !list.isEmpty {
            var seen = Set<String>()
            let files = list.split(separator: ":", omittingEmptySubsequences: true).map(String.init).filter {
                seen.insert($0).inserted
            }
            return (files, false)
        }
        if let home = environment.homeDirectory, !home.isEmpty {
            return ([(home as NSString).appendingPathComponent(".kube/config")], false)
        }
        return ([], false)
    }

    /// Reads and merges the files.
    ///
    /// A missing file is skipped (except the `--kubeconfig` one); a file that exists but cannot be read or parsed is an
    /// error naming it, since silently skipping it would connect somewhere the user did not mean.
    public static func load(
        overrides: KubeconfigOverrides,
        environment: KubeClientEnvironment
    ) throws(KubeClientError) -> MergedKubeconfig {
        let (files, explicit) = candidateFiles(overrides: overrides, environment: environment)
        var merged = MergedKubeconfig()
        for file in files {
            let data: Data
            do {
                data = try environment.fileSystem.contents(ofFile: file)
            } catch {
                switch error {
                case .notFound where !explicit: continue
                case .notFound:
                    throw .invalidConfiguration(.init(source: file, problem: "does not exist (--kubeconfig)"))
                case .unreadable(_, let reason):
                    throw .invalidConfiguration(.init(source: file, problem: "cannot be read (\(reason))"))
                }
            }
            merged.merge(try KubeconfigFile.parse(data, path: file), from: file)
        }
        return merged
    }

    /// Resolves a path from a kubeconfig against the folder of the file that named it, as kubectl does.
    static func resolve(_ path: String, relativeTo file: String) -> String {
        if path.hasPrefix("/") || path.isEmpty { return path }
        let folder = (file as NSString).deletingLastPathComponent
        return folder.isEmpty ? path : (folder as NSString).appendingPathComponent(path)
    }
}

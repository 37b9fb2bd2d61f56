import Foundation

/// The files the client reads (kubeconfigs, certificates, token files, service-account files), injected so
/// tests never touch the real home directory or `/var/run/secrets`.
public protocol FileSystem: Sendable {
    /// Reads a whole file; throws ``FileReadError`` so callers can tell a missing file from an unreadable one.
    func contents(ofFile path: String) throws(FileReadError) -> Data
    /// Whether an executable regular file exists at the path, for resolving exec plugins on `PATH`.
    func isExecutableFile(atPath path: String) -> Bool
}

/// Why a file could not be read.
public enum FileReadError: Error, Sendable, Hashable, CustomStringConvertible {
    /// Nothing exists at the path; kubectl skips such files in `KUBECONFIG`.
    case notFound(path: String)
    /// The file exists but could not be read (permissions, a directory).
    case unreadable(path: String, reason: String)

    /// One sentence naming the file.
    public var description: String {
        switch self {
        case .notFound(let path): "\(path) does not exist"
        case .unreadable(let path, let reason): "\(path) cannot be read (\(reason))"
        }
    }
}

/// The machine's real file system.
public struct LocalFileSystem: FileSystem {
    /// Creates the real file system.
    public init() {}

    /// Reads a file with `open`/`read`, which report why a read failed.
    public func contents(ofFile path: String) throws(FileReadError) -> Data {
        var info = stat()
        guard stat(path, &info) == 0 else {
            let code = errno
            if code == ENOENT || code == ENOTDIR { throw .notFound(path: path) }
            throw .unreadable(path: path, reason: String(cString: strerror(code)))
        }
        if (info.st_mode & S_IFMT) == S_IFDIR { throw .unreadable(path: path, reason: "it is a directory") }
        do {
            return try Data(contentsOf: URL(fileURLWithPath: path))
        } catch {
            throw .unreadable(path: path, reason: "\(error.localizedDescription)")
        }
    }

    /// True for a regular file the current user may execute.
    public func isExecutableFile(atPath path: String) -> Bool {
        var info = stat()
        guard stat(path, &info) == 0, (info.st_mode & S_IFMT) == S_IFREG else { return false }
        return access(path, X_OK) == 0
    }
}

import Foundation

/// Writes report files so a reader never sees half of one: a temporary file beside the target, then a rename.
///
/// A CI step that reads `--report-file` or `--junit` after a cancelled gate finds either the previous
/// file or the complete new one. The GitHub step summary is the exception: it belongs to the runner and
/// other steps, so it is appended to in one write.
public struct ReportFileWriter: Sendable {
    /// Creates a writer.
    public init() {}

    /// Replaces the file at `path` with `data` atomically.
    public func write(_ data: Data, to path: String) throws(ReportFileError) {
        let url = URL(fileURLWithPath: path)
        let directory = url.deletingLastPathComponent()
        let temporary = directory.appendingPathComponent(".\(url.lastPathComponent).\(UUID().uuidString).tmp")
        do {
            try data.write(to: temporary)
        } catch {
            throw ReportFileError(path: path, reason: Self.reason(error))
        }
        guard rename(temporary.path, url.path) == 0 else {
            let reason = String(cString: strerror(errno))
            try? FileManager.default.removeItem(at: temporary)  // the rename's error is the one to report
            throw ReportFileError(path: path, reason: reason)
        }
    }

    /// Appends `data` to the file at `path`, creating it when missing.
    public func append(_ data: Data, to path: String) throws(ReportFileError) {
        let descriptor = open(path, O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC, 0o644)
        guard descriptor >= 0 else {
            throw ReportFileError(path: path, reason: String(cString: strerror(errno)))
        }
        defer { close(descriptor) }
        let written = data.withUnsafeBytes { buffer in
            Foundation.write(descriptor, buffer.baseAddress, buffer.count)
        }
        guard written == data.count else {
            throw ReportFileError(path: path, reason: written < 0 ? String(cString: strerror(errno)) : "short write")
        }
    }

    private static func reason(_ error: any Error) -> String {
        let nsError = error as NSError
        if let underlying = nsError.userInfo[NSUnderlyingErrorKey] as? NSError, underlying.domain == NSPOSIXErrorDomain,
            let code = POSIXErrorCode(rawValue: Int32(underlying.code))
        {
            return String(cString: strerror(code.rawValue))
        }
        return nsError.localizedDescription
    }
}

/// A report file could not be written: which path, and why.
public struct ReportFileError: Error, Sendable, Hashable, CustomStringConvertible {
    /// The file the gate tried to write.
    public var path: String
    /// The system's reason.
    public var reason: String

    /// Creates the error.
    public init(path: String, reason: String) {
        self.path = path
        self.reason = reason
    }

    /// One sentence naming the file.
    public var description: String { "Cannot write \(path): \(reason)." }
}

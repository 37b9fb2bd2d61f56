import Foundation
import NIOPosix

/// Runs short helper commands (`swift --version`, `git rev-parse`, `kubectl version`) and returns their
/// output; these describe the run and are not measured.
struct CommandRunner: Sendable {
    /// The environment of the benchmark's process.
    let environment: [String: String]
    /// Where captured output is written.
    let directory: String
    /// Where blocking waits run.
    let pool: NIOThreadPool

    /// The command's standard output, or `nil` if it could not run or failed.
    func output(_ command: String, _ arguments: [String]) async -> String? {
        guard let executable = Self.resolve(command, environment: environment) else { return nil }
        let file = directory + "/capture-\(UUID().uuidString).txt"
        defer { try? FileManager.default.removeItem(atPath: file) }
        let spec = ProcessSpec(
            executable: executable,
            arguments: arguments,
            environment: environment,
            standardOutput: .file(file)
        )
        guard let child = try? ChildProcess.launch(spec), let outcome = try? await child.wait(using: pool),
            outcome.exitCode == 0
        else { return nil }
        return try? String(contentsOfFile: file, encoding: .utf8)
    }

    /// The first non-empty line of the command's output.
    func firstLine(_ command: String, _ arguments: [String]) async -> String? {
        await output(command, arguments)?.split(separator: "\n").first.map(String.init)
    }

    /// The absolute path of `command`: itself if it contains a slash, else the first match on `PATH`.
    static func resolve(_ command: String, environment: [String: String]) -> String? {
        if command.contains("/") { return FileManager.default.isExecutableFile(atPath: command) ? command : nil }
        for directory in (environment["PATH"] ?? "/usr/bin:/bin").split(separator: ":") {
            let candidate = "\(directory)/\(command)"
            if FileManager.default.isExecutableFile(atPath: candidate) { return candidate }
        }
        return nil
    }

    /// The real kubectl binary: pyenv puts a shell-script shim first on `PATH`, which would add its own
    /// start-up (tens of milliseconds) to every kubectl figure, so a shim is resolved to what it runs.
    func resolveKubectl(_ command: String) async -> String? {
        guard let path = Self.resolve(command, environment: environment) else { return nil }
        guard let handle = FileHandle(forReadingAtPath: path) else { return path }
        let head = (try? handle.read(upToCount: 2)) ?? Data()
        try? handle.close()
        guard head == Data("#!".utf8) else { return path }
        if let real = await firstLine("pyenv", ["which", "kubectl"]), FileManager.default.isExecutableFile(atPath: real)
        {
            return real
        }
        return path
    }
}

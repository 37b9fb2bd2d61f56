import Foundation
import RolloutReport
import RolloutStatusCLI
import Synchronization
import Testing

#if canImport(Glibc)
import Glibc
#endif

/// The built `rollout-status` executable run as a separate process, as a pipeline runs it.
///
/// Blocking work (waiting for the process, reading its pipes) runs on threads of its own, never on the
/// concurrency pool: on a two-core machine two blocked pool threads would starve the in-process
/// simulator the binary talks to.
struct BinaryProcess {
    /// What a finished run left behind.
    struct Run: Sendable {
        var status: Int32
        var stdout: Data
        var stderr: String

        var stderrLines: [String] { stderr.split(separator: "\n").map(String.init) }

        /// The stdout report, decoded; saved into `$ROLLOUT_STATUS_REPORT_DIR` for CI's schema check.
        func report(_ label: String) throws -> GateReport {
            try Self.save(stdout, label: label)
            return try ReportEncoder().decode(stdout)
        }

        /// The stdout report as plain JSON, for checks of the wire shape itself.
        func json() throws -> [String: Any] {
            try #require(try JSONSerialization.jsonObject(with: stdout) as? [String: Any])
        }

        static func save(_ data: Data, label: String) throws {
            guard let directory = ProcessInfo.processInfo.environment["ROLLOUT_STATUS_REPORT_DIR"], !directory.isEmpty
            else { return }
            try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
            let name =
                "e2e-" + label.map { $0.isLetter || $0.isNumber ? $0 : "-" } + "-\(UUID().uuidString.prefix(8)).json"
            try data.write(to: URL(fileURLWithPath: directory).appendingPathComponent(String(name)))
        }
    }

    /// A process that has been started: its pipes are read as it runs.
    // Process and FileHandle are thread-safe in Foundation but not marked Sendable on every platform.
    final class Started: @unchecked Sendable {
        let process: Process
        private let stdoutHandle: FileHandle
        private let stderrBuffer = CapturedOutput()
        private let stderrDone: ThreadWork<Bool>
        let pid: Int32

        fileprivate init(process: Process, stdout: FileHandle, stderr: FileHandle) {
            self.process = process
            self.stdoutHandle = stdout
            self.pid = process.processIdentifier
            let buffer = stderrBuffer
            stderrDone = ThreadWork {
                while true {
                    let chunk = stderr.availableData
                    if chunk.isEmpty { return true }
                    buffer.write(chunk)
                }
            }
        }

        /// Everything written to stderr so far.
        var stderrSoFar: String { stderrBuffer.text }

        /// Whether the process is still running.
        var isRunning: Bool { process.isRunning }

        /// Waits (off the pool) until stdout has bytes to read or is closed, up to `timeout`.
        func stdoutReadable(timeout: Duration = .seconds(120)) async -> Bool {
            let descriptor = stdoutHandle.fileDescriptor
            return await ThreadWork.run {
                var poller = pollfd(fd: descriptor, events: Int16(POLLIN), revents: 0)
                let milliseconds = Int32(timeout.components.seconds * 1000)
                return poll(&poller, 1, milliseconds) == 1
            }
        }

        /// Sends a signal.
        func signal(_ number: Int32) {
            kill(pid, number)
        }

        /// Reads stdout to its end and waits for the process to exit.
        func finish() async -> Run {
            let handle = stdoutHandle
            let process = process
            let stdout = await ThreadWork.run { handle.readDataToEndOfFile() }
            await ThreadWork.run { process.waitUntilExit() }
            _ = await stderrDone.value
            return Run(
                status: process.terminationStatus,
                stdout: stdout,
                stderr: stderrBuffer.text
            )
        }
    }

    /// The executable, next to the test bundle in the build folder.
    static func executable() throws -> URL {
        let bundle = URL(fileURLWithPath: CommandLine.arguments[0]).resolvingSymlinksInPath()
        var directory = bundle.deletingLastPathComponent()
        for _ in 0..<4 {
            let candidate = directory.appendingPathComponent("rollout-status")
            if FileManager.default.isExecutableFile(atPath: candidate.path) { return candidate }
            directory = directory.deletingLastPathComponent()
        }
        throw BinaryTests.BinaryNotBuilt(searchedFrom: bundle.path)
    }

    /// Starts the binary with `arguments`, an environment of only `environment` (and `PATH`), and `stdin`.
    ///
    /// `stdoutPipeSize` shrinks the stdout pipe (Linux `F_SETPIPE_SZ`), so that a report larger than it
    /// keeps the process blocked in its write until the test reads: the process is provably alive then.
    static func start(
        _ arguments: [String],
        environment: [String: String] = [:],
        stdin: String = "",
        stdoutPipeSize: Int32? = nil
    ) throws -> Started {
        let process = Process()
        process.executableURL = try executable()
        process.arguments = arguments
        process.environment = ["PATH": "/usr/bin:/bin"].merging(environment) { $1 }
        let input = Pipe()
        let output = Pipe()
        if let stdoutPipeSize {
            _ = fcntl(output.fileHandleForWriting.fileDescriptor, 1031 /* F_SETPIPE_SZ */, stdoutPipeSize)
        }
        let errors = Pipe()
        process.standardInput = input
        process.standardOutput = output
        process.standardError = errors
        try process.run()
        input.fileHandleForWriting.write(Data(stdin.utf8))
        try input.fileHandleForWriting.close()
        return Started(
            process: process,
            stdout: output.fileHandleForReading,
            stderr: errors.fileHandleForReading
        )
    }

    /// Runs the binary to its end.
    static func run(_ arguments: [String], environment: [String: String] = [:], stdin: String = "") async throws -> Run
    {
        try await start(arguments, environment: environment, stdin: stdin).finish()
    }
}

/// Work done on a thread of its own, awaited without blocking the concurrency pool.
final class ThreadWork<Value: Sendable>: Sendable {
    private let state = Mutex<(value: Value?, waiters: [CheckedContinuation<Value, Never>])>((nil, []))

    /// Starts `work` on a new thread.
    init(_ work: @escaping @Sendable () -> Value) {
        let thread = Thread { [self] in
            let value = work()
            let waiters = self.state.withLock { state in
                state.value = value
                defer { state.waiters = [] }
                return state.waiters
            }
            for waiter in waiters { waiter.resume(returning: value) }
        }
        thread.start()
    }

    /// The work's value, once it is done.
    var value: Value {
        get async {
            await withCheckedContinuation { continuation in
                let value = state.withLock { state in
                    if state.value == nil { state.waiters.append(continuation) }
                    return state.value
                }
                if let value { continuation.resume(returning: value) }
            }
        }
    }

    /// Runs `work` on its own thread and returns its value.
    static func run(_ work: @escaping @Sendable () -> Value) async -> Value {
        await ThreadWork(work).value
    }
}

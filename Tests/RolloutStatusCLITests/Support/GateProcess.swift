import Foundation
import Synchronization

/// The built `rollout-status` binary as a child process, as a pipeline runs it: arguments, environment,
/// standard input in; exit status, stdout, stderr and wall time out.
///
/// Output goes to files, not pipes, so a gate that prints a lot never blocks on a full pipe, and a test can
/// read stderr while the process still runs. Waiting is asynchronous (a termination handler), never a
/// blocking `waitUntilExit()`: with two cores the concurrency pool has two threads, and an in-process
/// simulator serving the child needs them.
///
/// `@unchecked Sendable`: the `Process` is configured in `init`, started once, and afterwards only its
/// process identifier is read; everything that changes later is behind a `Mutex`.
final class GateProcess: @unchecked Sendable {
    /// What a finished process left behind.
    struct Result: Sendable {
        /// The exit status, or the signal number when `signalled`.
        var status: Int32
        /// Whether the process ended by a signal (a crash, or a test's kill).
        var signalled: Bool
        /// Everything written to stdout.
        var stdout: Data
        /// Everything written to stderr.
        var stderr: String
        /// From `run()` to the exit.
        var duration: Duration

        /// stderr split into lines.
        var stderrLines: [String] { stderr.split(separator: "\n").map(String.init) }
        /// stdout as text.
        var stdoutText: String { String(decoding: stdout, as: UTF8.self) }
    }

    let process: Process
    let directory: URL
    private let started = Mutex<ContinuousClock.Instant?>(nil)
    private let finished = Mutex<(ended: ContinuousClock.Instant, status: Int32, signalled: Bool)?>(nil)
    private let waiters = Mutex<[CheckedContinuation<Void, Never>]>([])

    var stdoutURL: URL { directory.appendingPathComponent("stdout") }
    var stderrURL: URL { directory.appendingPathComponent("stderr") }

    /// Prepares (does not start) the binary (or another `executable`) with these arguments; the environment is
    /// exactly `environment`.
    init(
        _ arguments: [String],
        environment: [String: String] = ["PATH": "/usr/bin:/bin"],
        stdin: Data = Data(),
        workingDirectory: URL? = nil,
        executable: URL? = nil
    ) throws {
        directory = FileManager.default.temporaryDirectory.appendingPathComponent("gate-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        let stdinURL = directory.appendingPathComponent("stdin")
        try stdin.write(to: stdinURL)
        _ = FileManager.default.createFile(atPath: directory.appendingPathComponent("stdout").path, contents: nil)
        _ = FileManager.default.createFile(atPath: directory.appendingPathComponent("stderr").path, contents: nil)
        process = Process()
        process.executableURL = try executable ?? BinaryTests.binary()
        process.arguments = arguments
        process.environment = environment
        if let workingDirectory { process.currentDirectoryURL = workingDirectory }
        process.standardInput = try FileHandle(forReadingFrom: stdinURL)
        process.standardOutput = try FileHandle(forWritingTo: directory.appendingPathComponent("stdout"))
        process.standardError = try FileHandle(forWritingTo: directory.appendingPathComponent("stderr"))
    }

    deinit {
        try? FileManager.default.removeItem(at: directory)
    }

    /// Starts the process.
    func start() throws {
        process.terminationHandler = { [self] finishedProcess in
            let ended = ContinuousClock.now
            finished.withLock {
                $0 = (ended, finishedProcess.terminationStatus, finishedProcess.terminationReason == .uncaughtSignal)
            }
            for waiter in waiters.withLock({ list in
                defer { list = [] }; return list
            }) { waiter.resume() }
        }
        started.withLock { $0 = .now }
        try process.run()
    }

    /// What the process wrote to stderr so far.
    var stderrSoFar: String {
        String(decoding: (try? Data(contentsOf: stderrURL)) ?? Data(), as: UTF8.self)
    }

    /// Sends a signal to the process.
    func send(_ signal: Int32) {
        kill(process.processIdentifier, signal)
    }

    /// Waits for the exit without blocking a thread, then collects the output.
    func wait() async throws -> Result {
        await withCheckedContinuation { (continuation: CheckedContinuation<Void, Never>) in
            let done = waiters.withLock { list -> Bool in
                if finished.withLock({ $0 != nil }) { return true }
                list.append(continuation)
                return false
            }
            if done { continuation.resume() }
        }
        guard let (ended, status, signalled) = finished.withLock({ $0 }) else {
            throw GateProcessError(description: "the process ended without a termination status")
        }
        let start = started.withLock { $0 } ?? ended
        return Result(
            status: status,
            signalled: signalled,
            stdout: try Data(contentsOf: stdoutURL),
            stderr: String(decoding: try Data(contentsOf: stderrURL), as: UTF8.self),
            duration: ended - start
        )
    }

    /// Waits until stderr contains `text` or the process ends, checking every 20 ms for at most `timeout`.
    func waitForStderr(containing text: String, timeout: Duration = .seconds(60)) async throws -> Bool {
        let deadline = ContinuousClock.now + timeout
        while ContinuousClock.now < deadline {
            if stderrSoFar.contains(text) { return true }
            if finished.withLock({ $0 != nil }) { return stderrSoFar.contains(text) }
            try await Task.sleep(for: .milliseconds(20))
        }
        return false
    }

    /// Runs the binary to its end.
    static func run(
        _ arguments: [String],
        environment: [String: String] = ["PATH": "/usr/bin:/bin"],
        stdin: Data = Data(),
        workingDirectory: URL? = nil,
        executable: URL? = nil
    ) async throws -> Result {
        let process = try GateProcess(
            arguments,
            environment: environment,
            stdin: stdin,
            workingDirectory: workingDirectory,
            executable: executable
        )
        try process.start()
        return try await process.wait()
    }
}

/// A child process could not be run or observed.
struct GateProcessError: Error, CustomStringConvertible {
    var description: String
}

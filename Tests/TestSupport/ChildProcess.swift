import Foundation
import Synchronization

/// A program run by a test as a pipeline runs it, without blocking Swift concurrency's threads.
///
/// Swift concurrency has one thread per core: two on our CI machines. A test that waits for a child
/// process with `waitUntilExit()` or `readDataToEndOfFile()` holds one of them for as long as the child
/// runs, and two such tests stall every other test in the process (and any in-process simulator the
/// child talks to). Here the pipes are drained by threads of their own and the exit arrives through
/// `terminationHandler`, so callers only ever suspend.
///
/// ```swift
/// let child = try ChildProcess(executable: binary, arguments: ["demo"])
/// _ = try await child.waitForStandardError(containing: "\nshop/")
/// child.send(SIGTERM)
/// let result = try await child.finish()
/// #expect(result.status == 143)
/// ```
public final class ChildProcess: Sendable {
    /// What a finished child left behind.
    public struct Result: Sendable {
        /// The exit status, or 128 + the signal number when a signal ended it (as a shell reports it).
        public var status: Int32
        /// Everything written to standard output.
        public var standardOutput: Data
        /// Everything written to standard error.
        public var standardError: Data

        /// Standard error as text.
        public var standardErrorText: String { String(decoding: standardError, as: UTF8.self) }
    }

    private let process: Process
    private let shared = Shared()
    /// Standard output's reader, when the caller holds it back (`holdingStandardOutput`).
    private let heldOutput: Mutex<(() -> Void)?>
    private let outputDescriptor: Int32

    /// What the pipe readers, the termination handler and the waiting task share.
    private final class Shared: Sendable {
        let output = Mutex(Data())
        let error = Mutex(Data())
        let state = Mutex(State())

        struct State {
            var exitStatus: Int32?
            var drained = 0
            var waiter: CheckedContinuation<Void, Never>?
            var isDone: Bool { exitStatus != nil && drained == 2 }
        }

        /// Applies `change` and resumes the waiter once the child has exited and both pipes are drained.
        func update(_ change: (inout State) -> Void) {
            let waiter = state.withLock { state -> CheckedContinuation<Void, Never>? in
                change(&state)
                guard state.isDone else { return nil }
                defer { state.waiter = nil }
                return state.waiter
            }
            waiter?.resume()
        }

        func append(_ chunk: Data, toError: Bool) {
            if toError { error.withLock { $0.append(chunk) } } else { output.withLock { $0.append(chunk) } }
        }
    }

    /// Starts `executable`; `standardInput` is written and closed at once.
    ///
    /// With `holdingStandardOutput`, standard output is a one-page pipe nobody reads until
    /// `releaseStandardOutput()`: a child writing more than a page stays blocked in its write, provably
    /// alive, so a test can look at what it did before it exits.
    public init(
        executable: URL,
        arguments: [String],
        environment: [String: String] = ["PATH": "/usr/bin:/bin"],
        standardInput: Data = Data(),
        holdingStandardOutput: Bool = false
    ) throws {
        process = Process()
        process.executableURL = executable
        process.arguments = arguments
        process.environment = environment
        let input = Pipe()
        let outputPipe = Pipe()
        let errorPipe = Pipe()
        outputDescriptor = outputPipe.fileHandleForReading.fileDescriptor
        if holdingStandardOutput {
            // Linux F_SETPIPE_SZ: one page, the smallest pipe.
            _ = fcntl(outputPipe.fileHandleForWriting.fileDescriptor, 1031, Int32(4096))
        }
        process.standardInput = input
        process.standardOutput = outputPipe
        process.standardError = errorPipe
        process.terminationHandler = { [shared] finished in
            let status =
                finished.terminationReason == .uncaughtSignal
                ? 128 + finished.terminationStatus : finished.terminationStatus
            shared.update { $0.exitStatus = status }
        }
        try process.run()
        var held: (() -> Void)?
        for (pipe, isError) in [(outputPipe, false), (errorPipe, true)] {
            let reader = Thread { [shared] in
                // `read(2)` directly: `FileHandle.availableData` traps on EINTR, which any signal
                // delivered to this thread (a crash reporter's, a profiler's) can cause.
                let descriptor = pipe.fileHandleForReading.fileDescriptor
                var buffer = [UInt8](repeating: 0, count: 65_536)
                while true {
                    let count = buffer.withUnsafeMutableBytes { read(descriptor, $0.baseAddress, $0.count) }
                    if count < 0, errno == EINTR { continue }
                    if count <= 0 { break }
                    shared.append(Data(buffer[0..<count]), toError: isError)
                }
                shared.update { $0.drained += 1 }
            }
            if holdingStandardOutput, !isError { held = { reader.start() } } else { reader.start() }
        }
        heldOutput = Mutex(held)
        let writer = Thread {
            input.fileHandleForWriting.write(standardInput)
            try? input.fileHandleForWriting.close()
        }
        writer.start()
    }

    /// The child's process identifier.
    public var processIdentifier: Int32 { process.processIdentifier }

    /// Standard error so far, as text.
    public var standardErrorSoFar: String { String(decoding: shared.error.withLock { $0 }, as: UTF8.self) }

    /// Whether the child has not exited yet.
    public var isRunning: Bool { shared.state.withLock { $0.exitStatus == nil } }

    /// The capacity of the standard output pipe in bytes (Linux `F_GETPIPE_SZ`), -1 when unknown.
    public var standardOutputPipeCapacity: Int32 { fcntl(outputDescriptor, 1032) }

    /// Waits until the child has written to a held standard output (or closed it); false on timeout.
    public func waitForStandardOutput(timeout: Duration = .seconds(120)) async throws -> Bool {
        let clock = ContinuousClock()
        let deadline = clock.now + timeout
        while clock.now < deadline {
            var descriptor = pollfd(fd: outputDescriptor, events: Int16(POLLIN), revents: 0)
            if poll(&descriptor, 1, 0) == 1 { return true }
            try await clock.sleep(for: .milliseconds(10))
        }
        return false
    }

    /// Starts reading a held standard output, so that the child can finish writing and exit.
    public func releaseStandardOutput() {
        let start = heldOutput.withLock { held in
            defer { held = nil }
            return held
        }
        start?()
    }

    /// Sends a signal to the child.
    public func send(_ signal: Int32) {
        kill(process.processIdentifier, signal)
    }

    /// Waits until standard error contains `text`; false when the child ended first or the time ran out.
    public func waitForStandardError(containing text: String, timeout: Duration = .seconds(60)) async throws -> Bool {
        let clock = ContinuousClock()
        let deadline = clock.now + timeout
        while clock.now < deadline {
            if standardErrorSoFar.contains(text) { return true }
            if shared.state.withLock({ $0.isDone }) { return standardErrorSoFar.contains(text) }
            try await clock.sleep(for: .milliseconds(10))
        }
        return false
    }

    /// Waits for the child to exit and its output to be read (killing it after `timeout`).
    public func finish(timeout: Duration = .seconds(120)) async throws -> Result {
        releaseStandardOutput()
        try await withThrowingTaskGroup(of: Void.self) { group in
            group.addTask {
                try await ContinuousClock().sleep(for: timeout)
                self.send(SIGKILL)
            }
            await withCheckedContinuation { continuation in
                let done = shared.state.withLock { state -> Bool in
                    if state.isDone { return true }
                    state.waiter = continuation
                    return false
                }
                if done { continuation.resume() }
            }
            group.cancelAll()
        }
        return Result(
            status: shared.state.withLock { $0.exitStatus ?? -1 },
            standardOutput: shared.output.withLock { $0 },
            standardError: shared.error.withLock { $0 }
        )
    }

    /// Runs a program to completion.
    public static func run(
        _ executable: URL,
        _ arguments: [String],
        environment: [String: String] = ["PATH": "/usr/bin:/bin"],
        standardInput: Data = Data(),
        timeout: Duration = .seconds(120)
    ) async throws -> Result {
        try await ChildProcess(
            executable: executable,
            arguments: arguments,
            environment: environment,
            standardInput: standardInput
        ).finish(timeout: timeout)
    }
}

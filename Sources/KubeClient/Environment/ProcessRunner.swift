import Foundation
import Synchronization

/// Runs an exec credential plugin: injected so tests can script plugins, and so the client never starts a
/// shell (the command and its arguments go to the operating system as they are).
public protocol ProcessRunner: Sendable {
    /// Runs a program to completion with the given arguments and the complete environment.
    func run(_ invocation: ProcessInvocation) async throws -> ProcessOutput
}

/// A program to run, resolved to an absolute path before it gets here.
public struct ProcessInvocation: Sendable, Hashable {
    /// The absolute path of the executable.
    public var executablePath: String
    /// The arguments, without the program name.
    public var arguments: [String]
    /// The complete environment of the child process.
    public var environment: [String: String]

    /// Describes an invocation.
    public init(executablePath: String, arguments: [String], environment: [String: String]) {
        self.executablePath = executablePath
        self.arguments = arguments
        self.environment = environment
    }
}

/// What a finished program left behind. The standard output of a credential plugin is a secret.
public struct ProcessOutput: Sendable {
    /// The exit status (or the signal number, negated, when it was killed by a signal).
    public var exitStatus: Int32
    /// Everything it wrote to standard output.
    public var standardOutput: Data
    /// Everything it wrote to standard error.
    public var standardError: Data

    /// Creates an output record.
    public init(exitStatus: Int32, standardOutput: Data, standardError: Data) {
        self.exitStatus = exitStatus
        self.standardOutput = standardOutput
        self.standardError = standardError
    }
}

/// Runs programs with Foundation's `Process`: no shell, standard input closed (interactive mode is never
/// available to a gate), output collected through pipes while the program runs so a chatty plugin cannot
/// fill a pipe and block.
public struct FoundationProcessRunner: ProcessRunner {
    /// Creates the runner.
    public init() {}

    /// Starts the program and waits for its exit and the end of both output streams; cancelling the calling
    /// task terminates the program.
    public func run(_ invocation: ProcessInvocation) async throws -> ProcessOutput {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: invocation.executablePath)
        process.arguments = invocation.arguments
        process.environment = invocation.environment
        process.standardInput = FileHandle.nullDevice
        let outputPipe = Pipe()
        let errorPipe = Pipe()
        process.standardOutput = outputPipe
        process.standardError = errorPipe
        let collector = ProcessCollector()
        return try await withTaskCancellationHandler {
            try await withCheckedThrowingContinuation { (continuation: CheckedContinuation<ProcessOutput, any Error>) in
                collector.install(continuation)
                outputPipe.fileHandleForReading.readabilityHandler = { handle in
                    let data = handle.availableData
                    if data.isEmpty { handle.readabilityHandler = nil }
                    collector.received(data, fromStandardError: false)
                }
                errorPipe.fileHandleForReading.readabilityHandler = { handle in
                    let data = handle.availableData
                    if data.isEmpty { handle.readabilityHandler = nil }
                    collector.received(data, fromStandardError: true)
                }
                process.terminationHandler = { finished in
                    let status =
                        finished.terminationReason == .uncaughtSignal
                        ? -finished.terminationStatus : finished.terminationStatus
                    collector.exited(status)
                }
                do {
                    try process.run()
                } catch {
                    outputPipe.fileHandleForReading.readabilityHandler = nil
                    errorPipe.fileHandleForReading.readabilityHandler = nil
                    collector.failed(error)
                }
            }
        } onCancel: {
            if process.isRunning { process.terminate() }
        }
    }
}

/// Gathers a child's two output streams and its exit, and resumes the waiting task once all three are in.
private final class ProcessCollector: Sendable {
    private struct State {
        var continuation: CheckedContinuation<ProcessOutput, any Error>?
        var standardOutput = Data()
        var standardError = Data()
        var outputClosed = false
        var errorClosed = false
        var exitStatus: Int32?
    }

    private let state = Mutex(State())

    func install(_ continuation: CheckedContinuation<ProcessOutput, any Error>) {
        state.withLock { $0.continuation = continuation }
    }

    func received(_ data: Data, fromStandardError: Bool) {
        let ready = state.withLock { state -> (CheckedContinuation<ProcessOutput, any Error>, ProcessOutput)? in
            if fromStandardError {
                if data.isEmpty { state.errorClosed = true } else { state.standardError.append(data) }
            } else {
                if data.isEmpty { state.outputClosed = true } else { state.standardOutput.append(data) }
            }
            return Self.takeIfComplete(&state)
        }
        if let (continuation, output) = ready { continuation.resume(returning: output) }
    }

    func exited(_ status: Int32) {
        let ready = state.withLock { state -> (CheckedContinuation<ProcessOutput, any Error>, ProcessOutput)? in
            state.exitStatus = status
            return Self.takeIfComplete(&state)
        }
        if let (continuation, output) = ready { continuation.resume(returning: output) }
    }

    func failed(_ error: any Error) {
        let continuation = state.withLock { state in
            defer { state.continuation = nil }
            return state.continuation
        }
        continuation?.resume(throwing: error)
    }

    private static func takeIfComplete(
        _ state: inout State
    ) -> (CheckedContinuation<ProcessOutput, any Error>, ProcessOutput)? {
        guard state.outputClosed, state.errorClosed, let status = state.exitStatus,
            let continuation = state.continuation
        else { return nil }
        state.continuation = nil
        let output = ProcessOutput(
            exitStatus: status,
            standardOutput: state.standardOutput,
            standardError: state.standardError
        )
        return (continuation, output)
    }
}

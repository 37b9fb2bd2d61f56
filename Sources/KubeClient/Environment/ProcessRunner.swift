import Foundation

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

/// What a finished program left behind.
///
/// The standard output of a credential plugin is a secret.
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
/// available to a gate).
///
/// Output is read once the program has exited, on Foundation's process-monitoring thread (never on a
/// Swift concurrency thread). Reading pipes through `readabilityHandler` while several plugins ran at once
/// lost end-of-file notifications on Linux and hung; the cost of this simpler scheme is that a plugin
/// writing more than a pipe buffer (64 KiB per stream) before exiting would block, far above what an
/// `ExecCredential` needs.
public struct FoundationProcessRunner: ProcessRunner {
    /// Creates the runner.
    public init() {}

    /// Starts the program and waits for its exit; cancelling the calling task terminates the program.
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
        return try await withTaskCancellationHandler {
            try await withCheckedThrowingContinuation { (continuation: CheckedContinuation<ProcessOutput, any Error>) in
                process.terminationHandler = { finished in
                    let status =
                        finished.terminationReason == .uncaughtSignal
                        ? -finished.terminationStatus : finished.terminationStatus
                    let output = (try? outputPipe.fileHandleForReading.readToEnd()) ?? Data()
                    let error = (try? errorPipe.fileHandleForReading.readToEnd()) ?? Data()
                    continuation.resume(
                        returning: ProcessOutput(exitStatus: status, standardOutput: output, standardError: error)
                    )
                }
                do {
                    try process.run()
                } catch {
                    process.terminationHandler = nil
                    continuation.resume(throwing: error)
                }
            }
        } onCancel: {
            if process.isRunning { process.terminate() }
        }
    }
}

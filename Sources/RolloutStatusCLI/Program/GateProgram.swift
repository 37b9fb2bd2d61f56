import ArgumentParser
import Foundation
import KubeModel
import RolloutCoordinator
import RolloutReport

/// The whole `rollout-status` program as a value: arguments in; report, diagnostics and exit code out.
///
/// The environment, standard input, the output streams, the clock and the runner are injected, so a
/// test runs the real program on a scripted runner and reads stdout, stderr and the exit code, with
/// no process and no cluster. `live()` wires the process's own.
///
/// Contract kept on every path: stdout carries exactly one report (JSON, or the text table with
/// `--output text`), or the help text when asked for; a program error prints one line on stderr.
public struct GateProgram: Sendable {
    /// The process environment (`GITHUB_ACTIONS`, `GITHUB_STEP_SUMMARY`, and for the runner `KUBECONFIG`).
    public var environment: [String: String]
    /// Reads all of standard input, for `-f -`.
    public var standardInput: @Sendable () throws -> Data
    /// Where the report goes.
    public var standardOutput: any ReportSink
    /// Where diagnostics and progress go.
    public var standardError: any DiagnosticSink
    /// Runs a resolved gate: the coordinator in the binary, a scripted runner in tests.
    public var runner: any GateRunner
    /// Runs `rollout-status demo`; the coordinator work wires the simulated cluster in here.
    public var demo: @Sendable (GateProgram) async -> GateExitCode
    /// The wall clock, for the report's timestamps.
    public var wallClock: @Sendable () -> Date

    /// Creates a program from its parts.
    public init(
        environment: [String: String],
        standardInput: @escaping @Sendable () throws -> Data,
        standardOutput: any ReportSink,
        standardError: any DiagnosticSink,
        runner: any GateRunner,
        demo: @escaping @Sendable (GateProgram) async -> GateExitCode = GateProgram.demoNotWired,
        wallClock: @escaping @Sendable () -> Date = { Date() }
    ) {
        self.environment = environment
        self.standardInput = standardInput
        self.standardOutput = standardOutput
        self.standardError = standardError
        self.runner = runner
        self.demo = demo
        self.wallClock = wallClock
    }

    /// The program wired to this process: its environment, stdin, stdout and stderr.
    public static func live() -> GateProgram {
        GateProgram(
            environment: ProcessInfo.processInfo.environment,
            standardInput: { try readStandardInput(limit: ManifestLoader.defaultMaxInputBytes) },
            standardOutput: StandardStream.output,
            standardError: StandardStream.error,
            runner: CoordinatorGateRunner(),
            demo: DemoRelease.run
        )
    }

    /// Reads standard input up to one byte past `limit`, so an endless or huge stream cannot exhaust
    /// memory before the manifest loader refuses it.
    static func readStandardInput(limit: Int) throws -> Data {
        var data = Data()
        while data.count <= limit {
            guard let chunk = try FileHandle.standardInput.read(upToCount: 1 << 16), !chunk.isEmpty else { break }
            data.append(chunk)
        }
        return data
    }

    /// The entry point of the binary: runs the process's arguments and returns the exit code.
    public static func main() async -> GateExitCode {
        await live().execute(arguments: Array(CommandLine.arguments.dropFirst()))
    }

    // MARK: Running

    /// Parses `arguments`, runs the gate and delivers its report; never throws, always one report.
    public func execute(arguments: [String]) async -> GateExitCode {
        let started = Started(wallClock: wallClock)
        do {
            if arguments.first == DemoCommand.configuration.commandName {
                // Parsed on its own: the gate's validation (which needs -l or -f) does not apply to it.
                _ = try DemoCommand.parse(Array(arguments.dropFirst()))
                return await executeDemo()
            }
            var command = try RolloutStatusCommand.parseAsRoot(Self.normalised(arguments))
            if let gate = command as? RolloutStatusCommand {
                return await execute(gate, started: started)
            }
            // ArgumentParser's own commands (help): their run() throws the clean exit handled below.
            try command.run()
            throw GateUsageError("unexpected command \(type(of: command))")
        } catch {
            if RolloutStatusCommand.exitCode(for: error) == .success {
                // --help, help, --version: what the user asked for, on stdout.
                standardOutput.write(Data((RolloutStatusCommand.fullMessage(for: error) + "\n").utf8))
                return .success
            }
            return fail(with: error, invocation: nil, started: started)
        }
    }

    /// Runs an already parsed command.
    public func execute(_ command: RolloutStatusCommand) async -> GateExitCode {
        await execute(command, started: Started(wallClock: wallClock))
    }

    /// Runs `rollout-status demo`.
    public func executeDemo() async -> GateExitCode {
        await demo(self)
    }

    private func execute(_ command: RolloutStatusCommand, started: Started) async -> GateExitCode {
        let invocation: GateInvocation
        do {
            invocation = try command.invocation()
        } catch {
            return fail(with: error, invocation: nil, started: started)
        }
        if invocation.request.verbosity > .quiet {
            for note in invocation.notes { standardError.line(note) }
        }
        var skipped: [SkippedObject] = []
        do {
            var request = invocation.request
            if !invocation.manifestPaths.isEmpty {
                let manifests = try ManifestLoader(
                    kinds: Set(request.kinds),
                    standardInput: standardInput
                ).load(paths: invocation.manifestPaths, recursive: invocation.recursive)
                request.manifestTargets = try Self.placed(manifests.workloads, in: request.namespaces)
                request.skipped = manifests.skipped
                skipped = manifests.skipped
                if request.selector == nil && request.manifestTargets.isEmpty {
                    throw GateUsageError(
                        "the manifests hold no \(request.kinds.map(\.rawValue).joined(separator: ", ")) to wait for"
                            + " (\(manifests.skipped.count) other objects skipped)"
                    )
                }
            }
            let report = try await runner.run(request, diagnostics: standardError)
            if let error = report.error, error.type == .program, report.interruptedBy == nil {
                // A program error found while watching (credentials refused, the API server gone) gets
                // the same one line as one found before the run.
                standardError.line(Self.errorLine(error))
            }
            return deliver(report, invocation: invocation)
        } catch {
            return fail(with: error, invocation: invocation, started: started, skipped: skipped)
        }
    }

    /// Turns an error into a report, prints its one line on stderr and delivers the report.
    ///
    /// The report keeps the manifest objects already skipped, so an API error still shows what was read.
    func fail(
        with error: any Error,
        invocation: GateInvocation?,
        started: Started,
        skipped: [SkippedObject] = []
    ) -> GateExitCode {
        let (reportError, _) = ErrorPresentation.classify(error)
        standardError.line(Self.errorLine(reportError))
        let report = GateReport(
            timing: started.timing(wallClock: wallClock),
            results: [],
            skipped: skipped,
            conclusion: .error(reportError)
        )
        return deliver(report, invocation: invocation)
    }

    /// `rollout-status: CODE: sentence`, one line whatever the message holds (server text included).
    static func errorLine(_ error: ReportError) -> String {
        "rollout-status: \(error.code.rawValue): \(UntrustedText.singleLine(error.message))"
    }

    /// Prints the report on stdout, writes the requested files, annotates GitHub Actions; returns the code.
    private func deliver(_ report: GateReport, invocation: GateInvocation?) -> GateExitCode {
        var exitCode = GateExitCode(report: report)
        let json: Data
        do {
            json = try ReportEncoder().encode(report)
        } catch {
            // Encoding our own value types cannot fail; if it ever does, that is a bug worth its own code.
            standardError.line("rollout-status: internal: cannot encode the report: \(error)")
            return .internalError
        }
        switch invocation?.format ?? .json {
        case .json: standardOutput.write(json)
        case .text: standardOutput.write(Data(TextReportRenderer().render(report).utf8))
        }
        let writer = ReportFileWriter()
        var files: [(String, Data)] = []
        if let path = invocation?.reportFile { files.append((path, json)) }
        if let path = invocation?.junitFile { files.append((path, Data(JUnitReportRenderer().render(report).utf8))) }
        for (path, data) in files {
            do {
                try writer.write(data, to: path)
            } catch {
                standardError.line("rollout-status: invalid-input: \(error.description)")
                if exitCode == .success { exitCode = .usage }
            }
        }
        if environment["GITHUB_ACTIONS"] == "true" {
            let renderer = GitHubActionsRenderer()
            let annotations = renderer.annotations(report)
            if !annotations.isEmpty { standardError.line(String(annotations.dropLast())) }
            if let summaryPath = environment["GITHUB_STEP_SUMMARY"], !summaryPath.isEmpty {
                do {
                    try writer.append(Data(renderer.summary(report).utf8), to: summaryPath)
                } catch {
                    standardError.line("rollout-status: cannot append the job summary: \(error.description)")
                }
            }
        }
        return exitCode
    }

    /// Puts manifest workloads without a namespace into the one `-n` namespace, if one was given.
    ///
    /// With several `-n` namespaces a manifest without a namespace is ambiguous, as it is for kubectl.
    static func placed(
        _ workloads: [ManifestWorkload],
        in scope: NamespaceScope
    ) throws(GateUsageError)
        -> [ManifestWorkload]
    {
        try workloads.map { (workload: ManifestWorkload) throws(GateUsageError) -> ManifestWorkload in
            guard workload.namespace == nil else { return workload }
            switch scope {
            case .named(let namespaces) where namespaces.count == 1:
                var placed = workload
                placed.namespace = namespaces[0]
                return placed
            case .named(let namespaces):
                throw GateUsageError(
                    "\(workload.source): \(workload.kind.rawValue) \(workload.name) has no namespace, and -n names "
                        + "\(namespaces.count) (\(namespaces.joined(separator: ","))); give it one"
                )
            case .contextDefault, .all:
                return workload
            }
        }
    }

    /// Go's boolean flag syntax `-flag=true|false` for the original's booleans, as ArgumentParser flags.
    static func normalised(_ arguments: [String]) -> [String] {
        let booleans = ["ignore-secret-not-found"]
        let truths: Set<String> = ["1", "t", "T", "true", "TRUE", "True"]
        let falsehoods: Set<String> = ["0", "f", "F", "false", "FALSE", "False"]
        var result: [String] = []
        for argument in arguments {
            if argument == "--" {
                result.append(argument)
                continue
            }
            let body = argument.drop { $0 == "-" }
            let dashes = argument.count - body.count
            if (1...2).contains(dashes), let equals = body.firstIndex(of: "="),
                booleans.contains(String(body[..<equals]))
            {
                let value = String(body[body.index(after: equals)...])
                if truths.contains(value) {
                    result.append(String(argument.prefix(dashes)) + body[..<equals])
                    continue
                }
                if falsehoods.contains(value) { continue }
            }
            result.append(argument)
        }
        return result
    }

    /// The demo until the coordinator work wires the simulated cluster in.
    public static let demoNotWired: @Sendable (GateProgram) async -> GateExitCode = { program in
        let started = Started(wallClock: program.wallClock)
        return program.fail(
            with: DemoNotWiredError(),
            invocation: nil,
            started: started
        )
    }
}

/// When the program started, by the wall clock and the monotonic clock.
struct Started: Sendable {
    var wall: Date
    var monotonic: ContinuousClock.Instant

    init(wallClock: @Sendable () -> Date) {
        wall = wallClock()
        monotonic = ContinuousClock.now
    }

    func timing(wallClock: @Sendable () -> Date) -> GateTiming {
        GateTiming(
            startedAt: KubeTime(wall),
            finishedAt: KubeTime(wallClock()),
            duration: ContinuousClock.now - monotonic
        )
    }
}

/// `rollout-status demo` before the simulated cluster is wired in.
struct DemoNotWiredError: GateProgramError {
    var programErrorCode: ProgramErrorCode { .internal }
    var description: String {
        "the demo is not available in this build yet: the embedded simulated cluster is wired in with the coordinator"
    }
}

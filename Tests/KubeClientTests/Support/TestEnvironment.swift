import Foundation
import KubeClient
import Synchronization

/// Files kept in memory, so configuration tests never touch the real home directory.
final class InMemoryFileSystem: FileSystem {
    private let files: Mutex<[String: Data]>
    private let executables: Mutex<Set<String>>

    init(_ files: [String: String] = [:], executables: Set<String> = []) {
        self.files = Mutex(files.mapValues { Data($0.utf8) })
        self.executables = Mutex(executables)
    }

    func write(_ path: String, _ text: String) {
        files.withLock { $0[path] = Data(text.utf8) }
    }

    func write(_ path: String, data: Data) {
        files.withLock { $0[path] = data }
    }

    func contents(ofFile path: String) throws(FileReadError) -> Data {
        let data = files.withLock { $0[path] }
        guard let data else { throw .notFound(path: path) }
        return data
    }

    func isExecutableFile(atPath path: String) -> Bool {
        executables.withLock { $0.contains(path) }
    }
}

/// Collects what the client writes to its diagnostics sink.
final class DiagnosticsRecorder: Sendable {
    private let lines = Mutex<[String]>([])

    var sink: @Sendable (String) -> Void { { [self] line in lines.withLock { $0.append(line) } } }
    var recorded: [String] { lines.withLock { $0 } }
}

/// A process runner that answers from a script and records every invocation.
final class ScriptedProcessRunner: ProcessRunner {
    private let outputs: Mutex<[ProcessOutput]>
    private let calls = Mutex<[ProcessInvocation]>([])

    init(_ outputs: [ProcessOutput]) {
        self.outputs = Mutex(outputs)
    }

    var invocations: [ProcessInvocation] { calls.withLock { $0 } }

    func run(_ invocation: ProcessInvocation) async throws -> ProcessOutput {
        calls.withLock { $0.append(invocation) }
        return outputs.withLock { outputs in
            outputs.count > 1 ? outputs.removeFirst() : outputs[0]
        }
    }
}

/// The fixture files next to this test target (test PKI and fake exec plugins).
enum Fixtures {
    static let folder = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .appendingPathComponent("Fixtures").path

    static func path(_ relative: String) -> String { (folder as NSString).appendingPathComponent(relative) }

    static func text(_ relative: String) throws -> String {
        try String(contentsOfFile: path(relative), encoding: .utf8)
    }

    static func base64(_ relative: String) throws -> String {
        Data(try text(relative).utf8).base64EncodedString()
    }

    static var plugin: String { path("plugins/fake-exec-plugin") }
}

extension KubeClientEnvironment {
    /// An environment made only of the given parts.
    static func test(
        variables: [String: String] = [:],
        home: String? = "/home/tester",
        files: any FileSystem = InMemoryFileSystem(),
        runner: any ProcessRunner = ScriptedProcessRunner([
            ProcessOutput(exitStatus: 0, standardOutput: Data(), standardError: Data())
        ]),
        now: @escaping @Sendable () -> Date = { Date(timeIntervalSince1970: 1_800_000_000) },
        diagnostics: DiagnosticsRecorder = DiagnosticsRecorder(),
        inClusterRoot: String = "/pod"
    ) -> KubeClientEnvironment {
        KubeClientEnvironment(
            variables: variables,
            homeDirectory: home,
            fileSystem: files,
            processRunner: runner,
            now: now,
            random: { 0.5 },
            diagnostics: diagnostics.sink,
            inClusterRoot: inClusterRoot
        )
    }
}

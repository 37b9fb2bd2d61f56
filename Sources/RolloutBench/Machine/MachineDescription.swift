import Foundation

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// The machine and the software a run measured, printed above every table: figures mean little
/// without them.
public struct MachineDescription: Codable, Sendable, Hashable {
    /// `model name` from `/proc/cpuinfo`.
    public var cpuModel: String
    /// Online CPUs.
    public var cores: Int
    /// `MemTotal` in bytes.
    public var memoryBytes: Int
    /// `uname -sr`.
    public var kernel: String
    /// The first line of `swift --version`.
    public var swiftVersion: String
    /// `git rev-parse HEAD` of the working tree, with `-dirty` when it has uncommitted changes.
    public var commit: String
    /// kubectl's client version.
    public var kubectlVersion: String
    /// The 1-minute load average when the run started and ended: the machine is shared, and a loaded
    /// machine stretches every figure.
    public var loadAverage: [Double]
    /// When the run started (RFC 3339).
    public var date: String

    /// Reads the machine's description; `swift`, `git` and `kubectl` are run through `runner`.
    static func current(runner: CommandRunner, kubectl: String?) async -> MachineDescription {
        let cpuinfo = (try? String(contentsOfFile: "/proc/cpuinfo", encoding: .utf8)) ?? ""
        let model =
            cpuinfo.split(separator: "\n")
            .first { $0.hasPrefix("model name") }
            .flatMap { $0.split(separator: ":", maxSplits: 1).last }
            .map { $0.trimmingCharacters(in: .whitespaces) } ?? "unknown"
        let meminfo = (try? String(contentsOfFile: "/proc/meminfo", encoding: .utf8)) ?? ""
        let memoryKiB =
            meminfo.split(separator: "\n")
            .first { $0.hasPrefix("MemTotal:") }
            .flatMap { line in line.split(separator: " ").dropFirst().first.flatMap { Int($0) } } ?? 0
        var names = utsname()
        uname(&names)
        let kernel = [names.sysname, names.release].map { field in
            withUnsafeBytes(of: field) { String(decoding: $0.prefix { $0 != 0 }, as: UTF8.self) }
        }.joined(separator: " ")
        let swift = await runner.firstLine("swift", ["--version"]) ?? "unknown"
        let head = await runner.firstLine("git", ["rev-parse", "HEAD"]) ?? "unknown"
        let dirty = await runner.output("git", ["status", "--porcelain", "--untracked-files=no"]).map { !$0.isEmpty }
        var kubectlVersion = "not found"
        if let kubectl, let json = await runner.output(kubectl, ["version", "--client", "-o", "json"]),
            let object = try? JSONSerialization.jsonObject(with: Data(json.utf8)) as? [String: Any],
            let client = object["clientVersion"] as? [String: Any], let version = client["gitVersion"] as? String
        {
            kubectlVersion = version
        }
        return MachineDescription(
            cpuModel: model,
            cores: Int(sysconf(Int32(_SC_NPROCESSORS_ONLN))),
            memoryBytes: memoryKiB * 1024,
            kernel: kernel,
            swiftVersion: swift,
            commit: head + (dirty == true ? "-dirty" : ""),
            kubectlVersion: kubectlVersion,
            loadAverage: [Self.loadAverage()],
            date: ISO8601DateFormatter().string(from: Date())
        )
    }

    /// The 1-minute load average now.
    static func loadAverage() -> Double {
        let text = (try? String(contentsOfFile: "/proc/loadavg", encoding: .utf8)) ?? ""
        return text.split(separator: " ").first.flatMap { Double($0) } ?? -1
    }

    /// One line for logs and the report.
    public var summary: String {
        let memory = String(format: "%.1f GiB", Double(memoryBytes) / 1_073_741_824)
        let load = loadAverage.map { String(format: "%.2f", $0) }.joined(separator: " → ")
        return "\(cpuModel), \(cores) cores, \(memory) RAM; \(kernel); \(swiftVersion); kubectl \(kubectlVersion); "
            + "commit \(commit); load average \(load)"
    }
}

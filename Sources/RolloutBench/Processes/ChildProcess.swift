import NIOPosix

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Where a child's standard output or error goes.
public enum ChildOutput: Sendable, Hashable {
    /// Discarded (`/dev/null`).
    case null
    /// Written to this file, truncated first.
    case file(String)
    /// A pipe the benchmark reads (used for the simulator's `READY` line).
    case pipe
}

/// A process to start, as a pipeline would: an executable, its arguments, its environment and its output.
public struct ProcessSpec: Sendable, Hashable {
    /// The executable's absolute path (no `PATH` search: the benchmark names exactly what it measures).
    public var executable: String
    /// The arguments, without the program name.
    public var arguments: [String]
    /// The whole environment of the child.
    public var environment: [String: String]
    /// Standard output.
    public var standardOutput: ChildOutput
    /// Standard error.
    public var standardError: ChildOutput

    /// Creates a spec; output is discarded unless redirected.
    public init(
        executable: String,
        arguments: [String],
        environment: [String: String],
        standardOutput: ChildOutput = .null,
        standardError: ChildOutput = .null
    ) {
        self.executable = executable
        self.arguments = arguments
        self.environment = environment
        self.standardOutput = standardOutput
        self.standardError = standardError
    }

    /// The command line as one line of text, for logs and the results.
    public var commandLine: String {
        ([executable] + arguments).map { $0.contains(" ") ? "'\($0)'" : $0 }.joined(separator: " ")
    }
}

/// How a child ended, with what the kernel accounted for it.
///
/// The CPU times and the peak resident set come from `wait4`'s `rusage` for that one child, so they are
/// the operating system's figures, not estimates; the end instant is taken the moment `wait4` returns.
public struct ProcessOutcome: Codable, Sendable, Hashable {
    /// Exit status or signal.
    public enum Termination: Codable, Sendable, Hashable, CustomStringConvertible {
        /// `exit(code)`.
        case exited(Int32)
        /// Killed by a signal.
        case signalled(Int32)

        /// "exit 1" or "signal 9".
        public var description: String {
            switch self {
            case .exited(let code): "exit \(code)"
            case .signalled(let signal): "signal \(signal)"
            }
        }
    }

    /// How it ended.
    public var termination: Termination
    /// Just before `posix_spawn`.
    public var startedAt: WallInstant
    /// When `wait4` returned.
    public var endedAt: WallInstant
    /// Wall time on the monotonic clock, spawn to reap.
    public var wallSeconds: Double
    /// User CPU seconds of the child.
    public var userCPUSeconds: Double
    /// System CPU seconds of the child.
    public var systemCPUSeconds: Double
    /// Peak resident set size in bytes (`ru_maxrss`).
    public var peakRSSBytes: Int

    /// User plus system CPU seconds.
    public var cpuSeconds: Double { userCPUSeconds + systemCPUSeconds }

    /// The exit code, if the child exited normally.
    public var exitCode: Int32? {
        if case .exited(let code) = termination { return code }
        return nil
    }
}

/// A started child process.
///
/// Started with `posix_spawn` and reaped with `wait4` on a thread of a `NIOThreadPool`, so waiting never
/// blocks a Swift concurrency thread and the exit instant is taken as soon as the kernel reports it.
public struct ChildProcess: Sendable, Hashable {
    /// The process ID.
    public let pid: pid_t
    /// What was started.
    public let spec: ProcessSpec
    /// Just before `posix_spawn`.
    public let startedAt: WallInstant
    /// The monotonic clock just before `posix_spawn`.
    public let startedMonotonic: MonotonicInstant
    /// The read end of the standard output pipe, when `spec.standardOutput` is `.pipe`.
    public let standardOutputPipe: Int32?

    /// Starts `spec`.
    public static func launch(_ spec: ProcessSpec) throws(BenchError) -> ChildProcess {
        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        var attributes = posix_spawnattr_t()
        posix_spawnattr_init(&attributes)
        defer { posix_spawnattr_destroy(&attributes) }

        // The child starts with no blocked signals and default dispositions for the ones a gate handles,
        // whatever the benchmark's own process inherited or set.
        var emptyMask = sigset_t()
        sigemptyset(&emptyMask)
        posix_spawnattr_setsigmask(&attributes, &emptyMask)
        var defaults = sigset_t()
        sigemptyset(&defaults)
        for signal in [SIGPIPE, SIGINT, SIGTERM, SIGCHLD] { sigaddset(&defaults, signal) }
        posix_spawnattr_setsigdefault(&attributes, &defaults)
        posix_spawnattr_setflags(&attributes, Int16(POSIX_SPAWN_SETSIGMASK | POSIX_SPAWN_SETSIGDEF))

        posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0)
        var pipeEnds: [Int32] = [-1, -1]
        for (fd, output) in [(Int32(1), spec.standardOutput), (Int32(2), spec.standardError)] {
            switch output {
            case .null:
                posix_spawn_file_actions_addopen(&actions, fd, "/dev/null", O_WRONLY, 0)
            case .file(let path):
                posix_spawn_file_actions_addopen(&actions, fd, path, O_WRONLY | O_CREAT | O_TRUNC, 0o644)
            case .pipe:
                guard pipeEnds[0] < 0 else { throw BenchError("only one stream of a child can be a pipe") }
                // Close-on-exec so no other child inherits the pipe; dup2 gives the child a plain copy.
                guard pipe(&pipeEnds) == 0 else { throw .system("pipe", errno: errno) }
                _ = fcntl(pipeEnds[0], F_SETFD, FD_CLOEXEC)
                _ = fcntl(pipeEnds[1], F_SETFD, FD_CLOEXEC)
                posix_spawn_file_actions_adddup2(&actions, pipeEnds[1], fd)
            }
        }

        let arguments = [spec.executable] + spec.arguments
        let environment = spec.environment.sorted { $0.key < $1.key }.map { "\($0.key)=\($0.value)" }
        var pid: pid_t = 0
        let startedAt = WallInstant.now()
        let startedMonotonic = MonotonicInstant.now()
        let result = withCStrings(arguments) { argv in
            withCStrings(environment) { envp in
                posix_spawn(&pid, spec.executable, &actions, &attributes, argv, envp)
            }
        }
        if pipeEnds[1] >= 0 { close(pipeEnds[1]) }
        guard result == 0 else {
            if pipeEnds[0] >= 0 { close(pipeEnds[0]) }
            throw .system("starting \(spec.executable)", errno: result)
        }
        return ChildProcess(
            pid: pid,
            spec: spec,
            startedAt: startedAt,
            startedMonotonic: startedMonotonic,
            standardOutputPipe: pipeEnds[0] >= 0 ? pipeEnds[0] : nil
        )
    }

    /// Sends `signal` to the child (ignored if it has already been reaped).
    public func send(_ signal: Int32) {
        kill(pid, signal)
    }

    /// Waits for the child to end, on a thread of `pool`.
    public func wait(using pool: NIOThreadPool) async throws -> ProcessOutcome {
        let child = self
        return try await pool.runIfActive { try child.blockingWait() }
    }

    /// Reaps this child, blocking the calling thread.
    func blockingWait() throws(BenchError) -> ProcessOutcome {
        var status: Int32 = 0
        var usage = rusage()
        while true {
            let reaped = wait4(pid, &status, 0, &usage)
            if reaped == pid { break }
            if reaped < 0 && errno == EINTR { continue }
            throw .system("waiting for \(spec.executable) (pid \(pid))", errno: errno)
        }
        return outcome(status: status, usage: usage, endedAt: WallInstant.now(), endedMonotonic: .now())
    }

    func outcome(
        status: Int32,
        usage: rusage,
        endedAt: WallInstant,
        endedMonotonic: MonotonicInstant
    ) -> ProcessOutcome {
        ProcessOutcome(
            termination: Self.termination(status),
            startedAt: startedAt,
            endedAt: endedAt,
            wallSeconds: endedMonotonic.seconds(since: startedMonotonic),
            userCPUSeconds: Double(usage.ru_utime.tv_sec) + Double(usage.ru_utime.tv_usec) / 1e6,
            systemCPUSeconds: Double(usage.ru_stime.tv_sec) + Double(usage.ru_stime.tv_usec) / 1e6,
            // Linux reports ru_maxrss in kibibytes.
            peakRSSBytes: Int(usage.ru_maxrss) * 1024
        )
    }

    /// Decodes a `wait` status (the `WIFEXITED`/`WEXITSTATUS`/`WTERMSIG` macros, which Swift cannot import).
    static func termination(_ status: Int32) -> ProcessOutcome.Termination {
        let signal = status & 0x7f
        return signal == 0 ? .exited((status >> 8) & 0xff) : .signalled(signal)
    }

    /// Reaps every child in `children`, in whatever order they end, on one thread of `pool`.
    public static func waitAll(
        _ children: [ChildProcess],
        using pool: NIOThreadPool
    ) async throws -> [pid_t: ProcessOutcome] {
        try await pool.runIfActive { () throws -> [pid_t: ProcessOutcome] in
            var set = ChildSet()
            defer { set.closeAll() }
            for child in children { try set.insert(child) }
            var outcomes: [pid_t: ProcessOutcome] = [:]
            while !set.isEmpty {
                for outcome in try set.reapSome() { outcomes[outcome.pid] = outcome.outcome }
            }
            return outcomes
        }
    }

    /// Reads the child's standard output pipe until a line starting with `prefix` arrives, on a thread
    /// of `pool`; returns that line without the prefix.
    ///
    /// Waits with `poll` up to `timeout`, so a child that hangs before printing is an error, not a hang.
    /// Lines before it are skipped. The pipe stays open (the child may write more later; nothing reads it).
    public func readLine(
        startingWith prefix: String,
        timeout: Duration,
        using pool: NIOThreadPool
    ) async throws -> String {
        guard let fd = standardOutputPipe else { throw BenchError("\(spec.executable)'s output is not a pipe") }
        let executable = spec.executable
        return try await pool.runIfActive { () throws -> String in
            let deadline = MonotonicInstant.now().nanoseconds + UInt64(timeout.components.seconds) * 1_000_000_000
            var pending: [UInt8] = []
            var buffer = [UInt8](repeating: 0, count: 4096)
            while true {
                while let newline = pending.firstIndex(of: UInt8(ascii: "\n")) {
                    let line = String(decoding: pending[..<newline], as: UTF8.self)
                    pending.removeSubrange(...newline)
                    if line.hasPrefix(prefix) { return String(line.dropFirst(prefix.count)) }
                }
                let now = MonotonicInstant.now().nanoseconds
                guard now < deadline else {
                    throw BenchError("\(executable) printed no \(prefix.trimmingSpaces) line within \(timeout)")
                }
                var descriptor = pollfd(fd: fd, events: Int16(POLLIN), revents: 0)
                let ready = poll(&descriptor, 1, Int32((deadline - now) / 1_000_000) + 1)
                if ready < 0 {
                    if errno == EINTR { continue }
                    throw BenchError.system("reading \(executable)'s output", errno: errno)
                }
                if ready == 0 { continue }
                let count = read(fd, &buffer, buffer.count)
                if count < 0 {
                    if errno == EINTR { continue }
                    throw BenchError.system("reading \(executable)'s output", errno: errno)
                }
                if count == 0 {
                    throw BenchError("\(executable) exited before printing a \(prefix.trimmingSpaces) line")
                }
                pending.append(contentsOf: buffer[..<count])
            }
        }
    }
}

extension String {
    fileprivate var trimmingSpaces: String {
        String(drop { $0 == " " }.reversed().drop { $0 == " " }.reversed())
    }
}

/// Calls `body` with a NULL-terminated C array of copies of `strings`, freed afterwards.
private func withCStrings<Result>(
    _ strings: [String],
    _ body: ([UnsafeMutablePointer<CChar>?]) -> Result
) -> Result {
    let pointers = strings.map { strdup($0) }
    defer { pointers.forEach { free($0) } }
    return body(pointers + [nil])
}

/// Children waited on together through their pidfds (`pidfd_open`, Linux 5.3): `poll` says which ended,
/// and only those are reaped, with `wait4` on their own pid.
///
/// A `wait4(-1)` would do the same with no file descriptors, but it reaps *any* child of the process,
/// including those another part of the program (a test running beside this one) is waiting for.
struct ChildSet {
    private var members: [(child: ChildProcess, pidfd: Int32)] = []

    var isEmpty: Bool { members.isEmpty }
    var count: Int { members.count }

    /// `pidfd_open`, looked up at run time: glibc declares it in `<sys/pidfd.h>`, which Swift's Glibc
    /// module does not include.
    private static let pidfdOpen: (@convention(c) (pid_t, UInt32) -> Int32)? = {
        guard let symbol = dlsym(UnsafeMutableRawPointer(bitPattern: 0), "pidfd_open") else { return nil }
        return unsafeBitCast(symbol, to: (@convention(c) (pid_t, UInt32) -> Int32).self)
    }()

    mutating func insert(_ child: ChildProcess) throws {
        guard let open = Self.pidfdOpen else { throw BenchError("this system has no pidfd_open (Linux 5.3 or later)") }
        let fd = open(child.pid, 0)
        guard fd >= 0 else { throw BenchError.system("pidfd_open for pid \(child.pid)", errno: errno) }
        _ = fcntl(fd, F_SETFD, FD_CLOEXEC)
        members.append((child, fd))
    }

    /// Blocks until at least one child has ended; reaps and returns those that have.
    mutating func reapSome() throws -> [(pid: pid_t, outcome: ProcessOutcome)] {
        var descriptors = members.map { pollfd(fd: $0.pidfd, events: Int16(POLLIN), revents: 0) }
        while true {
            let ready = poll(&descriptors, nfds_t(descriptors.count), -1)
            if ready > 0 { break }
            if ready < 0 && errno != EINTR { throw BenchError.system("poll on \(members.count) pidfds", errno: errno) }
        }
        let endedAt = WallInstant.now()
        let endedMonotonic = MonotonicInstant.now()
        var reaped: [(pid: pid_t, outcome: ProcessOutcome)] = []
        var remaining: [(child: ChildProcess, pidfd: Int32)] = []
        for (member, descriptor) in zip(members, descriptors) {
            guard descriptor.revents != 0 else {
                remaining.append(member)
                continue
            }
            var status: Int32 = 0
            var usage = rusage()
            var result: pid_t
            repeat { result = wait4(member.child.pid, &status, 0, &usage) } while result < 0 && errno == EINTR
            close(member.pidfd)
            guard result == member.child.pid else {
                throw BenchError.system("waiting for pid \(member.child.pid)", errno: errno)
            }
            reaped.append(
                (
                    member.child.pid,
                    member.child.outcome(
                        status: status,
                        usage: usage,
                        endedAt: endedAt,
                        endedMonotonic: endedMonotonic
                    )
                )
            )
        }
        members = remaining
        return reaped
    }

    /// Kills and reaps every remaining child (on errors), and closes their pidfds.
    mutating func killAll() {
        for member in members {
            kill(member.child.pid, SIGKILL)
            var status: Int32 = 0
            waitpid(member.child.pid, &status, 0)
        }
        closeAll()
    }

    mutating func closeAll() {
        for member in members { close(member.pidfd) }
        members = []
    }
}

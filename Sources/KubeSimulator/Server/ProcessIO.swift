import Foundation
import NIOPosix

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Writes whole lines to stdout immediately (no stdio buffering), so a parent process reading
/// `READY <url>` through a pipe sees it at once.
enum StandardOutput {
    static func line(_ text: String) {
        FileHandle.standardOutput.write(Data((text + "\n").utf8))
    }
}

/// Writes diagnostic lines to stderr.
struct StandardError: Sendable {
    func write(_ text: String) {
        FileHandle.standardError.write(Data((text + "\n").utf8))
    }
}

/// The self-pipe the signal handler writes the signal number into; created once, never changed.
private let signalPipe: (read: Int32, write: Int32) = {
    var descriptors: [Int32] = [-1, -1]
    _ = pipe(&descriptors)
    return (descriptors[0], descriptors[1])
}()

/// Waits for SIGINT or SIGTERM without Dispatch: the handler writes the signal number into a pipe, and a
/// blocking read on NIO's thread pool turns it into an `await`.
struct SignalWaiter: Sendable {
    /// Installs the handlers for SIGINT and SIGTERM.
    init() {
        _ = signalPipe
        let handler: @convention(c) (Int32) -> Void = { number in
            var byte = UInt8(truncatingIfNeeded: number)
            _ = write(signalPipe.write, &byte, 1)
        }
        signal(SIGINT, handler)
        signal(SIGTERM, handler)
        // A reader of stdout or stderr that goes away must not kill the simulator.
        signal(SIGPIPE, SIG_IGN)
    }

    /// Returns the name of the first signal received.
    func wait() async -> String {
        let descriptor = signalPipe.read
        let number: UInt8
        do {
            number = try await NIOThreadPool.singleton.runIfActive {
                var byte: UInt8 = 0
                while read(descriptor, &byte, 1) < 0, errno == EINTR {}
                return byte
            }
        } catch {
            return "thread pool stopped"
        }
        return Int32(number) == SIGINT ? "SIGINT" : "SIGTERM"
    }
}

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// An instant on the machine's real-time clock (`CLOCK_REALTIME`), in nanoseconds since the Unix epoch.
///
/// The benchmark compares instants taken in different processes: the simulator's publish time of a change
/// and the moment the gate's process exited. Only the real-time clock is shared between processes, so
/// every cross-process figure is a difference of two `WallInstant`s; durations within the benchmark's
/// own process use ``MonotonicInstant``.
public struct WallInstant: Codable, Sendable, Hashable, Comparable, CustomStringConvertible {
    /// Nanoseconds since 1970-01-01T00:00:00Z.
    public var nanoseconds: Int64

    /// Wraps a nanosecond count.
    public init(nanoseconds: Int64) {
        self.nanoseconds = nanoseconds
    }

    /// Wraps seconds since the epoch (as a `Date` carries them).
    public init(secondsSince1970 seconds: Double) {
        nanoseconds = Int64((seconds * 1e9).rounded())
    }

    /// The real-time clock now.
    public static func now() -> WallInstant {
        var time = timespec()
        clock_gettime(CLOCK_REALTIME, &time)
        return WallInstant(nanoseconds: Int64(time.tv_sec) * 1_000_000_000 + Int64(time.tv_nsec))
    }

    /// Seconds since the epoch, for `Date`.
    public var secondsSince1970: Double { Double(nanoseconds) / 1e9 }

    /// Milliseconds from `earlier` to this instant (negative if `earlier` is later).
    public func milliseconds(since earlier: WallInstant) -> Double {
        Double(nanoseconds - earlier.nanoseconds) / 1e6
    }

    /// This instant moved by `seconds`.
    public func adding(seconds: Double) -> WallInstant {
        WallInstant(nanoseconds: nanoseconds + Int64((seconds * 1e9).rounded()))
    }

    /// Orders instants.
    public static func < (lhs: WallInstant, rhs: WallInstant) -> Bool { lhs.nanoseconds < rhs.nanoseconds }

    /// Seconds since the epoch with nanoseconds.
    public var description: String {
        let seconds = nanoseconds / 1_000_000_000
        let fraction = String(nanoseconds % 1_000_000_000)
        return "\(seconds).\(String(repeating: "0", count: 9 - fraction.count))\(fraction)"
    }
}

/// An instant on the monotonic clock, for durations measured inside the benchmark's process.
public struct MonotonicInstant: Sendable, Hashable, Comparable {
    /// Nanoseconds since an arbitrary point (boot).
    public var nanoseconds: UInt64

    /// The monotonic clock now.
    public static func now() -> MonotonicInstant {
        var time = timespec()
        clock_gettime(CLOCK_MONOTONIC, &time)
        return MonotonicInstant(nanoseconds: UInt64(time.tv_sec) * 1_000_000_000 + UInt64(time.tv_nsec))
    }

    /// Seconds from `earlier` to this instant.
    public func seconds(since earlier: MonotonicInstant) -> Double {
        Double(Int64(bitPattern: nanoseconds &- earlier.nanoseconds)) / 1e9
    }

    /// Orders instants.
    public static func < (lhs: MonotonicInstant, rhs: MonotonicInstant) -> Bool { lhs.nanoseconds < rhs.nanoseconds }
}

import Foundation
import RolloutReport
import Synchronization
import Testing

/// A reader polling a report file while the writer replaces it again and again only ever sees one
/// complete version or the other: the property a pipeline step reading `--report-file` relies on.
@Suite("Report file atomicity", .timeLimit(.minutes(2)))
struct ReportFileAtomicityTests {
    @Test("a concurrent reader never sees a partial file")
    func concurrentReader() async throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("atomicity-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        let path = directory.appendingPathComponent("report.json").path
        // Large enough that a write takes several system calls.
        let versions = [
            Data(repeating: UInt8(ascii: "a"), count: 3 << 20), Data(repeating: UInt8(ascii: "b"), count: 2 << 20),
        ]
        let writer = ReportFileWriter()
        try writer.write(versions[0], to: path)

        let stop = Mutex(false)
        let observed = Mutex((reads: 0, torn: [Int]()))
        // The reader runs on a thread of its own and reports its end through a continuation: the test's
        // task never blocks one of Swift concurrency's threads waiting for it.
        let finished = Mutex<(done: Bool, waiter: CheckedContinuation<Void, Never>?)>((false, nil))
        let reader = Thread {
            while !stop.withLock({ $0 }) {
                guard let data = FileManager.default.contents(atPath: path) else { continue }
                let whole = versions.contains(data)
                observed.withLock {
                    $0.reads += 1
                    if !whole { $0.torn.append(data.count) }
                }
            }
            finished.withLock { state in
                state.done = true
                return state.waiter.take()
            }?.resume()
        }
        reader.start()
        for round in 0..<150 {
            try writer.write(versions[round % 2], to: path)
        }
        stop.withLock { $0 = true }
        await withCheckedContinuation { (continuation: CheckedContinuation<Void, Never>) in
            let done = finished.withLock { state in
                if !state.done { state.waiter = continuation }
                return state.done
            }
            if done { continuation.resume() }
        }
        let (reads, torn) = observed.withLock { ($0.reads, $0.torn) }
        #expect(reads > 0)
        #expect(torn.isEmpty, "partial files seen, sizes \(torn.prefix(5))")
        #expect(try FileManager.default.contentsOfDirectory(atPath: directory.path) == ["report.json"])
    }
}

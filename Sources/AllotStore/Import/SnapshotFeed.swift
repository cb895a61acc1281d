import Foundation
import AllotCore

/// The hand-over of one file's checked rows from its reading thread to the writer, chunk by chunk, so that
/// writing starts while large files are still being read.
final class SnapshotFeed: @unchecked Sendable {
    let spec: SnapshotLayout.File
    /// The file's size, to decide on bulk loading before its rows arrive.
    let bytes: Int
    private let condition = NSCondition()
    private var queue: [RowChunk] = []
    private var head = 0
    private var done = false
    private var readProblems: [ImportProblem] = []
    private var seconds = 0.0

    init(spec: SnapshotLayout.File, bytes: Int) { self.spec = spec; self.bytes = bytes }

    func push(_ chunk: RowChunk) {
        condition.lock()
        queue.append(chunk)
        condition.signal()
        condition.unlock()
    }

    func finish(problems: [ImportProblem], seconds: Double) {
        condition.lock()
        readProblems = problems
        self.seconds = seconds
        done = true
        condition.broadcast()
        condition.unlock()
    }

    /// The next chunk, waiting for the reader; nil once the file is read through.
    func next() -> RowChunk? {
        condition.lock()
        defer { condition.unlock() }
        while head == queue.count && !done { condition.wait() }
        guard head < queue.count else { return nil }
        let c = queue[head]
        queue[head] = RowChunk()  // let the chunk's memory go once the writer has it
        head += 1
        return c
    }

    /// The reading problems and time, once `next()` returned nil.
    var result: (problems: [ImportProblem], seconds: Double) {
        condition.lock()
        defer { condition.unlock() }
        return (readProblems, seconds)
    }

    /// Starts reading every file on background threads, the largest first, at most `threads` at a time.
    static func startReading(_ files: [SnapshotLayout.File], directory: String, threads: Int = 2) -> [String: SnapshotFeed] {
        let sized = files.map { f -> SnapshotFeed in
            let size = (try? FileManager.default.attributesOfItem(atPath: directory + "/" + f.name)[.size] as? Int) ?? 0
            return SnapshotFeed(spec: f, bytes: size)
        }
        let order = sized.sorted { $0.bytes > $1.bytes }
        let next = Counter()
        for _ in 0..<min(threads, order.count) {
            Thread.detachNewThread {
                while let i = next.take(below: order.count) { order[i].read(directory: directory) }
            }
        }
        return Dictionary(uniqueKeysWithValues: sized.map { ($0.spec.name, $0) })
    }

    private func read(directory: String) {
        let clock = ContinuousClock.now
        var reader = SnapshotFileReader(spec: spec)
        if let data = FileManager.default.contents(atPath: directory + "/" + spec.name) {
            reader.read(data) { push($0) }
        } else {
            reader.problem(line: nil, "cannot be read")
        }
        reader.finish()
        finish(problems: reader.problems, seconds: SnapshotTableWriter.elapsed(since: clock))
    }

    /// Hands out indexes to the reading threads.
    private final class Counter: @unchecked Sendable {
        private let lock = NSLock()
        private var value = 0
        func take(below n: Int) -> Int? {
            lock.lock(); defer { lock.unlock() }
            guard value < n else { return nil }
            value += 1
            return value - 1
        }
    }
}

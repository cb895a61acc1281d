import Foundation

/// Runs an `IncrementalReplanner` on a thread of its own, so that the watch imports the next input while the last
/// one is re-planned.
///
/// The watch asks for a catch-up after each input and goes on. A request that comes while a catch-up runs is served
/// by one more catch-up after it, which reads every change since: a backlog of inputs is re-planned together instead
/// of input by input, and the plan is never more than one catch-up behind the mirror. A catch-up that fails is
/// reported to the caller (`takeFailures`, `waitUntilIdle`) and the next request tries again from the stored cursor.
///
/// Catch-ups give way to the intake: the worker's thread runs at a lower scheduling priority (nice +10), and while
/// `busy` says the intake has inputs to import, a catch-up solves its skus on that thread alone. During a flood the
/// intake keeps its pace on the cores it uses and each catch-up reads a larger backlog (fewer, larger catch-ups); once
/// the intake is idle, the rest of a catch-up's skus are solved on every core. A catch-up that is still solving when
/// the intake has gone idle with newer inputs asked for is abandoned, and the next one takes its changes with theirs
/// (never two abandoned in a row, so that a steady trickle of inputs cannot keep the plan from moving).
///
/// While the intake has inputs waiting, a catch-up also starts no sooner than `pause` seconds after the previous one
/// ended: in a flood, back-to-back catch-ups each re-planned nearly every sku again and held the write lock the
/// intake needs; paced, each takes a larger backlog, and the plan is at most about `pause` plus one catch-up behind.
/// As soon as the intake is idle, a request is served at once.
public final class ReplanWorker: @unchecked Sendable {
    public let replanner: IncrementalReplanner
    private let busy: @Sendable () -> Bool
    /// Seconds between the end of a catch-up and the start of the next while `busy` says the intake has inputs waiting.
    public let pause: Double
    /// The pause `allot watch` uses unless told otherwise. 1M-event ingest, alternating runs: 7-8 catch-ups beside the
    /// intake became 4-5 with a 1 s pause and 3-4 with 2 s; events/s until the plan had caught up, three runs each:
    /// 75k, 71k, 79k without a pause; 79k, 83k, 82k with 1 s; 77k, 94k, 88k with 2 s.
    public static let defaultPause = 2.0
    /// Called on the worker's thread after each catch-up, with the names of the inputs asked for since the previous
    /// one; the outcome is nil when there was nothing left to re-plan (an input imported while the catch-up before
    /// ran, and read by it, is asked for after it: its name comes with nil).
    private let onOutcome: @Sendable (IncrementalReplanner.Outcome?, [String]) -> Void
    // Guarded by `lock`.
    private let lock = NSCondition()
    private var pending: [String]?
    private var running = false
    private var stopping = false
    private var finished = false
    private var failures: [String] = []
    private var abandonedLast = false
    private var abandonedCount = 0
    /// When the last catch-up ended (nil: none yet).
    private var lastEnded: Date?

    /// A worker whose catch-ups never give way (nothing else imports beside it).
    public convenience init(replanner: IncrementalReplanner,
                            onOutcome: @escaping @Sendable (IncrementalReplanner.Outcome?, [String]) -> Void = { _, _ in }) {
        self.init(replanner: replanner, givingWayTo: { false }, onOutcome: onOutcome)
    }

    public init(replanner: IncrementalReplanner, givingWayTo busy: @escaping @Sendable () -> Bool, pause: Double = ReplanWorker.defaultPause,
                onOutcome: @escaping @Sendable (IncrementalReplanner.Outcome?, [String]) -> Void) {
        self.replanner = replanner
        self.busy = busy
        self.pause = max(0, pause)
        self.onOutcome = onOutcome
        // Weakly: Foundation keeps the Thread, and so this block, until the thread's thread-local storage is torn
        // down. Had the block held the worker, the last reference to it (and so to its replanner and mirror) could be
        // dropped there, and closing the mirror's connections from that teardown corrupted the heap.
        let thread = Thread { [weak self] in
            ReplanWorker.lowerPriority()
            self?.loop()
        }
        thread.name = "allot.replan"
        // The engine runs here as it did on the main thread: give it the main thread's stack.
        thread.stackSize = 8 << 20
        thread.start()
    }

    /// Asks for a catch-up (after the input `name`, for the log); returns at once.
    public func request(after name: String? = nil) {
        lock.lock()
        pending = (pending ?? []) + (name.map { [$0] } ?? [])
        lock.broadcast()
        lock.unlock()
    }

    /// Catch-ups abandoned so far (their inputs were served by the catch-up after).
    public var abandoned: Int {
        lock.lock(); defer { lock.unlock() }
        return abandonedCount
    }

    /// Whether the running catch-up should stop: newer inputs were asked for (a request naming no input, as the watch
    /// makes between passes for workbench decisions, does not count), the intake is idle, and the one before was not
    /// abandoned. Asked by the engine's workers before each group.
    private func shouldAbandon() -> Bool {
        lock.lock()
        let waiting = pending?.isEmpty == false && !abandonedLast
        lock.unlock()
        return waiting && !busy()
    }

    /// Failures of the catch-ups since the last call, as "what: error".
    public func takeFailures() -> [String] {
        lock.lock(); defer { lock.unlock() }
        let out = failures
        failures = []
        return out
    }

    /// Waits until every request made so far has been served, then returns the failures since the last call.
    @discardableResult
    public func waitUntilIdle() -> [String] {
        lock.lock()
        while pending != nil || running { lock.wait() }
        lock.unlock()
        return takeFailures()
    }

    /// Serves what was asked for, then ends the thread; the worker takes no more requests after it.
    public func stop() {
        lock.lock()
        stopping = true
        lock.broadcast()
        while !finished { lock.wait() }
        lock.unlock()
    }

    /// Lowers the calling thread's scheduling priority (on Linux a thread has a nice value of its own). Under contention
    /// it gets a small share of the processor; alone, all of it. Never raised again (that needs privileges).
    private static func lowerPriority() {
        #if os(Linux)
        // The thread's id, from /proc/thread-self ("pid/task/tid"): Glibc's gettid is not visible to Swift.
        var link = [CChar](repeating: 0, count: 64)
        let n = readlink("/proc/thread-self", &link, link.count - 1)
        guard n > 0, let tid = id_t(String(decoding: link[..<n].map { UInt8(bitPattern: $0) }, as: UTF8.self)
            .split(separator: "/").last ?? "") else { return }
        _ = setpriority(__priority_which_t(PRIO_PROCESS.rawValue), tid, 10)
        #endif
    }

    /// Holding `lock`: waits, while the intake has inputs waiting, until `pause` seconds have passed since the last
    /// catch-up ended (or the worker is stopping). The intake's backlog is not signalled: it is looked at every 20 ms.
    private func waitOutPause() {
        guard pause > 0, let ended = lastEnded else { return }
        let until = ended.addingTimeInterval(pause)
        while !stopping && Date() < until {
            lock.unlock()
            let waiting = busy()
            lock.lock()
            guard waiting, !stopping else { return }
            _ = lock.wait(until: min(until, Date().addingTimeInterval(0.02)))
        }
    }

    private func loop() {
        while true {
            lock.lock()
            while pending == nil && !stopping { lock.wait() }
            guard pending != nil else {
                finished = true
                lock.broadcast()
                lock.unlock()
                return
            }
            waitOutPause()
            let names = pending ?? []
            pending = nil
            running = true
            lock.unlock()

            var failure: String?
            var abandoned = false
            do {
                let outcome = try replanner.catchUp(givingWayTo: busy, abandonIf: { [weak self] in self?.shouldAbandon() ?? false })
                abandoned = outcome?.abandoned == true
                if !abandoned && (outcome != nil || !names.isEmpty) { onOutcome(outcome, names) }
            } catch {
                failure = "re-plan\(names.isEmpty ? "" : " after \(names.joined(separator: ", "))"): \(error)"
            }

            lock.lock()
            lastEnded = Date()
            running = false
            abandonedLast = abandoned
            if abandoned {
                // Its inputs are served by the next catch-up, which a request is waiting for.
                abandonedCount += 1
                pending = names + (pending ?? [])
            }
            if let failure { failures.append(failure) }
            lock.broadcast()
            lock.unlock()
        }
    }
}

import Foundation
import AllotCore
import AllotStore

/// The interactive loop on a real terminal: keys on the main thread, store work on a background queue, a poll of
/// the mirror's data version so changes from other terminals and imports appear without blocking the UI.
public final class TerminalLoop {
    private let driver: WorkbenchDriver
    private let watch: ChangeWatch?
    private let inbox = Inbox()
    private let storeQueue = DispatchQueue(label: "allot.workbench.store")
    private let pollInterval: Double

    public init(driver: WorkbenchDriver, watch: ChangeWatch?, pollInterval: Double = 0.5) {
        self.driver = driver; self.watch = watch; self.pollInterval = pollInterval
        let services = driver.services, inbox = self.inbox, queue = storeQueue
        driver.dispatchCommand = { [driver] command in
            let session = driver.state.session, now = driver.state.now
            queue.async { inbox.post(services.perform(command, session: session, now: now)) }
        }
    }

    /// Runs until the user quits or the terminal hangs up; either way, a decision already sent is finished first.
    public func run() {
        defer { storeQueue.sync {} }
        driver.start()
        driver.frame()
        var lastVersion = (try? watch?.version()) ?? nil
        var lastPoll = Date(), lastTick = Date()
        let polled = PolledVersion()
        while !driver.state.quitting && !driver.backend.hungUp {
            var dirty = false
            if let key = driver.backend.readKey(timeoutMilliseconds: 40) {
                driver.send(.key(key))
                dirty = true
                // Take every key already typed before drawing, so held-down keys do not queue up frames.
                while let more = driver.backend.readKey(timeoutMilliseconds: 0) { driver.send(.key(more)); if driver.state.quitting { break } }
            }
            for a in inbox.drain() { driver.send(a); dirty = true }
            let now = Date()
            if now.timeIntervalSince(lastTick) >= 1 {
                driver.send(.tick(Timestamp(seconds: now.timeIntervalSince1970))); lastTick = now; dirty = true
            }
            if let watch, !polled.busy, now.timeIntervalSince(lastPoll) >= pollInterval {
                polled.start(); lastPoll = now
                // The poll may wait on a busy mirror: it runs off the UI thread and is simply skipped while pending.
                DispatchQueue.global().async { polled.finish(try? watch.version()) }
            }
            if let answer = polled.take() {
                if let version = answer {
                    if let last = lastVersion, version != last { driver.send(.mirrorChanged); dirty = true }
                    lastVersion = version
                }
            }
            if dirty || driver.backend.size != (driver.state.rows, driver.state.cols) { driver.frame() }
        }
    }
}

/// Actions handed from background work to the UI thread.
final class Inbox: @unchecked Sendable {
    private let lock = NSLock()
    private var items: [Action] = []
    func post(_ actions: [Action]) { lock.lock(); items += actions; lock.unlock() }
    func drain() -> [Action] { lock.lock(); defer { lock.unlock() }; let out = items; items = []; return out }
}

/// The answer of the last data-version poll, handed from the polling thread to the UI thread.
final class PolledVersion: @unchecked Sendable {
    private let lock = NSLock()
    private var pending = false
    private var answer: Int??
    var busy: Bool { lock.lock(); defer { lock.unlock() }; return pending }
    func start() { lock.lock(); pending = true; lock.unlock() }
    func finish(_ v: Int?) { lock.lock(); answer = .some(v); pending = false; lock.unlock() }
    func take() -> Int?? { lock.lock(); defer { lock.unlock() }; let a = answer; answer = nil; return a }
}

import ArgumentParser
import Foundation
import AllotCore
import AllotStore
import AllotTUI

/// `allot bench tui`: the workbench over a large mirror, driven by a replayed key script in memory.
struct BenchTUI: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "tui",
        abstract: "Measure the workbench: start-to-first-screen and key-to-frame times over a large mirror.",
        discussion: """
        Builds (or reuses, with --db) a mirror holding a synthetic current plan of --lines lines, opens the planner's \
        queue on an in-memory 120×40 terminal, replays a script of key presses (moves, pages, jumps to the end and \
        back, filters, sorts, opening lines) and prints start-to-first-screen and key-to-frame p50/p99. Goals: \
        300 ms and 16 ms. Store reads run inline, so a key's time includes any page it had to read. A mirror \
        without line history gets --history past planner decisions, so the queue's override likelihood (learned \
        from them) is drawn and measured too.
        """)

    @Option(help: "Order lines in the synthetic mirror.")
    var lines = 1_000_000

    @Option(help: ArgumentHelp("Reuse (or create and keep) this mirror instead of a temporary one.", valueName: "path"))
    var db: String?

    @Option(help: "Times to replay the key script.")
    var rounds = 3

    @Option(help: "Past planner decisions to write into a mirror that has no line history (0: none, no override column).")
    var history = 20_000

    func run() throws {
        let path = db ?? (NSTemporaryDirectory() + "allot-bench-tui-\(lines).sqlite")
        let fm = FileManager.default
        var reuse = false
        if fm.fileExists(atPath: path) {
            let m = try Mirror(path: path)
            reuse = try !m.isEmpty() && WorkbenchReads(mirror: m).currentPlan() != nil
            if !reuse && db != nil { throw ValidationError("\(path) exists but holds no plan; give a new path") }
        }
        if !reuse {
            for suffix in ["", "-wal", "-shm"] { try? fm.removeItem(atPath: path + suffix) }
            let t = Date()
            let m = try Mirror(path: path)
            try SyntheticPlan.fill(m, lines: lines)
            print("built a mirror of \(lines) lines in \(String(format: "%.1f", Date().timeIntervalSince(t))) s: \(path)")
        } else {
            print("reusing \(path)")
        }
        let historyMirror = try Mirror(path: path)
        if history > 0, try InsightReads(mirror: historyMirror).lineHistoryMark() == 0 {
            try SyntheticHistory.fill(historyMirror, decisions: history)
            print("wrote \(history) past planner decisions into the line history")
        }

        // Start: open the mirror, read the first page, draw. The counts header and a line's options table are
        // background work in the real workbench, so they run after the frame here too (and counts are timed apart).
        let start = Date()
        let mirror = try Mirror(path: path)
        let session = Session(user: "bench", role: .planner, mirrorName: (path as NSString).lastPathComponent)
        let state = WorkbenchState(session: session, rows: 40, cols: 120, now: Timestamp(seconds: Date().timeIntervalSince1970))
        let backend = MemoryBackend(rows: 40, cols: 120)
        let services = WorkbenchServices(mirror: mirror)
        let driver = WorkbenchDriver(state: state, theme: .builtInMonochrome, backend: backend, services: services,
                                     themes: ThemeCatalog(directories: []))
        var background: [Command] = []
        driver.dispatchCommand = { [unowned driver] c in
            switch c {
            case .loadCounts, .loadOptions: background.append(c); return
            default: break
            }
            for a in services.perform(c, session: session, now: driver.state.now) { driver.send(a) }
        }
        driver.start()
        driver.frame()
        let firstScreen = Date().timeIntervalSince(start) * 1000
        let shown = driver.state.queue.rows.count
        let countsStart = Date()
        func runBackground() { while !background.isEmpty { let c = background.removeFirst(); for a in services.perform(c, session: session, now: driver.state.now) { driver.send(a) } } }
        runBackground()
        let countsTime = Date().timeIntervalSince(countsStart) * 1000

        var times: [Double] = []
        var slowest: [(ms: Double, step: Int, key: String)] = []
        var cells = 0
        for _ in 0..<rounds {
            for (step, key) in Self.script.enumerated() {
                let t = Date()
                driver.send(.key(key))
                driver.frame()
                let ms = Date().timeIntervalSince(t) * 1000
                times.append(ms)
                slowest.append((ms, step, key.label))
                cells += backend.lastRuns.reduce(0) { $0 + TextWidthCount.cells($1.text) }
                runBackground()
            }
        }
        times.sort()
        func pct(_ p: Double) -> Double { times[min(times.count - 1, Int((Double(times.count) * p).rounded(.up)) - 1)] }
        let total = driver.state.queue.counts?.total ?? 0
        print("queue: \(total) lines need a decision; first page materialised \(shown) rows")
        print(String(format: "start to first screen: %.1f ms (goal 300 ms)", firstScreen))
        print(String(format: "queue counts (background): %.1f ms", countsTime))
        print(String(format: "key to frame over %d keys: p50 %.2f ms, p99 %.2f ms, max %.2f ms (goal p99 16 ms)",
                     times.count, pct(0.5), pct(0.99), times.last ?? 0))
        print("cells sent per frame (mean): \(cells / max(1, times.count)) of \(40 * 120)")
        let worst = slowest.sorted { $0.ms > $1.ms }.prefix(5).map { String(format: "%@ (step %d) %.1f ms", $0.key, $0.step, $0.ms) }
        print("slowest keys: " + worst.joined(separator: ", "))
    }

    /// A planner's session: browse, page, jump to the end and back, filter, sort, open a line and come back.
    static let script: [Key] = {
        var k: [Key] = []
        k += Array(repeating: .char("j"), count: 40)
        k += Array(repeating: .pageDown, count: 15)
        k += Array(repeating: .char("k"), count: 10)
        k += [.char("G")] + Array(repeating: .pageUp, count: 5) + [.char("g")]
        k += [.char("/")] + "type:SPLIT".map { Key.char($0) } + [.enter]
        k += Array(repeating: .pageDown, count: 5)
        k += [.char("/")] + Array(repeating: Key.backspace, count: 10) + "tier:A".map { Key.char($0) } + [.enter]
        k += Array(repeating: .char("j"), count: 20)
        k += [.char("s"), .char("s"), .char("s")]
        k += Array(repeating: .pageDown, count: 5)
        k += [.enter, .tab, .tab, .escape]
        k += [.char("/")] + Array(repeating: Key.backspace, count: 6) + [.enter]
        k += [.char("s"), .char("s")]
        k += Array(repeating: .char("j"), count: 20)
        return k
    }()
}

/// Counts drawn cells of a run of text (for the cells-sent figure).
enum TextWidthCount {
    static func cells(_ s: String) -> Int { TextWidth.of(s) }
}

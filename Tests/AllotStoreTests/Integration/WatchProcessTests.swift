import Testing
import Foundation
import GRDB
@testable import AllotStore
import AllotCore
import AllotTestSupport

/// Drives the real `allot` binary (built beside the tests) the way an operator runs it.
@Suite("allot watch as a process", .serialized)
struct WatchProcessTests {
    typealias F = DropFixture

    static var binary: String {
        URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent().appendingPathComponent(".build/debug/allot").path
    }

    static func start(_ args: [String]) throws -> Process {
        let p = Process()
        p.executableURL = URL(fileURLWithPath: binary)
        p.arguments = args
        p.standardError = FileHandle(forWritingAtPath: "/dev/null")
        p.standardOutput = FileHandle(forWritingAtPath: "/dev/null")
        try p.run()
        return p
    }

    /// Files of `adjustments` `inventory.adjusted` events (+1 each, round-robin over three positions), a stock count
    /// at the start of each file for a fourth, and a duplicate of an earlier event.
    static func dropBatches(_ f: F, files: Int, eventsPerFile: Int) throws -> (adjust: [String: Int], events: Int) {
        let positions = [("DAL", "MX-200"), ("CHI", "MX-200"), ("DAL", "MX-210")]
        var adjust: [String: Int] = [:]
        var seq = 0
        var events = 0
        for file in 1...files {
            var lines: [String] = []
            seq += 1
            lines.append(F.stock("s\(seq)", seq, "DAL", "GL-1", file * 10))
            events += 1
            for _ in 1..<eventsPerFile {
                seq += 1
                let (w, sku) = positions[seq % positions.count]
                lines.append(F.event("a\(seq)", seq, "inventory.adjusted", #"{"warehouse_id":"\#(w)","sku":"\#(sku)","delta":1}"#, source: "wms"))
                adjust["\(w) \(sku)", default: 0] += 1
                events += 1
            }
            if file > 1 { lines.append(F.event("a\(seq - 5)", seq - 5, "inventory.adjusted", #"{"warehouse_id":"DAL","sku":"MX-200","delta":1}"#, source: "wms")) }
            try f.drop(String(format: "wms-%04d.jsonl", file), lines)
        }
        return (adjust, events)
    }

    @Test("killed with SIGKILL at random moments mid-import and restarted, it applies every event exactly once")
    func crashAndRestart() throws {
        try #require(FileManager.default.isExecutableFile(atPath: Self.binary), "build the binary first: swift build")
        let f = try F()
        let path = try #require(f.mirror.path)
        let before = (try f.onHand("DAL", "MX-200") ?? 0, try f.onHand("CHI", "MX-200") ?? 0, try f.onHand("DAL", "MX-210") ?? 0)
        let (adjust, events) = try Self.dropBatches(f, files: 6, eventsPerFile: 8000)
        var rng = SeededRandom(state: 11)
        // Kills count only while files are still waiting, so they land mid-import whatever the speed of intake;
        // the delays are short because a file of 8,000 events takes well under a second.
        var kills = 0
        for _ in 1...8 {
            if try f.folder.scan().ready.isEmpty { break }
            let p = try Self.start(["watch", f.dir.path, "--once", "--no-replan", "--db", path])
            usleep(UInt32(40_000 + rng.next() % 300_000))
            if p.isRunning {
                kill(p.processIdentifier, SIGKILL)
                Subprocess.wait(p, timeout: 30)
                if try f.folder.scan().ready.count > 0 { kills += 1 }
            } else {
                Subprocess.wait(p, timeout: 30)
            }
        }
        let last = try Self.start(["watch", f.dir.path, "--once", "--no-replan", "--db", path])
        try #require(Subprocess.wait(last, timeout: 120), "the last watch --once did not finish in 120 s")
        #expect(last.terminationStatus == 0)
        #expect(kills > 0, "no run was killed mid-import; the test proved nothing")

        #expect(try f.count("event_ledger") == events)
        #expect(try f.count("import_file") == 6)
        #expect(try f.onHand("DAL", "MX-200") == before.0 + adjust["DAL MX-200", default: 0])
        #expect(try f.onHand("CHI", "MX-200") == before.1 + adjust["CHI MX-200", default: 0])
        #expect(try f.onHand("DAL", "MX-210") == before.2 + adjust["DAL MX-210", default: 0])
        #expect(try f.onHand("DAL", "GL-1") == 60)
        let processed = try FileManager.default.contentsOfDirectory(atPath: f.folder.processedPath).sorted()
        #expect(processed == (1...6).map { String(format: "wms-%04d.jsonl", $0) })
        #expect(try f.folder.scan().ready.isEmpty)
        let dup = try f.mirror.db.read { try Int.fetchOne($0, sql: "SELECT sum(duplicate) FROM import_file") }
        #expect(dup == 5, "each file after the first repeats one earlier event")
    }

    @Test("SIGTERM stops a running watch cleanly after the file in hand")
    func sigtermStopsCleanly() throws {
        try #require(FileManager.default.isExecutableFile(atPath: Self.binary), "build the binary first: swift build")
        let f = try F()
        let path = try #require(f.mirror.path)
        let p = try Self.start(["watch", f.dir.path, "--interval", "0.1", "--db", path])
        try f.drop("wms-1.jsonl", [F.stock("s1", 1, "DAL", "MX-200", 77)])
        let deadline = Date().addingTimeInterval(30)
        while !f.exists("processed/wms-1.jsonl") && Date() < deadline { usleep(50_000) }
        #expect(f.exists("processed/wms-1.jsonl"))
        #expect(p.isRunning)
        p.terminate()
        try #require(Subprocess.wait(p, timeout: 30), "watch did not stop within 30 s of SIGTERM")
        #expect(p.terminationReason == .exit && p.terminationStatus == 0)
        #expect(try f.onHand("DAL", "MX-200") == 77)
    }

    @Test("a decision made while watch runs is re-planned within its interval, with no file arriving")
    func decisionWithoutFile() throws {
        try #require(FileManager.default.isExecutableFile(atPath: Self.binary), "build the binary first: swift build")
        let f = try F()
        let path = try #require(f.mirror.path)
        let plan = try IncrementalReplanTests.planFully(f.mirror)
        let line = try #require(plan.lines.first { $0.allocated > 0 && $0.status != .held })
        let p = try Self.start(["watch", f.dir.path, "--interval", "0.1", "--db", path])
        defer { p.terminate(); _ = Subprocess.wait(p, timeout: 30) }
        let pat = DecisionAuthor.user(User(name: "pat", role: .planner))
        let store = DecisionStore(mirror: f.mirror)
        try store.decide(LineDecision(line: line.key, action: .accept, actor: pat))
        try store.decide(LineDecision(line: line.key, action: .release, actor: pat, reasonCode: "OTHER"))
        // The released line leaves the stored plan once watch has caught up with the decision's change-feed rows.
        let planned = { try PlanStore(mirror: f.mirror).currentPlan()?.lines.contains { $0.key == line.key } ?? true }
        let deadline = Date().addingTimeInterval(30)
        while try planned() && Date() < deadline { usleep(50_000) }
        #expect(try !planned(), "watch did not re-plan \(line.key) after its release")
        #expect(p.isRunning)
    }

    @Test("a file landing wakes a waiting watch at once, long before its next look at the folder")
    func fileWakesWatch() throws {
        try #require(FileManager.default.isExecutableFile(atPath: Self.binary), "build the binary first: swift build")
        let f = try F()
        let path = try #require(f.mirror.path)
        let p = try Self.start(["watch", f.dir.path, "--interval", "120", "--no-replan", "--db", path])
        defer { p.terminate(); _ = Subprocess.wait(p, timeout: 30) }
        // Give it time to list the folder once and settle into its wait.
        usleep(1_500_000)
        let dropped = Date()
        try f.drop("wms-1.jsonl", [F.stock("s1", 1, "DAL", "MX-200", 61)])
        while !f.exists("processed/wms-1.jsonl") && Date().timeIntervalSince(dropped) < 20 { usleep(20_000) }
        #expect(f.exists("processed/wms-1.jsonl"), "the file waited for the 120 s interval")
        #expect(try f.onHand("DAL", "MX-200") == 61)
    }
}

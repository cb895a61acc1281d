import Testing
import Foundation
import GRDB
@testable import AllotStore
import AllotCore
import AllotTestSupport

/// The real `allot` binary, run as separate processes the way two terminals or a script would.
@Suite("allot decide and export as processes", .serialized)
struct DecideCommandTests {
    typealias F = GovernanceFixture

    static var binary: String {
        URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent().appendingPathComponent(".build/debug/allot").path
    }

    /// A mirror file with `n` one-unit lines RACE:1…n recommended from DAL.
    static func raceMirror(lines n: Int) throws -> String {
        let path = F.tempPath()
        let m = try F.mirror(path: path)
        try m.db.write { db in
            try db.execute(sql: "INSERT INTO sales_order(order_id, customer_id, order_date, requested_date) VALUES ('RACE','ACME','2026-11-28','2026-12-02')")
            for i in 1...n { try db.execute(sql: "INSERT INTO order_line(order_id, line_no, sku, qty) VALUES ('RACE', ?, 'MX-200', 1)", arguments: [i]) }
        }
        let one = Allocation(warehouseID: "DAL", qty: 1, source: .onHand, shipDate: F.asOf + 1, arrivalDate: F.asOf + 3, cost: 1)
        let lines = (1...n).map { F.line("RACE", $0, requested: 1, class: 1, [one]) }
        _ = try PlanStore(mirror: m).save(Plan(asOf: F.asOf, policyVersion: "v", lines: lines, summary: PlanSummary()),
                                          snapshot: try m.loadSnapshot(), policy: Policy(), inputHash: "race", now: Timestamp(seconds: 5_000))
        return path
    }

    static func launch(_ args: [String], db: String) throws -> Process {
        let p = Process()
        p.executableURL = URL(fileURLWithPath: binary)
        p.arguments = args + ["--db", db]
        p.standardOutput = FileHandle.nullDevice
        p.standardError = FileHandle.nullDevice
        try p.run()
        return p
    }

    static func run(_ args: [String], db: String) throws -> (status: Int32, out: String) {
        let r = try Subprocess.run(binary, args + ["--db", db])
        return (r.status, r.out)
    }

    @Test("two processes deciding the same lines at once: exactly one wins each line, the other is refused as stale (exit 4)")
    func twoProcesses() throws {
        try #require(FileManager.default.isExecutableFile(atPath: Self.binary), "build the allot binary first (swift build)")
        let db = try Self.raceMirror(lines: 8)
        defer { try? FileManager.default.removeItem(atPath: (db as NSString).deletingLastPathComponent) }
        var pairs: [(LineKey, Process, Process)] = []
        for i in 1...8 {
            let line = "RACE:\(i)"
            // Both terminals saw the line undecided (version 0) and act on it at the same moment.
            let a = try Self.launch(["decide", line, "accept", "--as", "pat", "--line-version", "0"], db: db)
            let b = try Self.launch(["decide", line, "override", "--warehouse", "DAL", "--qty", "1", "--reason", "OTHER", "--as", "pia",
                                     "--line-version", "0"], db: db)
            pairs.append((LineKey(line)!, a, b))
        }
        let store = DecisionStore(mirror: try Mirror(path: db))
        for (key, a, b) in pairs {
            #expect(Subprocess.wait(a, timeout: 60) && Subprocess.wait(b, timeout: 60), "\(key): a decision did not finish in 60 s")
            let codes = [a.terminationStatus, b.terminationStatus].sorted()
            #expect(codes == [0, 4], "\(key): exit codes \(codes)")
            let history = try store.history(key)
            #expect(history.count == 1, "\(key): \(history.count) decisions")
            let winner = a.terminationStatus == 0 ? "pat" : "pia"
            #expect(history.first?.user == winner)
        }
        #expect(try store.verifyAudit().isIntact)
    }

    @Test("a deciding process killed with SIGKILL loses nothing: every committed release is exported, with nothing half-written")
    func killNine() throws {
        try #require(FileManager.default.isExecutableFile(atPath: Self.binary), "build the allot binary first (swift build)")
        let n = 40
        let db = try Self.raceMirror(lines: n)
        let dir = (db as NSString).deletingLastPathComponent
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let pidFile = dir + "/child.pid"
        // Each decision runs in the foreground of the loop, its pid written first so the test can kill it mid-way.
        let run = #"sh -c 'echo $$ > "$0"; exec "$@"'"#
        let script = """
            for i in $(seq 1 \(n)); do
              \(run) "\(pidFile)" "\(Self.binary)" decide RACE:$i accept --as pat --db "\(db)" >>"\(dir)/log" 2>&1
              \(run) "\(pidFile)" "\(Self.binary)" decide RACE:$i release --reason OTHER --as pat --db "\(db)" >>"\(dir)/log" 2>&1
            done
            """
        let shell = Process()
        shell.executableURL = URL(fileURLWithPath: "/bin/sh")
        shell.arguments = ["-c", script]
        try shell.run()
        // Let it decide a few lines, then kill the shell and whatever decision is running, without warning.
        let store = DecisionStore(mirror: try Mirror(path: db))
        let deadline = Date().addingTimeInterval(60)
        while try store.lines(in: [.released]).count < 3 && Date() < deadline && shell.isRunning { usleep(20_000) }
        kill(shell.processIdentifier, SIGKILL)
        if let text = try? String(contentsOfFile: pidFile, encoding: .utf8), let pid = Int32(text.trimmingCharacters(in: .whitespacesAndNewlines)) {
            kill(pid, SIGKILL)
        }
        Subprocess.wait(shell, timeout: 30)
        usleep(200_000)

        let released = try Set(store.lines(in: [.released]).map(\.key))
        #expect(released.count >= 3, "\((try? String(contentsOfFile: dir + "/log", encoding: .utf8)) ?? "no log")")
        #expect(released.count < n, "the kill came too late to test anything")
        // Every committed release has its reservation, its audit entry and its outbox event — and nothing else does.
        #expect(Set(try store.reservations().map(\.lineKey)) == released)
        #expect(try store.verifyAudit().isIntact)
        let (status, out) = try Self.run(["export"], db: db)
        #expect(status == 0)
        let exported = out.split(separator: "\n").compactMap { line -> (String, LineKey)? in
            guard let o = try? JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any], let d = o["data"] as? [String: Any],
                  let order = d["order_id"] as? String, let no = d["line_no"] as? Int, let id = o["id"] as? String else { return nil }
            return (id, LineKey(orderID: order, lineNo: no))
        }
        #expect(Set(exported.map(\.1)) == released)
        #expect(exported.count == released.count)
        // Not acknowledged: exported again, same ids. Acknowledged: gone.
        let (_, again) = try Self.run(["export"], db: db)
        #expect(again == out)
        let ids = exported.map(\.0).joined(separator: ",")
        #expect(try Self.run(["export", "--ack", ids], db: db).status == 0)
        #expect(try Self.run(["export"], db: db).out.isEmpty)
        #expect(try Self.run(["export", "--ack", "allot-unknown"], db: db).status == 1)
    }

    @Test("audit --verify exits 0 on an intact log and non-zero on a tampered one; --json prints the entries' fields")
    func auditCommand() throws {
        try #require(FileManager.default.isExecutableFile(atPath: Self.binary), "build the allot binary first (swift build)")
        let db = try Self.raceMirror(lines: 2)
        defer { try? FileManager.default.removeItem(atPath: (db as NSString).deletingLastPathComponent) }
        #expect(try Self.run(["decide", "RACE:1", "accept", "--as", "pat", "--note", "ok"], db: db).status == 0)
        #expect(try Self.run(["audit", "--verify"], db: db).out == "audit log intact: 1 entry\n")
        #expect(try Self.run(["decide", "RACE:1", "approve", "--as", "pat"], db: db).status == 3)
        #expect(try Self.run(["decide", "RACE:2", "accept", "--as", "nobody"], db: db).status == 3)
        #expect(try Self.run(["decide", "RACE:1", "accept", "--as", "pat", "--line-version", "0"], db: db).status == 4)
        #expect(try Self.run(["decide", "RACE:1", "approve", "--as", "sam"], db: db).status == 5)
        let verified = try Self.run(["audit", "--verify"], db: db)
        // The accept and the refused approve (a refusal for permission is audited too).
        #expect(verified.status == 0 && verified.out == "audit log intact: 2 entries\n", "\(verified.out)")
        let (_, json) = try Self.run(["audit", "--json", "--order", "RACE"], db: db)
        let entry = try #require(try JSONSerialization.jsonObject(with: Data(json.split(separator: "\n")[0].utf8)) as? [String: Any])
        for k in ["seq", "at", "user", "role", "action", "order_id", "line_no", "reason_code", "note", "plan_id", "before", "after"] {
            #expect(entry[k] != nil, "missing \(k)")
        }
        #expect(entry["note"] as? String == "ok" && (entry["after"] as? [[String: Any]])?.first?["qty"] as? Int == 1)
        let m = try Mirror(path: db)
        try m.db.write { try $0.execute(sql: "DROP TRIGGER audit_log_no_update; UPDATE audit_log SET user = 'sam' WHERE seq = 1") }
        #expect(try Self.run(["audit", "--verify"], db: db).status == 2)
    }
}

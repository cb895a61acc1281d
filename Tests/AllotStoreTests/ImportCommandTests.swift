import Testing
import Foundation
@testable import AllotStore
import AllotCore
import AllotTestSupport

/// `allot import` and `allot generate` as a script would run them: the real binary, its output and exit status.
@Suite("allot import and generate as processes", .serialized)
struct ImportCommandTests {
    static var binary: String {
        URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
            .appendingPathComponent(".build/debug/allot").path
    }

    static func run(_ args: [String], stdin: String? = nil) throws -> (status: Int32, out: String, err: String) {
        let r = try Subprocess.run(binary, args, stdin: stdin)
        return (r.status, r.out, r.err)
    }

    /// A new mirror with the basic fixture imported and nothing planned yet (the binary must be built).
    static func fixtureMirror() throws -> String {
        try #require(FileManager.default.isExecutableFile(atPath: binary), "build the allot binary first (swift build)")
        let db = tempDB()
        let r = try run(["import", try Fixture.folder().path, "--db", db, "--no-replan"])
        try #require(r.status == 0, "\(r.err)")
        return db
    }

    static func tempDB() -> String {
        Scratch.url("allot-cli").appendingPathComponent("m.sqlite").path
    }

    @Test("importing a folder prints the summary line; importing it again applies nothing")
    func folderTwice() throws {
        try #require(FileManager.default.isExecutableFile(atPath: Self.binary), "build the allot binary first (swift build)")
        let db = Self.tempDB(), dir = try Fixture.folder().path
        let first = try Self.run(["import", dir, "--db", db])
        #expect(first.status == 0)
        #expect(first.out.split(separator: "\n").last == "applied 31, duplicate 0, stale 0, rejected 0")
        let again = try Self.run(["import", dir, "--db", db])
        #expect(again.status == 0)
        #expect(again.out.split(separator: "\n").last == "applied 0, duplicate 30, stale 0, rejected 0")
    }

    @Test("a bad folder names the problem on standard error and exits non-zero")
    func badFolder() throws {
        try #require(FileManager.default.isExecutableFile(atPath: Self.binary), "build the allot binary first (swift build)")
        let db = Self.tempDB()
        let dir = try Fixture.folder(Fixture.basic, ["order_lines.csv": "order_id,line_no,sku,qty\nSO-1,1,MX-200,-3"]).path
        let r = try Self.run(["import", dir, "--db", db])
        #expect(r.status != 0)
        #expect(r.err.contains("order_lines.csv:2: field 'qty': value '-3': is not a whole number >= 0"))
        #expect(r.out.split(separator: "\n").last == "applied 0, duplicate 0, stale 0, rejected 1")
        #expect(try Mirror(path: db).isEmpty())
    }

    @Test("events from standard input: the valid ones apply, the bad one is rejected and the exit status says so")
    func eventsFromStdin() throws {
        try #require(FileManager.default.isExecutableFile(atPath: Self.binary), "build the allot binary first (swift build)")
        let db = Self.tempDB()
        _ = try Self.run(["import", try Fixture.folder().path, "--db", db])
        let events = Events.line("e1", 1, "inventory.adjusted", #"{"warehouse_id":"DAL","sku":"MX-200","delta":3}"#) + "\n{oops\n"
        let r = try Self.run(["import", "-", "--db", db], stdin: events)
        #expect(r.status != 0)
        #expect(r.out.split(separator: "\n").last == "applied 1, duplicate 0, stale 0, rejected 1")
        #expect(r.err.contains("<stdin>:2: value '{oops': is not valid JSON"))
    }

    @Test("an event import re-plans the lines it touched in the stored plan, unless --no-replan")
    func importReplans() throws {
        try #require(FileManager.default.isExecutableFile(atPath: Self.binary), "build the allot binary first (swift build)")
        let db = Self.tempDB()
        _ = try Self.run(["import", try Fixture.folder().path, "--db", db])
        #expect(try Self.run(["plan", "--as-of", "2026-11-29", "--db", db]).status == 0)
        let allocated = { () throws -> String in
            try Mirror(path: db).db.read {
                try String.fetchAll($0, sql: "SELECT allocations_json FROM recommendation WHERE sku = 'MX-200' ORDER BY order_id, line_no")
                    .joined(separator: "\n")
            }
        }
        let before = try allocated()
        #expect(before.contains("PO-1"), "with 40 units on hand, some MX-200 line waits for receipt PO-1: \(before)")
        let stock = { (id: String, seq: Int, onHand: Int) in
            Events.line(id, seq, "inventory.snapshot",
                        #"{"warehouse_id":"DAL","sku":"MX-200","on_hand":\#(onHand),"reserved":0,"safety_stock":0,"as_of":"2026-11-29T09:00:00Z"}"#)
        }
        let kept = try Self.run(["import", "-", "--no-replan", "--db", db], stdin: stock("s1", 1, 0) + "\n")
        #expect(kept.status == 0 && !kept.err.contains("re-planned"))
        #expect(try allocated() == before, "--no-replan leaves the stored plan alone")
        let moved = try Self.run(["import", "-", "--db", db], stdin: stock("s2", 2, 500) + "\n")
        #expect(moved.status == 0)
        #expect(moved.err.contains("re-planned 1 sku(s)"), "\(moved.err)")
        let after = try allocated()
        #expect(after != before, "500 units on hand at DAL now serve the MX-200 lines")
        #expect(!after.contains("PO-1"), "no line waits for the receipt any more: \(after)")
    }

    @Test("bench plan --mirror plans an existing mirror and stores nothing; a file that is no mirror is named in the error")
    func benchPlanMirror() throws {
        let db = try Self.fixtureMirror()
        let r = try Self.run(["bench", "plan", "--mirror", db, "--as-of", "2026-11-29"])
        #expect(r.status == 0, "\(r.err)")
        let lines = try Mirror(path: db).loadSnapshot().lines.count
        #expect(r.out.hasPrefix("bench plan: \(lines) lines, "), "\(r.out)")
        #expect(r.out.contains("  plan ") && r.out.contains("total cost "))
        #expect(try PlanStore(mirror: Mirror(path: db)).currentPlanID() == nil)

        let bad = Scratch.url("allot-not-a-mirror").path
        try Data("not a database".utf8).write(to: URL(fileURLWithPath: bad))
        let refused = try Self.run(["bench", "plan", "--mirror", bad])
        #expect(refused.status != 0)
        #expect(refused.err.contains("cannot open the mirror at \(bad)"), "\(refused.err)")
    }

    @Test("bench plan times each step of the plan and, with --repeat, the fastest and median of several; --repeat 0 is refused")
    func benchPlanSteps() throws {
        let db = try Self.fixtureMirror()
        let r = try Self.run(["bench", "plan", "--mirror", db, "--as-of", "2026-11-29", "--repeat", "3"])
        #expect(r.status == 0, "\(r.err)")
        let out = r.out.split(separator: "\n").map(String.init)
        let block = out.drop { $0 != "  plan steps:" }.dropFirst().prefix { $0.hasPrefix("    ") }
        let steps = block.filter { !$0.hasPrefix("      ") && !$0.contains("by part") }.map { $0.split(separator: " ").first ?? "" }
        #expect(steps == ["solve", "ship", "totals"], "\(r.out)")
        // Under it, the step "solve groups" by part, each with its seconds.
        let parts = block.drop { !$0.hasPrefix("    solve groups by part") }.dropFirst()
        #expect(parts.map { $0.split(separator: " ").dropLast(2).joined(separator: " ") }
                == ["problem", "priority fill", "cheapest sourcing", "split penalty", "recommendations"], "\(r.out)")
        #expect(parts.allSatisfy { Double($0.split(separator: " ").dropLast().last ?? "") != nil }, "\(r.out)")
        #expect(out.contains { $0.hasPrefix("  plan x3: wall fastest ") && $0.contains("median") }, "\(r.out)")

        let single = try Self.run(["bench", "plan", "--mirror", db, "--as-of", "2026-11-29"])
        #expect(!single.out.contains("plan x"), "one plan has no fastest or median: \(single.out)")
        let refused = try Self.run(["bench", "plan", "--mirror", db, "--repeat", "0"])
        #expect(refused.status != 0)
        #expect(refused.err.contains("--repeat"), "\(refused.err)")
    }

    @Test("bench plan re-plans a typical and the busiest sku, timing the whole re-plan, the first after a full plan and the group's re-solve, each checked against a full plan")
    func benchPlanReplans() throws {
        let r = try Self.run(["bench", "plan", "--lines", "3000", "--skus", "60", "--warehouses", "4", "--skip-import"])
        #expect(r.status == 0, "\(r.err)")
        let replans = r.out.split(separator: "\n").filter { $0.hasPrefix("  re-plan of ") }
        #expect(replans.count == 2, "\(r.out)")
        for line in replans {
            #expect(line.contains(" after one inventory change: ") && line.contains(" ms (re-solve of its group ")
                    && line.contains(" ms; the first re-plan after a full plan ") && line.hasSuffix(" ms), same as a full plan: yes"),
                    "\(line)")
        }
    }

    @Test("allot generate writes the same files for the same seed")
    func generateIsDeterministic() throws {
        try #require(FileManager.default.isExecutableFile(atPath: Self.binary), "build the allot binary first (swift build)")
        let base = Scratch.url("allot-gen")
        defer { try? FileManager.default.removeItem(at: base) }
        let args = ["--orders", "3000", "--skus", "150", "--warehouses", "3", "--seed", "11"]
        #expect(try Self.run(["generate", base.appendingPathComponent("a").path] + args).status == 0)
        #expect(try Self.run(["generate", base.appendingPathComponent("b").path] + args).status == 0)
        let files = try FileManager.default.contentsOfDirectory(atPath: base.appendingPathComponent("a").path).sorted()
        #expect(files.contains("order_lines.csv") && files.contains("policy.toml"))
        for f in files {
            let a = FileManager.default.contents(atPath: base.appendingPathComponent("a/\(f)").path)
            let b = FileManager.default.contents(atPath: base.appendingPathComponent("b/\(f)").path)
            #expect(a == b, "\(f)")
        }
    }
}

@Suite("allot plan, explain and status as a script runs them")
struct PlanningCommandTests {
    typealias T = ImportCommandTests

    @Test("the same mirror, policy and date give the same input hash in every run of allot plan")
    func sameInputsSameHash() throws {
        let db = try T.fixtureMirror()
        // Each run is a process of its own, with its own seed for hashing: the policy's dictionaries and sets (routing,
        // reasons, auto-release) are listed in a different order in each, which once changed the hash from run to run.
        var hashes = Set<String>()
        for _ in 0..<4 {
            let r = try T.run(["plan", "--as-of", "2026-11-29", "--db", db])
            #expect(r.status == 0, "\(r.err)")
            hashes.insert(try Mirror(path: db).db.read { try String.fetchOne($0, sql: "SELECT input_hash FROM plan WHERE is_current = 1") } ?? "")
        }
        #expect(hashes.count == 1, "\(hashes)")
        let other = try T.run(["plan", "--as-of", "2026-11-30", "--db", db])
        #expect(other.status == 0)
        let moved = try Mirror(path: db).db.read { try String.fetchOne($0, sql: "SELECT input_hash FROM plan WHERE is_current = 1") }
        #expect(moved != nil && !hashes.contains(moved!), "another date is another input")
    }

    @Test("explain describes the stored plan: its date by default, the line's recommendation and an options row per supply")
    func explainsTheStoredPlan() throws {
        let db = try T.fixtureMirror()
        #expect(try T.run(["plan", "--as-of", "2026-11-29", "--db", db]).status == 0)
        let stored = try #require(try PlanStore(mirror: Mirror(path: db)).currentPlan()).lines
        let line = try #require(stored.first { !$0.allocations.isEmpty })

        let r = try T.run(["explain", line.key.description, "--db", db])
        #expect(r.status == 0, "\(r.err)")
        let out = r.out.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
        #expect(out.first == "as of 2026-11-29 (the current plan's date)", "\(r.out)")
        #expect(out.contains(line.rationale), "the stored plan's sentence, not one of another day: \(r.out)")
        #expect(out.contains { $0.hasPrefix("status \(line.status.rawValue)") }, "\(r.out)")
        let header = try #require(out.firstIndex { $0.hasPrefix("  warehouse  source") }, "\(r.out)")
        #expect(out[(header + 1)...].contains { $0.contains(line.allocations[0].warehouseID) })

        // A date given is the date explained; an unknown line is named in the error.
        let later = try T.run(["explain", line.key.description, "--as-of", "2026-12-20", "--db", db])
        #expect(later.out.hasPrefix("as of 2026-12-20\n"), "\(later.out)")
        let unknown = try T.run(["explain", "NOPE-1:1", "--db", db])
        #expect(unknown.status != 0)
        #expect(unknown.err.contains("no order line 'NOPE-1:1' in the mirror"), "\(unknown.err)")
    }

    @Test("status lists the tables, the policy, and the current plan with its date and the changes waiting for a re-plan")
    func planLine() throws {
        let db = try T.fixtureMirror()
        let before = try T.run(["status", "--db", db])
        #expect(before.status == 0 && before.out.contains("\n  order_line     "), "\(before.out)")
        #expect(before.out.hasSuffix("current plan: none yet (allot plan makes one)\n"), "\(before.out)")

        #expect(try T.run(["plan", "--as-of", "2026-11-29", "--db", db]).status == 0)
        let id = try #require(try PlanStore(mirror: Mirror(path: db)).currentPlanID())
        let planned = try T.run(["status", "--db", db]).out
        #expect(planned.contains("current plan: \(id), policy "), "\(planned)")
        #expect(planned.contains(" (as of 2026-11-29)\n"), "nothing waits for a re-plan yet: \(planned)")

        let event = Events.line("e1", 1, "inventory.snapshot",
                                #"{"warehouse_id":"DAL","sku":"MX-200","on_hand":7,"reserved":0,"safety_stock":0,"as_of":"2026-11-29T09:00:00Z"}"#)
        #expect(try T.run(["import", "-", "--no-replan", "--db", db], stdin: event + "\n").status == 0)
        let behind = try T.run(["status", "--db", db]).out
        #expect(behind.contains(" (as of 2026-11-29), 1 change behind\n"), "\(behind)")
    }

    @Test("what-if sets both policies side by side on the promotion sample, names what changed on each line, and stores nothing")
    func promotionFairShare() throws {
        try #require(FileManager.default.isExecutableFile(atPath: T.binary), "build the allot binary first (swift build)")
        let sample = GeneratedAndSampleImportTests.sampleRoot.appendingPathComponent("promo-three-warehouses")
        let db = T.tempDB()
        #expect(try T.run(["import", sample.path, "--db", db, "--no-replan"]).status == 0)
        let r = try T.run(["plan", "--what-if", sample.appendingPathComponent("what-if/fair-share.toml").path, "--as-of", "2026-11-29",
                           "--db", db])
        #expect(r.status == 0, "\(r.err)")
        let out = r.out.split(separator: "\n").map(String.init)
        #expect(out.first?.hasPrefix("what-if: stored policy (2026-11-promo)  vs  ") == true, "\(r.out)")
        for heading in ["fill rate by tier", "exceptions by type"] { #expect(out.contains(heading), "\(r.out)") }
        #expect(out.contains { $0.hasPrefix("total cost ") } && out.contains { $0.hasPrefix("  SHORTAGE ") })
        #expect(out.contains { $0.range(of: #"^\d+ lines change \(first 25\)$"#, options: .regularExpression) != nil }, "\(r.out)")
        // SO-1025's lines keep their units; fair share leaves another of its lines short, so they cannot ship complete.
        let row = try #require(out.first { $0.hasPrefix("  SO-1025:1 ") }, "\(r.out)")
        #expect(row.hasSuffix("→ review 14@DAL  (+SHIP_COMPLETE)"), "\(row)")
        #expect(try PlanStore(mirror: Mirror(path: db)).currentPlanID() == nil, "a what-if stores nothing")
    }
}

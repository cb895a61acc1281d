import Foundation
import GRDB
import Testing
@testable import AllotCore
@testable import AllotStore
import AllotTestSupport

/// A first start loads the bundled sample with its dates moved to today (`Mirror.loadSampleIfEmpty(shiftingDays:)`):
/// the story written for 2026-11-29 must be the one a planner sees on any later day.
@Suite("Sample dates moved to today")
struct SampleShiftTests {
    @Test("a date or timestamp field moves by whole days; anything else is left alone")
    func fields() {
        #expect(DateShift.shift(field: "2026-11-29", days: 8) == "2026-12-07")
        #expect(DateShift.shift(field: "2026-02-27", days: 3) == "2026-03-02")
        #expect(DateShift.shift(field: "2026-12-30", days: 3) == "2027-01-02")
        #expect(DateShift.shift(field: "2026-11-29", days: -30) == "2026-10-30")
        #expect(DateShift.shift(field: "2026-11-29T05:40:00Z", days: 8) == "2026-12-07T05:40:00Z")
        #expect(DateShift.shift(field: "2026-11-29T23:59:59.25+01:00", days: 1) == "2026-11-30T23:59:59.25+01:00")
        for other in ["", "2026-11-promo", "PO-45101", "2026-02-30", "2026-11-29x", "2026-11-29T25:00:00Z", "12", "SOUTH"] {
            #expect(DateShift.shift(field: other, days: 8) == nil, "\(other)")
        }
    }

    @Test("a CSV keeps every byte but its dates: quotes, commas in quotes, CRLF, a last line without its end")
    func csv() {
        let text = "order_id,order_date,hold_reason,as_of\r\n"
            + "SO-1,2026-11-08,\"waits, for \"\"2026-11-30\"\"\",2026-11-29T05:40:00Z\r\n"
            + "SO-2,\"2026-11-09\",,\n"
            + "SO-3,2026-11-10,2026-11-12,"
        let moved = DateShift.shift(csv: text, days: 8)
        #expect(moved == "order_id,order_date,hold_reason,as_of\r\n"
            + "SO-1,2026-11-16,\"waits, for \"\"2026-11-30\"\"\",2026-12-07T05:40:00Z\r\n"
            + "SO-2,\"2026-11-17\",,\n"
            + "SO-3,2026-11-18,2026-11-20,")
        #expect(DateShift.shift(csv: text, days: 0) == text)
    }

    /// A path for a new mirror file, its folder made.
    static func newDB() throws -> String {
        let db = ImportCommandTests.tempDB()
        try FileManager.default.createDirectory(atPath: URL(fileURLWithPath: db).deletingLastPathComponent().path, withIntermediateDirectories: true)
        return db
    }

    @Test("JSON Lines keep every byte but their date and timestamp strings")
    func jsonLines() {
        let text = #"{"id":"e-2026-11-29","at":"2026-11-29T07:31:00Z","data":{"eta":"2026-12-02","note":"due \"2026-12-02\"","qty":3}}"#
            + "\n" + #"{"day": "2026-11-30" , "x":"2026-11-30x"}"# + "\n{oops \"2026-11-30\"\n"
        let moved = DateShift.shift(jsonLines: text, days: 8)
        #expect(moved == #"{"id":"e-2026-11-29","at":"2026-12-07T07:31:00Z","data":{"eta":"2026-12-10","note":"due \"2026-12-02\"","qty":3}}"#
            + "\n" + #"{"day": "2026-12-08" , "x":"2026-11-30x"}"# + "\n{oops \"2026-12-08\"\n")
    }

    @Test("the sample's events imported into a moved sample mirror move alike and tell the same story; other files do not")
    func eventsMoveAlike() throws {
        try #require(FileManager.default.isExecutableFile(atPath: ImportCommandTests.binary), "build the allot binary first (swift build)")
        let folder = SampleStoryTests.folder("promo-three-warehouses")
        let events = folder.appendingPathComponent("events").appendingPathComponent("morning.jsonl").path
        var plans: [Plan] = []
        for days in [0, 8] {
            let db = try Self.newDB()
            try Mirror(path: db).loadSampleIfEmpty(directory: folder.path, shiftingDays: days)
            let r = try ImportCommandTests.run(["import", events, "--db", db, "--no-replan"])
            #expect(r.status == 0, "\(r.err)")
            #expect(r.out.split(separator: "\n").last == "applied 46, duplicate 1, stale 1, rejected 0")
            #expect(r.err.contains("dates moved +8 days, as the sample promo-three-warehouses in this mirror was (its 2026-11-29 is 2026-12-07)") == (days == 8))
            let status = try ImportCommandTests.run(["status", "--db", db])
            #expect(status.out.contains(days == 0 ? "sample: promo-three-warehouses, dates as written"
                : "sample: promo-three-warehouses, dates moved +8 days (its 2026-11-29 is 2026-12-07)"), "\(status.out)")
            let mirror = try Mirror(path: db)
            plans.append(Engine.plan(snapshot: try mirror.loadSnapshot(), policy: try mirror.storedPolicy(), asOf: SampleStoryTests.asOf + days))
        }
        #expect(plans[0].summary == plans[1].summary)
        for (a, b) in zip(plans[0].lines, plans[1].lines) {
            #expect(a.key == b.key && a.exceptions == b.exceptions
                && a.allocations.map { "\($0.warehouseID) \($0.qty) \($0.arrivalDate + 8)" } == b.allocations.map { "\($0.warehouseID) \($0.qty) \($0.arrivalDate)" })
        }
        // The same events from outside the bundled samples are imported as written.
        let db = try Self.newDB()
        try Mirror(path: db).loadSampleIfEmpty(directory: folder.path, shiftingDays: 8)
        let copy = Scratch.url("allot-events").appendingPathComponent("morning.jsonl")
        try FileManager.default.createDirectory(at: copy.deletingLastPathComponent(), withIntermediateDirectories: true)
        try FileManager.default.copyItem(atPath: events, toPath: copy.path)
        let r = try ImportCommandTests.run(["import", copy.path, "--db", db, "--no-replan"])
        #expect(r.status == 0 && !r.err.contains("dates moved"))
    }

    @Test("the sample moved 8 days and planned on 12-07 is the sample planned on 11-29, every date 8 days on")
    func sampleStory() throws {
        let folder = SampleStoryTests.folder("promo-three-warehouses").path
        let original = try Fixture.mirror()
        #expect(try original.loadSampleIfEmpty(directory: folder) != nil)
        let moved = try Fixture.mirror()
        let summary = try #require(try moved.loadSampleIfEmpty(directory: folder, shiftingDays: 8))
        #expect(summary.rejected == 0)
        #expect(try moved.loadSampleIfEmpty(directory: folder, shiftingDays: 8) == nil, "a mirror with data is left alone")

        let day = SampleStoryTests.asOf
        let before = Engine.plan(snapshot: try original.loadSnapshot(), policy: try original.storedPolicy(), asOf: day)
        let after = Engine.plan(snapshot: try moved.loadSnapshot(), policy: try moved.storedPolicy(), asOf: day + 8)
        #expect(before.lines.count == after.lines.count && before.lines.count > 1_000)
        #expect(after.summary == before.summary)
        for (a, b) in zip(before.lines, after.lines) {
            #expect(a.key == b.key && a.status == b.status && a.exceptions == b.exceptions && a.short == b.short)
            #expect(a.allocations.map { [$0.warehouseID, "\($0.qty)", "\($0.source)", "\($0.shipDate + 8)", "\($0.arrivalDate + 8)"] }
                == b.allocations.map { [$0.warehouseID, "\($0.qty)", "\($0.source)", "\($0.shipDate)", "\($0.arrivalDate)"] })
        }
        // The history moved too: its latest decision is 8 days later, and nothing was lost.
        let latest = { (m: Mirror) in
            try m.db.read { db in
                (try String.fetchOne(db, sql: "SELECT max(decided_at) FROM line_history"),
                 try Int.fetchOne(db, sql: "SELECT count(*) FROM line_history"))
            }
        }
        let (was, count) = try latest(original), (now, movedCount) = try latest(moved)
        #expect(count == movedCount && (count ?? 0) > 1_000)
        #expect(DateShift.shift(field: try #require(was), days: 8) == now)
    }
}

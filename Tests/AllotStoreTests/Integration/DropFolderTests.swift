import Testing
import Foundation
import GRDB
@testable import AllotStore
import AllotCore

@Suite("The drop folder")
struct DropFolderTests {
    typealias F = DropFixture

    @Test("only complete inputs are taken: temp names, dotfiles and folders without a .done marker wait")
    func onlyCompleteInputs() throws {
        let f = try F()
        try Data("{}".utf8).write(to: f.dir.appendingPathComponent("erp-2.jsonl.part"))
        try Data("{}".utf8).write(to: f.dir.appendingPathComponent(".erp-3.jsonl"))
        try Data("{}".utf8).write(to: f.dir.appendingPathComponent("erp-4.jsonl.tmp"))
        try FileManager.default.createDirectory(at: f.dir.appendingPathComponent("snap-1"), withIntermediateDirectories: true)
        try f.drop("erp-1.jsonl", [F.stock("e1", 1, "DAL", "MX-200", 7)])
        let (ready, waiting) = try f.folder.scan()
        #expect(ready.map(\.name) == ["erp-1.jsonl"])
        #expect(Set(waiting) == ["erp-2.jsonl.part", "erp-4.jsonl.tmp", "snap-1"])
        try Data().write(to: f.dir.appendingPathComponent("snap-1.done"))
        #expect(try f.folder.scan().ready.map(\.name) == ["erp-1.jsonl", "snap-1"])
    }

    @Test("inputs are imported in order of name and moved to processed/")
    func orderOfName() throws {
        let f = try F()
        // Written in reverse; the later seq for the same entity must win because names order them.
        try f.drop("wms-000002.jsonl", [F.stock("w2", 2, "DAL", "MX-200", 22)])
        try f.drop("wms-000001.jsonl", [F.stock("w1", 1, "DAL", "MX-200", 11)])
        let (results, errors) = try f.intake.processPending()
        #expect(errors.isEmpty)
        #expect(results.map(\.item.name) == ["wms-000001.jsonl", "wms-000002.jsonl"])
        #expect(results.allSatisfy { $0.outcome == .processed })
        #expect(try f.onHand("DAL", "MX-200") == 22)
        #expect(f.exists("processed/wms-000001.jsonl") && f.exists("processed/wms-000002.jsonl"))
        #expect(!f.exists("wms-000001.jsonl"))
        #expect(try f.count("import_file") == 2)
    }

    @Test("a snapshot folder with its .done marker is loaded and moved with the marker")
    func snapshotFolder() throws {
        let f = try F(loaded: false)
        let snap = try Fixture.folder()
        try FileManager.default.moveItem(at: snap, to: f.dir.appendingPathComponent("erp-snapshot-1"))
        try Data().write(to: f.dir.appendingPathComponent("erp-snapshot-1.done"))
        let (results, _) = try f.intake.processPending()
        #expect(results.map(\.outcome) == [.processed])
        #expect(try f.count("warehouse") == 2)
        #expect(f.exists("processed/erp-snapshot-1/orders.csv") && f.exists("processed/erp-snapshot-1.done"))
        #expect(!f.exists("erp-snapshot-1.done"))
    }

    @Test("a rejected snapshot goes to failed/ with a .error file naming file, line and field; the mirror is unchanged")
    func rejectedSnapshot() throws {
        let f = try F()
        let before = try Fixture.dump(f.mirror)
        let snap = try Fixture.folder(Fixture.basic, ["order_lines.csv": "order_id,line_no,sku,qty\nSO-1,1,MX-200,-3"])
        try FileManager.default.moveItem(at: snap, to: f.dir.appendingPathComponent("erp-snap-2"))
        try Data().write(to: f.dir.appendingPathComponent("erp-snap-2.done"))
        let (results, _) = try f.intake.processPending()
        #expect(results.map(\.outcome) == [.failed])
        let error = try f.read("failed/erp-snap-2.error")
        #expect(error.contains("order_lines.csv:2"), "\(error)")
        #expect(error.contains("qty"))
        #expect(try Fixture.dump(f.mirror) == before)
        let health = try f.mirror.integrationHealth(now: Timestamp("2026-11-29T09:00:00Z")!, staleAfterHours: 72)
        #expect(health.sources.first { $0.source == "erp" }?.status == .failing)
    }

    @Test("an events file without a single usable line fails as a whole; its lines wait in dead letters")
    func uselessEventsFile() throws {
        let f = try F()
        try f.drop("tms-1.jsonl", ["not json", #"{"id":"x"}"#])
        let (results, _) = try f.intake.processPending()
        #expect(results.map(\.outcome) == [.failed])
        #expect(try f.read("failed/tms-1.jsonl.error").contains("tms-1.jsonl:1"))
        #expect(try f.count("dead_letter") == 2)
    }

    @Test("an unsupported file goes to failed/ with the reason")
    func unsupportedFile() throws {
        let f = try F()
        try f.drop("erp-1.xlsx", bytes: Data([0x50, 0x4b, 3, 4]))
        let (results, _) = try f.intake.processPending()
        #expect(results.map(\.outcome) == [.failed])
        #expect(try f.read("failed/erp-1.xlsx.error").contains("not an events file"))
    }

    @Test("the same batch sent twice, under the same or another name, changes nothing the second time")
    func sameBatchTwice() throws {
        let f = try F()
        let lines = [F.stock("w1", 1, "DAL", "MX-200", 11), F.stock("w2", 2, "CHI", "MX-200", 12)]
        try f.drop("wms-1.jsonl", lines)
        _ = try f.intake.processPending()
        let after = try Fixture.dump(f.mirror)
        let changes = try f.mirror.lastChangeID()
        try f.drop("wms-1.jsonl", lines)
        try f.drop("wms-1-resent.jsonl", lines)
        let (results, _) = try f.intake.processPending()
        // By name, `wms-1-resent.jsonl` comes first.
        #expect(results.map(\.outcome) == [.processed, .alreadyImported])
        #expect(results[0].summary?.duplicate == 2 && results[0].summary?.applied == 0)
        #expect(try Fixture.dump(f.mirror) == after)
        #expect(try f.mirror.lastChangeID() == changes)
        #expect(f.exists("processed/wms-1.jsonl~2"))
    }

    @Test("a file whose import committed but which was not moved (a crash) is recognised and only moved")
    func committedNotMoved() throws {
        let f = try F()
        let lines = [F.event("a1", 1, "inventory.adjusted", #"{"warehouse_id":"DAL","sku":"GL-1","delta":-10}"#, source: "wms")]
        try f.drop("wms-7.jsonl", lines)
        _ = try f.intake.processPending()
        #expect(try f.onHand("DAL", "GL-1") == 990)
        // Simulate the crash window: the file is back in the folder as if the move never happened.
        try FileManager.default.moveItem(at: f.dir.appendingPathComponent("processed/wms-7.jsonl"), to: f.dir.appendingPathComponent("wms-7.jsonl"))
        let received = try f.mirror.db.read { try Int.fetchOne($0, sql: "SELECT received FROM source_state WHERE source = 'wms'") }
        let (results, _) = try f.intake.processPending()
        #expect(results.map(\.outcome) == [.alreadyImported])
        #expect(try f.onHand("DAL", "GL-1") == 990)
        #expect(try f.mirror.db.read { try Int.fetchOne($0, sql: "SELECT received FROM source_state WHERE source = 'wms'") } == received)
        #expect(!f.exists("wms-7.jsonl"))
    }

    @Test("bad input in a file — truncated last line, invalid UTF-8, unknown type, a huge line, out of order — loses no valid event")
    func badInputKeepsValidEvents() throws {
        let f = try F()
        var bytes = Data()
        func add(_ s: String) { bytes.append(Data((s + "\n").utf8)) }
        add(F.stock("w1", 1, "DAL", "MX-200", 11))
        add(F.event("u1", 2, "pallet.moved", "{}", source: "wms"))
        bytes.append(contentsOf: [0x7b, 0xff, 0xfe, 0x7d, 0x0a])
        add(F.stock("w3", 5, "CHI", "MX-200", 33))
        add(F.stock("w2", 4, "CHI", "MX-200", 99))  // older than w3 for the same entity: stale
        add(#"{"id":"big","source":"wms","seq":6,"type":"item.upserted","at":"2026-11-29T08:00:00Z","data":{"sku":"X","description":""# + String(repeating: "x", count: EventImporter.maxLineBytes) + #""}}"#)
        add(F.stock("w4", 7, "DAL", "GL-1", 500))
        bytes.append(Data(#"{"id":"w5","source":"wms","seq":8,"type":"inventory.snap"#.utf8))  // truncated: no end, no newline
        try f.drop("wms-9.jsonl", bytes: bytes)
        let (results, _) = try f.intake.processPending()
        let s = try #require(results.first?.summary)
        #expect(results.first?.outcome == .processed)
        #expect(s.applied == 3)
        #expect(s.stale == 1)
        #expect(s.rejected == 4)
        #expect(try f.onHand("DAL", "MX-200") == 11 && f.onHand("CHI", "MX-200") == 33 && f.onHand("DAL", "GL-1") == 500)
        let letters = try f.mirror.deadLetters()
        #expect(letters.count == 4)
        let reasons = letters.map(\.reason).joined(separator: "\n")
        #expect(reasons.contains("not a known event type"))
        #expect(reasons.contains("UTF-8"))
        #expect(reasons.contains("bytes long"))
        #expect(reasons.contains("not valid JSON"))
        #expect(letters.allSatisfy { $0.raw.utf8.count < 10_000 })
    }

    @Test("an event with a data version this Allot does not read is refused with the versions it does read")
    func unknownVersion() throws {
        let f = try F()
        let v2 = #"{"id":"v2","source":"wms","seq":1,"v":2,"type":"inventory.snapshot","at":"2026-11-29T08:00:00Z","data":{"warehouse_id":"DAL","sku":"MX-200","on_hand":1}}"#
        let v1 = #"{"id":"v1","source":"wms","seq":2,"v":1,"type":"inventory.snapshot","at":"2026-11-29T08:00:00Z","data":{"warehouse_id":"DAL","sku":"MX-200","on_hand":2}}"#
        try f.drop("wms-1.jsonl", [v2, v1])
        let s = try #require(try f.intake.processPending().results.first?.summary)
        #expect(s.applied == 1 && s.rejected == 1)
        #expect(try f.onHand("DAL", "MX-200") == 2)
        #expect(try f.mirror.deadLetters().first?.reason.contains("field 'v'") == true)
    }
}

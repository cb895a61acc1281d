import Testing
import Foundation
import GRDB
@testable import AllotStore
import AllotCore

@Suite("Applying events in batches")
struct EventBatchTests {
    static func loaded() throws -> Mirror {
        let mirror = try Fixture.mirror()
        try SnapshotImporter(mirror: mirror).importSnapshot(directory: try Fixture.folder().path)
        return mirror
    }

    /// A seeded file of more than two chunks: stock counts and adjustments over a few positions, an id repeated
    /// thousands of lines later (across a chunk boundary), events older than what was applied, events the
    /// importer refuses, and lines that are not events at all.
    static func mixedLines(count: Int) -> [String] {
        let positions = [("DAL", "MX-200"), ("CHI", "MX-200"), ("DAL", "GL-1"), ("CHI", "MX-210"), ("DAL", "NOPE")]
        var rng = SeededRandom(state: 5)
        var lines: [String] = []
        var seq = ["wms": 0, "erp": 0]
        for n in 1...count {
            let roll = rng.next() % 100
            if roll < 2 { lines.append("not json \(n)"); continue }
            if roll < 5, n > 5000 { lines.append(lines[n - 5000]); continue }
            let source = roll < 60 ? "wms" : "erp"
            let (w, sku) = positions[Int(rng.next() % UInt64(positions.count))]
            // Now and then an event arrives with a seq already passed: it is stale for its position.
            let s = roll < 8 ? max(1, seq[source]! - 3) : { seq[source]! += 1; return seq[source]! }()
            let id = "\(source)-\(n)"
            if roll < 50 {
                lines.append(Events.line(id, s, "inventory.adjusted", #"{"warehouse_id":"\#(w)","sku":"\#(sku)","delta":\#(1 + rng.next() % 4)}"#, source: source))
            } else {
                lines.append(Events.line(id, s, "inventory.snapshot", #"{"warehouse_id":"\#(w)","sku":"\#(sku)","on_hand":\#(rng.next() % 300)}"#, source: source))
            }
        }
        return lines
    }

    /// What the mirror holds after an import, apart from times: stock, ledger, versions, counters and feed.
    static func state(_ mirror: Mirror) throws -> [String] {
        try mirror.db.read { db in
            var out: [String] = []
            for r in try Row.fetchAll(db, sql: "SELECT warehouse_id, sku, on_hand FROM inventory ORDER BY warehouse_id, sku") { out.append("inv \(r)") }
            for r in try Row.fetchAll(db, sql: "SELECT event_id, source, seq, type, entity, outcome FROM event_ledger ORDER BY event_id") { out.append("ledger \(r)") }
            for r in try Row.fetchAll(db, sql: "SELECT source, entity, seq FROM entity_version ORDER BY source, entity") { out.append("version \(r)") }
            for r in try Row.fetchAll(db, sql: """
                SELECT source, last_seq, received, applied, duplicate, stale, rejected, gaps, last_event_at FROM source_state ORDER BY source
                """) { out.append("source \(r)") }
            for r in try Row.fetchAll(db, sql: "SELECT source, kind, sku, order_id, detail FROM change_log WHERE kind <> 'snapshot' ORDER BY id") { out.append("feed \(r)") }
            return out
        }
    }

    @Test("a file of several chunks ends in exactly the state of applying its events one at a time")
    func chunksEqualOneByOne() throws {
        let lines = Self.mixedLines(count: 2 * EventBatch.chunkSize + 700)
        let batched = try Self.loaded()
        let summary = try EventImporter(mirror: batched).importEvents(from: Events.data(lines), name: "wms-1.jsonl")
        let single = try Self.loaded()
        var counts = (applied: 0, duplicate: 0, stale: 0, rejected: 0)
        for (i, line) in lines.enumerated() {
            switch try EventImporter(mirror: single).apply(rawLine: line, file: "wms-1.jsonl", line: i + 1) {
            case .applied: counts.applied += 1
            case .duplicate: counts.duplicate += 1
            case .stale: counts.stale += 1
            case .rejected: counts.rejected += 1
            }
        }
        #expect(summary.duplicate > 0 && summary.stale > 0 && summary.rejected > 0, "the file exercises every outcome")
        #expect(summary.applied == counts.applied && summary.duplicate == counts.duplicate)
        #expect(summary.stale == counts.stale && summary.rejected == counts.rejected)
        let a = try Self.state(batched), b = try Self.state(single)
        #expect(a.count == b.count)
        for (x, y) in zip(a, b) where x != y { Issue.record("batched \(x) but one by one \(y)"); break }
        let letters = try batched.db.read { try Int.fetchOne($0, sql: "SELECT count(*) FROM dead_letter") }
        // A rejected line repeated later in the file waits in dead letters once.
        #expect((letters ?? 0) > 0 && (letters ?? 0) <= summary.rejected)
    }

    @Test("a write the mirror refuses although the checks passed rejects only that event; the rest of its chunk applies")
    func mirrorRefusal() throws {
        let mirror = try Self.loaded()
        // A rule the importer's checks do not know about, as a site-specific trigger might add.
        try mirror.db.write { db in
            try db.execute(sql: """
                CREATE TRIGGER unlucky BEFORE UPDATE OF on_hand ON inventory WHEN NEW.on_hand = 13
                BEGIN SELECT RAISE(ABORT, 'thirteen is refused here'); END
                """)
        }
        let lines = (1...40).map { n in
            Events.line("s\(n)", n, "inventory.snapshot", #"{"warehouse_id":"DAL","sku":"MX-200","on_hand":\#(n == 17 ? 13 : 100 + n)}"#, source: "wms")
        }
        let summary = try EventImporter(mirror: mirror).importEvents(from: Events.data(lines), name: "wms-1.jsonl")
        #expect(summary.applied == 39)
        #expect(summary.rejected == 1)
        #expect(summary.problems.first?.line == 17)
        #expect(summary.problems.first?.message.contains("thirteen is refused here") == true)
        func int(_ sql: String) throws -> Int? { try mirror.db.read { try Int.fetchOne($0, sql: sql) } }
        #expect(try int("SELECT on_hand FROM inventory WHERE warehouse_id = 'DAL' AND sku = 'MX-200'") == 140)
        #expect(try int("SELECT count(*) FROM event_ledger") == 39)
        #expect(try int("SELECT received FROM source_state WHERE source = 'wms'") == 40)
        #expect(try int("SELECT rejected FROM source_state WHERE source = 'wms'") == 1)
        let reason = try mirror.db.read { try String.fetchOne($0, sql: "SELECT reason FROM dead_letter") }
        #expect(reason?.contains("thirteen") == true)
    }
}

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
    /// The feed as its readers see it: each (source, kind, sku, order) once, in the order it first appeared,
    /// with the detail of that first row (a file feeds one row for each; events applied one by one, one each).
    static func state(_ mirror: Mirror) throws -> [String] {
        try mirror.db.read { db in
            var out: [String] = []
            for r in try Row.fetchAll(db, sql: "SELECT warehouse_id, sku, on_hand FROM inventory ORDER BY warehouse_id, sku") { out.append("inv \(r)") }
            for r in try Row.fetchAll(db, sql: "SELECT event_id, source, seq, type, entity, outcome FROM event_ledger ORDER BY event_id") { out.append("ledger \(r)") }
            for r in try Row.fetchAll(db, sql: "SELECT source, entity, seq FROM entity_version ORDER BY source, entity") { out.append("version \(r)") }
            for r in try Row.fetchAll(db, sql: """
                SELECT source, last_seq, received, applied, duplicate, stale, rejected, gaps, last_event_at FROM source_state ORDER BY source
                """) { out.append("source \(r)") }
            for r in try Row.fetchAll(db, sql: """
                SELECT source, kind, sku, order_id, detail, min(id) AS first FROM change_log WHERE kind <> 'snapshot'
                GROUP BY source, kind, sku, order_id ORDER BY first
                """) { out.append("feed \(r["source"] as String) \(r["kind"] as String) \(r["sku"] as String?) \(r["order_id"] as String?) \(r["detail"] as String?)") }
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

    @Test("a file that changes one position again and again feeds one change row for it, across chunks")
    func oneFeedRowPerChange() throws {
        let mirror = try Self.loaded()
        let last = try mirror.lastChangeID()
        let lines = (1...(EventBatch.chunkSize + 10)).map { n in
            Events.line("a\(n)", n, "inventory.adjusted", #"{"warehouse_id":"DAL","sku":"\#(n % 2 == 0 ? "MX-200" : "GL-1")","delta":1}"#, source: "wms")
        }
        let summary = try EventImporter(mirror: mirror).importEvents(from: Events.data(lines), name: "wms-1.jsonl")
        #expect(summary.applied == lines.count)
        let feed = try mirror.changes(after: last)
        #expect(feed.map { "\($0.kind) \($0.sku ?? "")" } == ["inventory.adjusted GL-1", "inventory.adjusted MX-200"])
        #expect(feed.first?.detail == "DAL +1")
        // The next file feeds its own rows: a reader that has seen the first file learns of the second.
        let more = [Events.line("b1", lines.count + 1, "inventory.adjusted", #"{"warehouse_id":"DAL","sku":"GL-1","delta":1}"#, source: "wms")]
        _ = try EventImporter(mirror: mirror).importEvents(from: Events.data(more), name: "wms-2.jsonl")
        #expect(try mirror.changes(after: feed.last?.id ?? 0).map(\.sku) == ["GL-1"])
    }

    @Test("chunks of every size apply in one go, never falling back to one event at a time, after other writers used the same SQL")
    func chunksApplyWithoutFallback() throws {
        let mirror = try Self.loaded()
        // Single events (the dead-letter retry's path) run the same one-row statements through GRDB first.
        _ = try EventImporter(mirror: mirror).apply(rawLine: Events.line("r1", 1, "inventory.adjusted", #"{"warehouse_id":"DAL","sku":"GL-1","delta":1}"#, source: "wms"), file: "retry")
        var next = 1
        for size in [1, 2, 3, 513, 1025] {
            let lines = (0..<size).map { _ in
                next += 1
                return Events.line("c\(next)", next, "inventory.adjusted", #"{"warehouse_id":"DAL","sku":"\#(next % 2 == 0 ? "MX-200" : "GL-1")","delta":1}"#, source: "wms")
            }
            let data = Events.data(lines)
            let slow = try mirror.db.write { db in
                var batch = try EventBatch(db: db, file: "wms-\(size).jsonl")
                try LineDecoder(data: data, lines: EventImporter.lines(of: data), file: "wms-\(size).jsonl").forEachChunk { try batch.apply($0) }
                #expect(batch.summary.applied == size)
                return batch.slowChunks
            }
            #expect(slow == 0, "\(size) events")
        }
        #expect(try mirror.db.read { try Int.fetchOne($0, sql: "SELECT count(*) FROM event_ledger") } == next)
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

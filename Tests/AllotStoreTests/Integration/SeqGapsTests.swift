import Testing
import Foundation
import GRDB
@testable import AllotStore
import AllotCore

/// Missing seqs kept as ranges while events are recorded (`SeqGaps`) against counting the ledger.
@Suite("Missing seqs")
struct SeqGapsTests {
    typealias F = DropFixture

    /// Per source: what counting the ledger gives (missing, least, greatest seq), and what the ranges say.
    static func compare(_ mirror: Mirror, sourceLocation: SourceLocation = #_sourceLocation) throws {
        try mirror.db.read { db in
            let counted = try Row.fetchAll(db, sql: """
                SELECT source, max(seq) - min(seq) + 1 - count(DISTINCT seq), min(seq), max(seq) FROM event_ledger GROUP BY source
                """)
            let missing = try SeqGaps.missing(db)
            for r in counted {
                let source: String = r[0]
                #expect(missing[source] ?? 0 == r[1] as Int64, "missing seqs of \(source)", sourceLocation: sourceLocation)
                let kept = try Row.fetchOne(db, sql: "SELECT ledger_min_seq, ledger_max_seq FROM source_state WHERE source = ?", arguments: [source])
                #expect(kept?[0] as Int64? == r[2] as Int64 && kept?[1] as Int64? == r[3] as Int64, "range of \(source)",
                        sourceLocation: sourceLocation)
            }
            #expect(Set(missing.keys).isSubset(of: Set(counted.map { $0[0] as String })), sourceLocation: sourceLocation)
            // No recorded seq lies in a range, and ranges do not overlap.
            #expect(try Int.fetchOne(db, sql: """
                SELECT count(*) FROM seq_gap g JOIN event_ledger l ON l.source = g.source AND l.seq BETWEEN g.first AND g.last
                """) == 0, sourceLocation: sourceLocation)
            #expect(try Int.fetchOne(db, sql: """
                SELECT count(*) FROM seq_gap a JOIN seq_gap b ON a.source = b.source AND a.first < b.first AND a.last >= b.first
                """) == 0, sourceLocation: sourceLocation)
        }
    }

    @Test("random seqs (late, repeated, stale, duplicate ids) through files and one by one: the ranges match the ledger",
          arguments: [1, 2, 3, 4])
    func randomSeqs(seed: UInt64) throws {
        let f = try F()
        let importer = EventImporter(mirror: f.mirror)
        var rng = SeededRandom(state: seed)
        var n = 0
        for round in 0..<14 {
            var lines: [String] = []
            for _ in 0..<(1 + Int(rng.next() % 30)) {
                n += 1
                let source = ["erp", "wms", "tms"][Int(rng.next() % 3)]
                let seq = 1 + Int(rng.next() % 80)
                // Now and then an id seen before (a duplicate: nothing recorded).
                let id = rng.next() % 10 == 0 && n > 1 ? "e\(1 + Int(rng.next() % UInt64(n - 1)))" : "e\(n)"
                let sku = rng.next() % 2 == 0 ? "MX-200" : "GL-1"
                lines.append(F.stock(id, seq, "DAL", sku, Int(rng.next() % 50), source: source))
            }
            if round % 3 == 2 {
                // One event at a time, as a dead-letter retry applies them (`EventSession`).
                for line in lines { _ = try importer.apply(rawLine: line, file: "retry") }
            } else {
                try importer.importEvents(from: Data((lines.joined(separator: "\n") + "\n").utf8), name: "f\(round).jsonl")
            }
            try Self.compare(f.mirror)
        }
        #expect(try f.mirror.db.read { try Int.fetchOne($0, sql: "SELECT count(*) FROM seq_gap") ?? 0 } > 0)
    }

    @Test("the health view reports the ranges' missing seqs")
    func healthView() throws {
        let f = try F()
        try f.drop("erp-1.jsonl", [F.stock("a", 10, "DAL", "MX-200", 1, source: "erp"), F.stock("b", 4, "DAL", "GL-1", 2, source: "erp"),
                                   F.stock("c", 7, "DAL", "GL-1", 3, source: "erp"), F.stock("d", 7, "DAL", "MX-200", 3, source: "erp")])
        _ = try f.intake.processPending()
        let h = try f.mirror.integrationHealth(now: Timestamp("2026-11-29T09:00:00Z")!, staleAfterHours: 72)
        // Seqs 4, 7 and 10 arrived (7 twice): 5, 6, 8 and 9 are missing.
        #expect(h.sources.first { $0.source == "erp" }?.missingSeqs == 4)
        try Self.compare(f.mirror)
    }

    @Test("a mirror made with the ledger's (source, seq) index gets its ranges worked out from the ledger, and loses the index")
    func migration() throws {
        let (mirror, cleanUp) = try ImportMigrationTests.migratedForward(from: "v5-change-log-unindexed") { db in
            // erp: 1, 2, 5, 5, 9 (missing 3, 4, 6, 7, 8); wms: 3 alone; tms: in the ledger without a source_state row.
            for (i, (source, seq)) in [("erp", 1), ("erp", 2), ("erp", 5), ("erp", 5), ("erp", 9), ("wms", 3), ("tms", 2), ("tms", 4)].enumerated() {
                try db.execute(sql: """
                    INSERT INTO event_ledger(event_id, source, seq, type, entity, at, applied_at, outcome)
                    VALUES (?, ?, ?, 'inventory.snapshot', 'inventory:DAL:MX-200', '2026-11-29T08:00:00Z', '2026-11-29T08:00:00Z', 'applied')
                    """, arguments: ["x\(i)", source, seq])
            }
            try db.execute(sql: "INSERT INTO source_state(source, last_seq) VALUES ('erp', 9), ('wms', 3), ('idle', 0)")
        }
        defer { cleanUp() }
        try Self.compare(mirror)
        let ranges = try mirror.db.read { try Row.fetchAll($0, sql: "SELECT source, first, last FROM seq_gap ORDER BY source, first") }
        #expect(ranges.map { [$0[0] as String, "\($0[1] as Int64)-\($0[2] as Int64)"] } == [["erp", "3-4"], ["erp", "6-8"], ["tms", "3-3"]])
        #expect(try mirror.db.read { try String.fetchAll($0, sql: "SELECT name FROM sqlite_master WHERE name = 'event_ledger_source_seq'") }.isEmpty)
        // A source with no ledger entry keeps no range; events recorded after the migration carry on from it.
        #expect(try mirror.db.read { try Row.fetchOne($0, sql: "SELECT ledger_min_seq, ledger_max_seq FROM source_state WHERE source = 'idle'") }
                .map { $0[0] as Int64? == nil && $0[1] as Int64? == nil } == true)
        try EventImporter(mirror: mirror).importEvents(from: Data((F.stock("y1", 7, "DAL", "MX-200", 1, source: "erp") + "\n").utf8), name: "late.jsonl")
        try Self.compare(mirror)
    }
}

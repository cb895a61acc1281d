import Testing
import Foundation
import GRDB
@testable import AllotStore
import AllotCore
import AllotTestSupport

@Suite("The import's migrations")
struct ImportMigrationTests {
    /// A mirror file made with the migrations up to `migration` only and filled by `fill`, then opened as a `Mirror`
    /// (which migrates it the rest of the way); the folder goes when the test ends (`cleanUp`).
    static func migratedForward(from migration: String, fill: (Database) throws -> Void) throws -> (mirror: Mirror, cleanUp: () -> Void) {
        let dir = Scratch.url("allot-mig")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        let path = dir.appendingPathComponent("old.sqlite").path
        let old = try DatabaseQueue(path: path)
        try Schema.migrator().migrate(old, upTo: migration)
        try old.write(fill)
        try old.close()
        return (try Mirror(path: path), { try? FileManager.default.removeItem(at: dir) })
    }

    @Test("a mirror made before the change feed existed is migrated forward, keeping its data")
    func migratesForward() throws {
        // An older mirror: only the migrations up to the first integration one.
        let (mirror, cleanUp) = try Self.migratedForward(from: "v1-integration") { db in
            try db.execute(sql: "INSERT INTO warehouse(warehouse_id, region) VALUES ('DAL', 'south')")
            #expect(try !db.tableExists("change_log"))
        }
        defer { cleanUp() }
        let applied = try mirror.db.read { try Schema.migrator().appliedMigrations($0) }
        #expect(applied.contains("v2-change-log") && applied.contains("v2-shipment"))
        #expect(try mirror.db.read { try $0.tableExists("change_log") && $0.tableExists("shipment") })
        #expect(try mirror.loadSnapshot().warehouses.map(\.id) == ["DAL"])
        #expect(try mirror.changes().isEmpty)
    }

    @Test("a mirror with the change feed's old indexes by sku and order loses them, keeping its entries")
    func changeLogIndexesDropped() throws {
        let indexes = "SELECT name FROM sqlite_master WHERE type = 'index' AND tbl_name = 'change_log' ORDER BY name"
        let (mirror, cleanUp) = try Self.migratedForward(from: "v4-plan-basis") { db in
            #expect(try String.fetchAll(db, sql: indexes) == ["change_log_order", "change_log_sku"])
            try ChangeFeed.append(db, at: "2026-11-29T08:00:00Z", source: "erp", kind: "order.upserted", sku: "S1", order: "SO-1")
        }
        defer { cleanUp() }
        #expect(try mirror.db.read { try String.fetchAll($0, sql: indexes) }.isEmpty)
        #expect(try mirror.changes().map { [$0.sku, $0.orderID] } == [["S1", "SO-1"]])
    }

    @Test("the change feed hands out entries in order, after a given id")
    func changeFeedPaging() throws {
        let mirror = try Fixture.mirror()
        try mirror.db.write { db in
            for i in 1...5 { try ChangeFeed.append(db, at: "2026-11-29T08:00:0\(i)Z", source: "erp", kind: "item.upserted", sku: "S\(i)") }
        }
        let all = try mirror.changes()
        #expect(all.map(\.sku) == ["S1", "S2", "S3", "S4", "S5"])
        #expect(try mirror.changes(after: all[2].id).map(\.sku) == ["S4", "S5"])
        #expect(try mirror.changes(after: 0, limit: 2).count == 2)
        #expect(try mirror.lastChangeID() == all[4].id)
        // As the re-plan reads it: what each entry names, and the last id.
        let span = try mirror.feedSpan(after: all[2].id)
        #expect(span.entries == [FeedEntry(kind: "item.upserted", sku: "S4", orderID: nil), FeedEntry(kind: "item.upserted", sku: "S5", orderID: nil)])
        #expect(span.lastID == all[4].id && span.count == 2)
        #expect(try mirror.feedSpan(after: all[4].id) == FeedSpan(lastID: nil, entries: []))
    }
}

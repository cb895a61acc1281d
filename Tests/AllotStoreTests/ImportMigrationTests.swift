import Testing
import Foundation
import GRDB
@testable import AllotStore
import AllotCore

@Suite("The import's migrations")
struct ImportMigrationTests {
    @Test("a mirror made before the change feed existed is migrated forward, keeping its data")
    func migratesForward() throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("allot-mig-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: dir) }
        let path = dir.appendingPathComponent("old.sqlite").path
        // An older mirror: only the migrations up to the first integration one.
        let old = try DatabaseQueue(path: path)
        try Schema.migrator().migrate(old, upTo: "v1-integration")
        try old.write { db in
            try db.execute(sql: "INSERT INTO warehouse(warehouse_id, region) VALUES ('DAL', 'south')")
            #expect(try !db.tableExists("change_log"))
        }
        try old.close()

        let mirror = try Mirror(path: path)
        let applied = try mirror.db.read { try Schema.migrator().appliedMigrations($0) }
        #expect(applied.contains("v2-change-log") && applied.contains("v2-shipment"))
        #expect(try mirror.db.read { try $0.tableExists("change_log") && $0.tableExists("shipment") })
        #expect(try mirror.loadSnapshot().warehouses.map(\.id) == ["DAL"])
        #expect(try mirror.changes().isEmpty)
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
    }
}

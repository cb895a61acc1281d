import Testing
import Foundation
@testable import AllotStore
import AllotCore

@Suite("The mirror")
struct MirrorTests {
    @Test("a new mirror is migrated, empty, in WAL mode with foreign keys on")
    func newMirror() throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("allot-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: dir) }
        let mirror = try Mirror(path: dir.appendingPathComponent("m.sqlite").path)
        #expect(try mirror.isEmpty())
        let (mode, fk) = try mirror.db.read { db in
            (try String.fetchOne(db, sql: "PRAGMA journal_mode"), try Int.fetchOne(db, sql: "PRAGMA foreign_keys"))
        }
        #expect(mode == "wal")
        #expect(fk == 1)
        for t in Schema.mirrorTables { #expect(try mirror.db.read { try $0.tableExists(t) }, "\(t)") }
    }

    @Test("migrating twice changes nothing")
    func migrationsAreIdempotent() throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("allot-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: dir) }
        let path = dir.appendingPathComponent("m.sqlite").path
        _ = try Mirror(path: path)
        let again = try Mirror(path: path)
        let applied = try again.db.read { try Schema.migrator().appliedMigrations($0) }
        #expect(applied.contains("v1-mirror"))
    }

    @Test("the default path follows ALLOT_DB, then XDG_DATA_HOME, then HOME")
    func defaultPath() {
        #expect(Mirror.defaultPath(environment: ["ALLOT_DB": "/x/m.sqlite", "HOME": "/h"]) == "/x/m.sqlite")
        #expect(Mirror.defaultPath(environment: ["XDG_DATA_HOME": "/d", "HOME": "/h"]) == "/d/allot/mirror.sqlite")
        #expect(Mirror.defaultPath(environment: ["HOME": "/h"]) == "/h/.local/share/allot/mirror.sqlite")
    }
}

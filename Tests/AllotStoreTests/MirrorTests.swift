import Testing
import Foundation
@testable import AllotStore
import AllotCore
import AllotTestSupport

@Suite("The mirror")
struct MirrorTests {
    @Test("a new mirror is migrated, empty, in WAL mode with foreign keys on")
    func newMirror() throws {
        let dir = Scratch.url("allot")
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
        let dir = Scratch.url("allot")
        defer { try? FileManager.default.removeItem(at: dir) }
        let path = dir.appendingPathComponent("m.sqlite").path
        _ = try Mirror(path: path)
        let again = try Mirror(path: path)
        let applied = try again.db.read { try Schema.migrator().appliedMigrations($0) }
        #expect(applied.contains("v1-mirror"))
    }

    @Test("the log is copied back into the file beside the writer, not in its commits")
    func checkpointsRunOffTheWriter() throws {
        let dir = Scratch.url("allot")
        defer { try? FileManager.default.removeItem(at: dir) }
        let path = dir.appendingPathComponent("m.sqlite").path
        let mirror = try Mirror(path: path)
        let checkpointer = try #require(mirror.checkpointer)
        checkpointer.queue.suspend()
        var suspended = true
        defer { if suspended { checkpointer.queue.resume() } }
        // Three commits of about 1,500 pages each: SQLite's own checkpoint would have run in the first and let the
        // log start over, so it would never hold all three.
        try mirror.db.write { try $0.execute(sql: "CREATE TABLE scratch(x BLOB)") }
        for _ in 0..<3 {
            try mirror.db.write { try $0.execute(sql: """
                WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 1500)
                INSERT INTO scratch SELECT randomblob(3000) FROM n
                """) }
        }
        let log = try FileManager.default.attributesOfItem(atPath: path + "-wal")[.size] as? Int ?? 0
        #expect(log > 4000 * 4096)
        #expect(checkpointer.stats.value.runs == 0)
        checkpointer.queue.resume()
        suspended = false
        checkpointer.waitUntilIdle()
        let stats = checkpointer.stats.value
        #expect(stats.runs >= 1)
        #expect(stats.failures == 0)
        #expect(stats.logFrames > 4000 && stats.checkpointedFrames == stats.logFrames)
        #expect(try mirror.db.read { try Int.fetchOne($0, sql: "SELECT count(*) FROM scratch") } == 4500)
    }

    @Test("the default path follows ALLOT_DB, then XDG_DATA_HOME, then HOME")
    func defaultPath() {
        #expect(Mirror.defaultPath(environment: ["ALLOT_DB": "/x/m.sqlite", "HOME": "/h"]) == "/x/m.sqlite")
        #expect(Mirror.defaultPath(environment: ["XDG_DATA_HOME": "/d", "HOME": "/h"]) == "/d/allot/mirror.sqlite")
        #expect(Mirror.defaultPath(environment: ["HOME": "/h"]) == "/h/.local/share/allot/mirror.sqlite")
    }
}

@Suite("Test scratch folders")
struct ScratchTests {
    @Test("the sweep removes a folder left by an ended test process and keeps those of running ones")
    func sweep() throws {
        let tmp = Scratch.url("allot-sweep")
        let ended = tmp.appendingPathComponent(Scratch.folderPrefix + "\(Int32.max)")  // above any pid_max
        let running = tmp.appendingPathComponent(Scratch.folderPrefix + "\(getppid())")
        let other = tmp.appendingPathComponent("allot-tests-notes")
        for dir in [ended, running, other] {
            try FileManager.default.createDirectory(at: dir.appendingPathComponent("mirror"), withIntermediateDirectories: true)
        }
        Scratch.sweep(tmp)
        #expect(!FileManager.default.fileExists(atPath: ended.path))
        #expect(FileManager.default.fileExists(atPath: running.path))
        #expect(FileManager.default.fileExists(atPath: other.path))
        #expect(Scratch.url("allot-mirror").path.hasPrefix(Scratch.root.path + "/allot-mirror-"))
    }
}

import Foundation
import GRDB
import AllotCore

/// The local SQLite mirror of ERP/WMS/TMS data: the one place Allot's state lives.
///
/// Several terminals and an import may share one mirror file: it runs in WAL mode with a busy timeout,
/// so readers never block and writers wait their turn instead of failing.
public final class Mirror: Sendable {
    /// The database; every read and write of Allot goes through it.
    public let db: any DatabaseWriter
    /// The file behind the mirror, or nil for an in-memory mirror (tests).
    public let path: String?
    /// What the event import prepared on the writer connection, for the next file.
    let importStatements = KeptImportStatements()
    /// Runs the checkpoints of a mirror file off the writer (nil for an in-memory mirror, which has no log).
    let checkpointer: WALCheckpointer?

    /// Opens (and creates or migrates) the mirror at `path`.
    public init(path: String) throws {
        let dir = (path as NSString).deletingLastPathComponent
        if !dir.isEmpty { try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true) }
        let pool = try DatabasePool(path: path, configuration: Mirror.configuration())
        let checkpointer = try WALCheckpointer(path: path)
        pool.writeWithoutTransaction { checkpointer.install(on: $0) }
        self.db = pool
        self.checkpointer = checkpointer
        self.path = path
        try Schema.migrator().migrate(db)
    }

    /// An in-memory mirror, for tests and benchmarks that need no file.
    public init() throws {
        self.db = try DatabaseQueue(configuration: Mirror.configuration())
        self.checkpointer = nil
        self.path = nil
        try Schema.migrator().migrate(db)
    }

    deinit {
        // The import's kept statements belong to the writer connection, which SQLite lets only one thread use at a
        // time: finalize them on the writer's queue, before GRDB closes the connection on it.
        // The checkpoint hook points at the checkpointer, which goes away with the mirror: take it off the writer first.
        db.writeWithoutTransaction { db in
            importStatements.drop()
            checkpointer?.uninstall(from: db)
        }
        checkpointer?.waitUntilIdle()
    }

    /// Runs `body` with a page cache of up to 1 GiB (only as much as is used), then restores the usual size: a write
    /// of hundreds of thousands of rows (a snapshot, a whole plan) otherwise spills pages to the WAL and reads them
    /// back, index page by index page, before it commits. A stored plan of 200,000 lines took a third less processor time.
    static func withLargeCache<T>(_ db: Database, _ body: () throws -> T) throws -> T {
        try withCache(atLeast: 1_048_576, db, body)
    }

    /// Runs `body` with a page cache of at least `kib` KiB (only as much as is used), then restores the size it had.
    static func withCache<T>(atLeast kib: Int, _ db: Database, _ body: () throws -> T) throws -> T {
        let cache = try Int.fetchOne(db, sql: "PRAGMA cache_size") ?? -2000
        guard cache > -kib else { return try body() }
        try db.execute(sql: "PRAGMA cache_size = -\(kib)")
        defer { try? db.execute(sql: "PRAGMA cache_size = \(cache)") }
        return try body()
    }

    static func configuration() -> Configuration {
        var config = Configuration()
        config.foreignKeysEnabled = true
        config.busyMode = .timeout(10)
        config.label = "allot.mirror"
        config.prepareDatabase { db in
            try db.execute(sql: "PRAGMA synchronous = NORMAL")
            // Savepoint and statement journals in memory, not in temporary files: an event import applied one event
            // at a time keeps a savepoint per event, and writes many rows a statement; on disk those journals cost
            // five writes per event
            // (the mirror itself is journalled by its WAL; these only undo a part of an open transaction).
            try db.execute(sql: "PRAGMA temp_store = MEMORY")
            // Deleted rows are zeroed only where that costs no extra writes (Debian's SQLite zeroes them always): a
            // re-plan drops its oldest kept plan, a million rows on a large mirror, and zeroing them all took a third
            // of that delete. Nothing the mirror deletes needs scrubbing from the file.
            try db.execute(sql: "PRAGMA secure_delete = FAST")
        }
        return config
    }

    /// Where the mirror lives when no `--db` or `ALLOT_DB` names it: `$XDG_DATA_HOME/allot/mirror.sqlite`,
    /// else `~/.local/share/allot/mirror.sqlite`.
    public static func defaultPath(environment: [String: String] = ProcessInfo.processInfo.environment) -> String {
        if let p = environment["ALLOT_DB"], !p.isEmpty { return p }
        if let x = environment["XDG_DATA_HOME"], !x.isEmpty { return x + "/allot/mirror.sqlite" }
        let home = environment["HOME"] ?? NSHomeDirectory()
        return home + "/.local/share/allot/mirror.sqlite"
    }

    /// True when the mirror holds no orders, warehouses or items (a new mirror).
    public func isEmpty() throws -> Bool {
        try db.read { db in
            try Int.fetchOne(db, sql: "SELECT (SELECT count(*) FROM warehouse) + (SELECT count(*) FROM item) + (SELECT count(*) FROM sales_order)") == 0
        }
    }

    /// Row counts of the mirror's main tables, in a fixed order, for summaries and tests.
    public func counts() throws -> [(table: String, rows: Int)] {
        try db.read { db in
            try Schema.mirrorTables.map { t in (t, try Int.fetchOne(db, sql: "SELECT count(*) FROM \(t)") ?? 0) }
        }
    }

    /// The policy stored with the mirror (the one its scenario was imported with), or the default policy.
    public func storedPolicy() throws -> Policy {
        guard let source = try storedPolicySource() else { return Policy() }
        return try Policy(toml: source.toml, file: source.file)
    }

    /// The stored policy's text and the file it came from, or nil when none is stored.
    func storedPolicySource() throws -> (toml: String, file: String)? {
        let row = try db.read { db in try Row.fetchOne(db, sql: "SELECT toml, file FROM policy WHERE id = 1") }
        guard let row, let text: String = row["toml"] else { return nil }
        return (text, row["file"] ?? "policy.toml")
    }

    /// Stores a policy's text as the mirror's current policy.
    public func storePolicy(toml: String, file: String) throws {
        _ = try Policy(toml: toml, file: file)
        try db.write { db in _ = try Mirror.storePolicy(db, toml: toml, file: file) }
    }

    /// Stores a policy's text inside a write (an import's transaction); returns false when it was already stored.
    static func storePolicy(_ db: Database, toml: String, file: String) throws -> Bool {
        try db.execute(sql: """
            INSERT INTO policy(id, toml, file, loaded_at) VALUES (1, ?, ?, ?)
            ON CONFLICT(id) DO UPDATE SET toml = excluded.toml, file = excluded.file, loaded_at = excluded.loaded_at
            WHERE (policy.toml, policy.file) IS NOT (excluded.toml, excluded.file)
            """, arguments: [toml, file, Timestamp(seconds: Date().timeIntervalSince1970).description])
        return db.changesCount > 0
    }
}

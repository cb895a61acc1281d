import GRDB
import AllotCore

/// Writes one file's rows into its table as they arrive: multi-row upserts that touch only rows that differ,
/// then (after every file is written) deletes the rows the file no longer lists.
struct SnapshotTableWriter {
    let spec: SnapshotLayout.File
    private(set) var rows = 0
    /// Rows inserted or updated.
    private(set) var upserted = 0
    private(set) var deleted = 0
    /// Time spent checking and writing (not waiting for the reader).
    var seconds = 0.0
    var changed: Int { upserted + deleted }
    /// The rows' values, kept to find the rows the file no longer lists.
    private var kept: [RowChunk] = []
    private var indexes: [String] = []
    private var statements: [Int: Statement] = [:]
    private let rowsPerStatement: Int

    init(spec: SnapshotLayout.File) {
        self.spec = spec
        // Rows per multi-row INSERT: fewer statement runs, and SQLite's limit of bound variables kept far away.
        rowsPerStatement = max(1, 256 / spec.columns.count)
    }

    /// Above this many bytes, filling an empty table builds its secondary indexes once at the end instead of
    /// row by row.
    static let bulkBytes = 1 << 20

    mutating func begin(_ db: Database, bytes: Int) throws {
        let clock = ContinuousClock.now
        defer { seconds += Self.elapsed(since: clock) }
        let wasEmpty = try Int.fetchOne(db, sql: "SELECT NOT EXISTS (SELECT 1 FROM \(spec.table))") == 1
        guard wasEmpty && bytes >= Self.bulkBytes else { return }
        let found = try Row.fetchAll(db, sql: "SELECT name, sql FROM sqlite_master WHERE type = 'index' AND tbl_name = ? AND sql IS NOT NULL",
                                     arguments: [spec.table])
        for r in found {
            indexes.append(r["sql"])
            try db.execute(sql: "DROP INDEX \(r["name"] as String)")
        }
    }

    /// Keeps the chunk's keys; writes it unless `write` is false (a problem was found: the import will roll back).
    mutating func take(_ chunk: RowChunk, write: Bool, _ db: Database) throws {
        rows += chunk.rowCount
        kept.append(RowChunk(values: chunk.values, lines: []))
        guard write else { return }
        let width = spec.columns.count
        var changes = 0
        var start = 0
        while start < chunk.rowCount {
            let n = min(rowsPerStatement, chunk.rowCount - start)
            let statement: Statement
            if let s = statements[n] { statement = s } else {
                statement = try db.makeStatement(sql: SnapshotLayout.upsertSQL(spec, rows: n))
                statements[n] = statement
            }
            // The existential form: GRDB's generic initialiser instantiates a key path on every call.
            statement.setUncheckedArguments(StatementArguments(
                chunk.values[start * width ..< (start + n) * width].map { $0 as (any DatabaseValueConvertible)? }))
            try statement.execute()
            changes += db.changesCount
            start += n
        }
        upserted += changes
    }

    mutating func end(_ db: Database) throws {
        let clock = ContinuousClock.now
        defer { seconds += Self.elapsed(since: clock) }
        for sql in indexes { try db.execute(sql: sql) }
        indexes = []
        statements = [:]
    }

    mutating func deleteMissing(_ db: Database) throws {
        let clock = ContinuousClock.now
        defer { seconds += Self.elapsed(since: clock) }
        let count = try Int.fetchOne(db, sql: "SELECT count(*) FROM \(spec.table)") ?? 0
        guard count > rows else { return }
        let keys = spec.key.joined(separator: ", ")
        try db.execute(sql: "CREATE TEMP TABLE snapshot_keys AS SELECT \(keys) FROM \(spec.table) WHERE 0")
        defer { try? db.execute(sql: "DROP TABLE temp.snapshot_keys") }
        try db.execute(sql: "CREATE UNIQUE INDEX temp.snapshot_keys_key ON snapshot_keys(\(keys))")
        let insert = try db.makeStatement(sql: "INSERT INTO temp.snapshot_keys VALUES (\(spec.key.map { _ in "?" }.joined(separator: ", ")))")
        let keyColumns = spec.key.map { spec.index(of: $0) }
        let width = spec.columns.count
        for chunk in kept {
            for r in 0..<(chunk.values.count / width) {
                try insert.execute(arguments: StatementArguments(keyColumns.map { chunk.values[r * width + $0] }))
            }
        }
        let tuple = spec.key.count == 1 ? keys : "(\(keys))"
        try db.execute(sql: "DELETE FROM \(spec.table) WHERE \(tuple) NOT IN (SELECT \(keys) FROM temp.snapshot_keys)")
        deleted = db.changesCount
    }

    static func elapsed(since start: ContinuousClock.Instant) -> Double {
        let d = ContinuousClock.now - start
        return Double(d.components.seconds) + Double(d.components.attoseconds) / 1e18
    }
}

import GRDB
import AllotCore

/// Checks what no single file can: that every warehouse, sku, customer and order a row names exists — in the
/// snapshot, or in the mirror when its file is not part of the import — and that no row the mirror keeps
/// would be left naming something the snapshot removes.
struct SnapshotConsistency {
    let db: Database
    let parsed: [String: ParsedSnapshotFile]

    func problems() throws -> [ImportProblem] {
        var problems: [ImportProblem] = []
        var ids: [SnapshotLayout.Entity: Set<String>] = [:]
        func known(_ e: SnapshotLayout.Entity) throws -> Set<String> {
            if let s = ids[e] { return s }
            let defining = SnapshotLayout.file(defining: e)
            let set: Set<String>
            if let p = parsed[defining.name] {
                let c = defining.index(of: defining.key[0])
                set = Set((0..<p.rowCount).map { p.text(row: $0, column: c) })
            } else {
                set = Set(try String.fetchAll(db, sql: "SELECT \(defining.key[0]) FROM \(defining.table)"))
            }
            ids[e] = set
            return set
        }

        for file in SnapshotLayout.files {
            guard let p = parsed[file.name] else { continue }
            var listed = 0, unlisted = 0
            for ref in file.references {
                let set = try known(ref.entity)
                let c = file.index(of: ref.column)
                let origin = SnapshotLayout.file(defining: ref.entity)
                let whereFrom = parsed[origin.name] != nil ? "not in \(origin.name)" : "not in the mirror, and \(origin.name) is not part of this import"
                for r in 0..<p.rowCount {
                    let v = p.text(row: r, column: c)
                    if !set.contains(v) {
                        if listed < SnapshotFileReader.maxListedProblems {
                            problems.append(ImportProblem(file: file.name, line: Int(p.lines[r]), field: ref.column, value: v,
                                                          message: "unknown \(Self.noun(ref.entity)) (\(whereFrom))"))
                            listed += 1
                        } else { unlisted += 1 }
                    }
                }
            }
            if unlisted > 0 { problems.append(ImportProblem(file: file.name, message: "and \(unlisted) more unknown references")) }
        }

        // Rows kept from the mirror must not be left pointing at something this snapshot removes.
        for file in SnapshotLayout.files where parsed[file.name] == nil {
            for ref in file.references {
                let origin = SnapshotLayout.file(defining: ref.entity)
                guard parsed[origin.name] != nil else { continue }
                let set = try known(ref.entity)
                let used = try String.fetchAll(db, sql: "SELECT DISTINCT \(ref.column) FROM \(file.table) ORDER BY 1")
                let missing = used.filter { !set.contains($0) }
                for v in missing.prefix(SnapshotFileReader.maxListedProblems) {
                    problems.append(ImportProblem(file: origin.name, field: origin.key[0], value: v,
                        message: "is not in this file, but \(file.table) rows the mirror keeps still name it (import \(file.name) too, or keep this \(Self.noun(ref.entity)))"))
                }
            }
        }
        return problems
    }

    static func noun(_ e: SnapshotLayout.Entity) -> String {
        switch e {
        case .warehouse: return "warehouse"
        case .item: return "sku"
        case .customer: return "customer"
        case .order: return "order"
        }
    }
}

/// Writes one parsed file into its table: upserts that touch only rows that differ, then (after every file is
/// written) deletes the rows the file no longer lists.
struct SnapshotTableWriter {
    let parsed: ParsedSnapshotFile
    /// Rows inserted or updated.
    private(set) var upserted = 0
    private(set) var deleted = 0
    private(set) var seconds = 0.0
    var changed: Int { upserted + deleted }

    init(parsed: ParsedSnapshotFile) { self.parsed = parsed }

    /// Below this many rows, rebuilding secondary indexes costs more than it saves.
    static let bulkRows = 20_000

    mutating func write(_ db: Database) throws {
        let clock = ContinuousClock.now
        defer { seconds += Self.elapsed(since: clock) }
        let spec = parsed.spec
        let wasEmpty = try Int.fetchOne(db, sql: "SELECT NOT EXISTS (SELECT 1 FROM \(spec.table))") == 1
        // Filling an empty table: build its secondary indexes once at the end instead of row by row.
        var indexes: [String] = []
        if wasEmpty && parsed.rowCount >= Self.bulkRows {
            let rows = try Row.fetchAll(db, sql: "SELECT name, sql FROM sqlite_master WHERE type = 'index' AND tbl_name = ? AND sql IS NOT NULL",
                                        arguments: [spec.table])
            for r in rows {
                indexes.append(r["sql"])
                try db.execute(sql: "DROP INDEX \(r["name"] as String)")
            }
        }
        let statement = try db.makeStatement(sql: SnapshotLayout.upsertSQL(spec))
        var changes = 0
        for args in parsed.arguments {
            statement.setUncheckedArguments(args)
            try statement.execute()
            changes += db.changesCount
        }
        upserted = changes
        for sql in indexes { try db.execute(sql: sql) }
    }

    mutating func deleteMissing(_ db: Database) throws {
        let clock = ContinuousClock.now
        defer { seconds += Self.elapsed(since: clock) }
        let spec = parsed.spec
        let count = try Int.fetchOne(db, sql: "SELECT count(*) FROM \(spec.table)") ?? 0
        guard count > parsed.rowCount else { return }
        let keys = spec.key.joined(separator: ", ")
        try db.execute(sql: "CREATE TEMP TABLE snapshot_keys AS SELECT \(keys) FROM \(spec.table) WHERE 0")
        defer { try? db.execute(sql: "DROP TABLE temp.snapshot_keys") }
        try db.execute(sql: "CREATE UNIQUE INDEX temp.snapshot_keys_key ON snapshot_keys(\(keys))")
        let insert = try db.makeStatement(sql: "INSERT INTO temp.snapshot_keys VALUES (\(spec.key.map { _ in "?" }.joined(separator: ", ")))")
        let keyColumns = spec.key.map { spec.index(of: $0) }
        for r in 0..<parsed.rowCount {
            try insert.execute(arguments: StatementArguments(keyColumns.map { parsed.value(row: r, column: $0) }))
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

import GRDB

/// Writes many rows with few statements: `INSERT INTO t(a, b) VALUES (?, ?), (?, ?), …`, up to `perStatement`
/// rows each, values bound straight to SQLite.
///
/// A batch of events writes its ledger, feed and version rows this way: one statement per row cost more
/// than the rows themselves (a multi-row statement keeps a statement journal, and the feed's AUTOINCREMENT
/// reads and writes `sqlite_sequence`, once per statement: the more rows a statement the better).
struct MultiRowInsert {
    let table: String
    let columns: [String]
    /// Appended to each statement (`ON CONFLICT … DO UPDATE …`).
    var suffix = ""
    var perStatement = 512
    /// Columns with the same value in every row (an import's time and file), bound once per statement.
    var shared: [(column: String, value: DatabaseValue)] = []

    /// Writes rows given as one flat list of values, `columns.count` to a row.
    ///
    /// Statements hold `perStatement` rows or a power of two fewer (the rest of a batch of 700 goes as 128, 32,
    /// 16, 8, 4): a statement of every other size would be compiled afresh for each batch, and compiling one of
    /// hundreds of rows costs more than running it.
    /// `statements` keeps the prepared statements between calls (under `key` plus the row count).
    func insert(_ db: Database, flat values: [DatabaseValue], statements: FastStatements? = nil, key: Int = 0) throws {
        let width = columns.count
        precondition(values.count % width == 0, "\(table): \(values.count) values are not whole rows of \(width)")
        try insert(db, rows: values.count / width, statements: statements, key: key) { statement, r in
            for v in values[(r * width)..<((r + 1) * width)] { statement.bind(v) }
        }
    }

    /// Writes `rows` rows, `bindRow` binding the values of row `r` (all of `columns`, in order) to the statement.
    func insert(_ db: Database, rows: Int, statements: FastStatements? = nil, key: Int = 0,
                bindRow: (FastStatement, Int) -> Void) throws {
        let cache = statements ?? FastStatements(db)
        var start = 0
        while start < rows {
            var n = min(perStatement, rows - start)
            if n < perStatement { n = 1 << (Int.bitWidth - 1 - n.leadingZeroBitCount) }
            let statement = try cache.statement(key + n) { sql(rows: n) }
            for c in shared { statement.bind(c.value) }
            for r in start..<(start + n) { bindRow(statement, r) }
            try statement.execute()
            start += n
        }
    }

    /// The shared values are parameters 1…, each row's follow in order: `VALUES (?3, ?4, ?1, ?2), (?5, ?6, ?1, ?2)`.
    func sql(rows n: Int) -> String {
        let width = columns.count
        let sharedParameters = shared.indices.map { "?\($0 + 1)" }
        let rows = (0..<n).map { r in
            "(" + ((0..<width).map { "?\(shared.count + r * width + $0 + 1)" } + sharedParameters).joined(separator: ", ") + ")"
        }
        return "INSERT INTO \(table)(\((columns + shared.map(\.column)).joined(separator: ", "))) VALUES "
            + rows.joined(separator: ", ") + (suffix.isEmpty ? "" : " " + suffix)
    }
}

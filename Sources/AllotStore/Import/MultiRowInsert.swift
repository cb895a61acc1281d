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

    /// Writes rows given as one flat list of values, `columns.count` to a row.
    ///
    /// Statements hold `perStatement` rows or a power of two fewer (the rest of a batch of 700 goes as 128, 32,
    /// 16, 8, 4): a statement of every other size would be compiled afresh for each batch, and compiling one of
    /// hundreds of rows costs more than running it.
    /// `statements` keeps the prepared statements between calls (under `key` plus the row count).
    func insert(_ db: Database, flat values: [DatabaseValue], statements: FastStatements? = nil, key: Int = 0) throws {
        let width = columns.count
        precondition(values.count % width == 0, "\(table): \(values.count) values are not whole rows of \(width)")
        let rows = values.count / width
        let cache = statements ?? FastStatements(db)
        var start = 0
        while start < rows {
            var n = min(perStatement, rows - start)
            if n < perStatement { n = 1 << (Int.bitWidth - 1 - n.leadingZeroBitCount) }
            let statement = try cache.statement(key + n) { sql(rows: n) }
            for v in values[(start * width)..<((start + n) * width)] { statement.bind(v) }
            try statement.execute()
            start += n
        }
    }

    func sql(rows n: Int) -> String {
        let one = "(" + Array(repeating: "?", count: columns.count).joined(separator: ", ") + ")"
        return "INSERT INTO \(table)(\(columns.joined(separator: ", "))) VALUES "
            + Array(repeating: one, count: n).joined(separator: ", ") + (suffix.isEmpty ? "" : " " + suffix)
    }
}

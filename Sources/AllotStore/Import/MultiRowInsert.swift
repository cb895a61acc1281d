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
    func insert(_ db: Database, flat values: [DatabaseValue]) throws {
        let width = columns.count
        precondition(values.count % width == 0, "\(table): \(values.count) values are not whole rows of \(width)")
        let rows = values.count / width
        var full: FastStatement?
        var start = 0
        while start < rows {
            let n = min(perStatement, rows - start)
            let statement: FastStatement
            if n == perStatement, let full {
                statement = full
            } else {
                statement = try FastStatement(db, sql: sql(rows: n))
                if n == perStatement { full = statement }
            }
            for v in values[(start * width)..<((start + n) * width)] { statement.bind(v) }
            try statement.execute()
            start += n
        }
    }

    func insert(_ db: Database, _ rows: [[DatabaseValue]]) throws {
        try insert(db, flat: rows.flatMap { $0 })
    }

    func sql(rows n: Int) -> String {
        let one = "(" + Array(repeating: "?", count: columns.count).joined(separator: ", ") + ")"
        return "INSERT INTO \(table)(\(columns.joined(separator: ", "))) VALUES "
            + Array(repeating: one, count: n).joined(separator: ", ") + (suffix.isEmpty ? "" : " " + suffix)
    }
}

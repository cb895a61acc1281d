import GRDB

/// Writes many rows with few statements: `INSERT INTO t(a, b) VALUES (?, ?), (?, ?), …`, up to `perStatement`
/// rows each, through the statement cache.
///
/// A batch of events writes its ledger, feed and version rows this way: one statement per row cost more
/// than the rows themselves.
struct MultiRowInsert {
    let table: String
    let columns: [String]
    /// Appended to each statement (`ON CONFLICT … DO UPDATE …`).
    var suffix = ""
    var perStatement = 64

    func insert(_ db: Database, _ rows: [[DatabaseValue]]) throws {
        var start = 0
        while start < rows.count {
            let n = min(perStatement, rows.count - start)
            let statement = try db.cachedStatement(sql: sql(rows: n))
            var values: [DatabaseValue] = []
            values.reserveCapacity(n * columns.count)
            for r in rows[start..<(start + n)] { values.append(contentsOf: r) }
            try statement.execute(arguments: StatementArguments(values))
            start += n
        }
    }

    func sql(rows n: Int) -> String {
        let one = "(" + Array(repeating: "?", count: columns.count).joined(separator: ", ") + ")"
        return "INSERT INTO \(table)(\(columns.joined(separator: ", "))) VALUES "
            + Array(repeating: one, count: n).joined(separator: ", ") + (suffix.isEmpty ? "" : " " + suffix)
    }
}

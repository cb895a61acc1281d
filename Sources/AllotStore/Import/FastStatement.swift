import Foundation
import GRDB
import GRDBSQLite

/// A prepared statement that the event import and the plan store run with their values bound straight to SQLite.
///
/// An import runs the same dozen statements a million times, and storing a plan runs one insert per line. Through
/// GRDB each run boxes every value into a `StatementArguments`, checks their count and hashes the SQL text to find
/// the cached statement; that cost more than SQLite's own work. Here the statement is prepared once (per file, with
/// `FastStatements`) and values are bound by position. It is never one of GRDB's cached statements: GRDB binds those
/// with its own temporary bindings and tracks their state, and sharing one with it left values unbound. GRDB
/// finalizes it when the last reference goes.
///
/// Only for plain `SELECT`/`INSERT`/`UPDATE`/`DELETE` inside a transaction GRDB opened: stepping here skips
/// GRDB's statement hooks, which matter only for transaction statements and observers (the mirror has none on
/// its writer).
final class FastStatement {
    private let statement: Statement
    private let handle: SQLiteStatement
    private let connection: SQLiteConnection?
    private var position: Int32 = 0
    /// Some value is bound with `bind(static:)`: its bindings must be cleared once it has run.
    private var boundInPlace = false

    init(_ db: Database, sql: String) throws {
        statement = try db.makeStatement(sql: sql)
        handle = statement.sqliteStatement
        connection = db.sqliteConnection
    }

    // MARK: Binding, in the order of the statement's `?`

    func bind(_ value: String) {
        position += 1
        var text = value
        text.withUTF8 { utf8 in
            // An empty buffer may have no address; SQLite reads a null pointer as NULL, so give it "" instead.
            if let base = utf8.baseAddress {
                _ = base.withMemoryRebound(to: CChar.self, capacity: utf8.count) {
                    sqlite3_bind_text(handle, position, $0, Int32(utf8.count), fastTransient)
                }
            } else {
                sqlite3_bind_text(handle, position, "", 0, fastTransient)
            }
        }
    }

    func bind(_ value: String?) {
        if let value { bind(value) } else { bindNull() }
    }

    func bind(_ value: Int64) {
        position += 1
        sqlite3_bind_int64(handle, position, value)
    }

    func bind(_ value: Int64?) {
        if let value { bind(value) } else { bindNull() }
    }

    func bind(_ value: Int) { bind(Int64(value)) }

    func bind(_ value: Double) {
        position += 1
        sqlite3_bind_double(handle, position, value)
    }

    func bind(_ value: DatabaseValue) {
        switch value.storage {
        case .null: bindNull()
        case .int64(let i): bind(i)
        case .double(let d): bind(d)
        case .string(let s): bind(s)
        case .blob(let data):
            position += 1
            _ = data.withUnsafeBytes { sqlite3_bind_blob(handle, position, $0.baseAddress, Int32($0.count), fastTransient) }
        }
    }

    /// Binds UTF-8 text that stays in place until the statement has run: SQLite reads it there instead of copying
    /// it. The bindings are cleared when the statement has run, so that no pointer outlives its text.
    func bind(static text: UnsafeRawBufferPointer) {
        position += 1
        boundInPlace = true
        let start = (text.baseAddress ?? UnsafeRawPointer(Self.empty.utf8Start)).assumingMemoryBound(to: CChar.self)
        sqlite3_bind_text(handle, position, start, Int32(text.count), nil)
    }

    /// The same for text of the program (an outcome, a status).
    func bind(static text: StaticString) {
        bind(static: UnsafeRawBufferPointer(start: text.utf8Start, count: text.utf8CodeUnitCount))
    }

    private static let empty: StaticString = ""

    func bindNull() {
        position += 1
        sqlite3_bind_null(handle, position)
    }

    // MARK: Running

    /// Runs the statement to its end with the values bound since the last run; returns the rows it changed.
    @discardableResult
    func execute() throws -> Int {
        defer { finish() }
        while true {
            let code = sqlite3_step(handle)
            if code == SQLITE_DONE { return Int(sqlite3_changes(connection)) }
            if code != SQLITE_ROW { throw failure(code) }
        }
    }

    /// Runs a query, calling `row` for each result row (read its columns with `int64(_:)`, `text(_:)`, `value(_:)`).
    func forEachRow(_ row: (FastStatement) throws -> Void) throws {
        defer { finish() }
        while true {
            let code = sqlite3_step(handle)
            if code == SQLITE_DONE { return }
            guard code == SQLITE_ROW else { throw failure(code) }
            try row(self)
        }
    }

    /// The first row of a query mapped by `row`, or nil when it has none.
    func first<T>(_ row: (FastStatement) throws -> T) throws -> T? {
        defer { finish() }
        let code = sqlite3_step(handle)
        if code == SQLITE_DONE { return nil }
        guard code == SQLITE_ROW else { throw failure(code) }
        return try row(self)
    }

    // MARK: Reading the current row (columns from 0)

    func int64(_ column: Int32) -> Int64 { sqlite3_column_int64(handle, column) }

    func text(_ column: Int32) -> String {
        guard let p = sqlite3_column_text(handle, column) else { return "" }
        let n = Int(sqlite3_column_bytes(handle, column))
        return String(decoding: UnsafeBufferPointer(start: p, count: n), as: UTF8.self)
    }

    /// The column as GRDB would read it (its storage class kept).
    func value(_ column: Int32) -> DatabaseValue { DatabaseValue(sqliteStatement: handle, index: column) }

    private func finish() {
        sqlite3_reset(handle)
        if boundInPlace {
            sqlite3_clear_bindings(handle)
            boundInPlace = false
        }
        position = 0
    }

    private func failure(_ code: Int32) -> DatabaseError {
        let message = connection.flatMap { sqlite3_errmsg($0) }.map { String(cString: $0) }
        return DatabaseError(resultCode: ResultCode(rawValue: code), message: message, sql: statement.sql)
    }
}

/// SQLite's `SQLITE_TRANSIENT` (the C macro does not reach Swift): SQLite copies the bound bytes.
private let fastTransient = unsafeBitCast(OpaquePointer(bitPattern: -1), to: sqlite3_destructor_type.self)

/// The import's statements, prepared once and found by a small key rather than by hashing their SQL.
final class FastStatements {
    let db: Database
    private var byKey: [Int: FastStatement] = [:]

    init(_ db: Database) { self.db = db }

    /// True when these statements run on `db`.
    func belong(to db: Database) -> Bool { self.db === db }

    /// The statement registered under `key` (an `AppliedSQL` or `BatchSQL` case, an upsert shape, a multi-row
    /// insert size), prepared from `sql()` the first time.
    func statement(_ key: Int, _ sql: () -> String) throws -> FastStatement {
        if let s = byKey[key] { return s }
        let s = try FastStatement(db, sql: sql())
        byKey[key] = s
        return s
    }
}

/// The event import's prepared statements, kept from file to file for the mirror's writer connection.
///
/// A watch imports file after file on the same connection, and preparing the batch's statements of hundreds of
/// rows afresh for every file cost about 4% of importing it. The mirror drops them on its writer's queue when it
/// goes away.
final class KeptImportStatements: @unchecked Sendable {
    // Guarded by `lock`; the statements themselves are only used inside the writer's transaction.
    private let lock = NSLock()
    private var kept: FastStatements?

    /// The statements prepared on `db`: those kept, or new ones when `db` is another connection than last time.
    func statements(for db: Database) -> FastStatements {
        lock.withLock {
            if let kept, kept.belong(to: db) { return kept }
            let new = FastStatements(db)
            kept = new
            return new
        }
    }

    /// Finalizes the kept statements; call it on the writer connection's queue (inside a write), so that no other
    /// thread finalizes them while GRDB closes that connection.
    func drop() { lock.withLock { kept = nil } }
}

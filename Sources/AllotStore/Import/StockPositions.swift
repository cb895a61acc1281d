import GRDB

/// The stock positions a chunk of events touches, held in memory while the chunk applies and written once each
/// at its end.
///
/// A feed counts and adjusts the same few hundred positions again and again: a chunk of 4,096 events moved each
/// of them a dozen times, and reading and writing the row for every one of those events was the largest part
/// of applying them. Here each event reads and changes the position in memory, with the same checks and the
/// same outcome (changed or not) as the statements it replaces, and `write()` leaves every row as applying the
/// events one by one would. Only rows that exist are held: a new position is inserted by its event, at once.
///
/// Only for a mirror without triggers on `inventory` (a trigger would see one write where it expects many), and
/// only as long as every other write to `inventory` in the chunk first calls `settle` for its position (a row
/// that was not there is not held, so inserting it needs nothing).
final class StockPositions {
    /// The columns of a position (`inventory.csv`'s, the key first), and how many of them the key takes.
    static let spec = EventApplier.inventory
    static let keyCount = spec.key.count
    private static let columnNames = spec.columns.dropFirst(keyCount).map(\.name)
    private static let asOf = spec.index(of: "as_of") - keyCount

    struct Key: Hashable {
        var warehouse: String
        var sku: String
    }

    /// One stored position as the events of the chunk have left it.
    private struct Position {
        /// The non-key columns, in `spec` order after the key.
        var values: [DatabaseValue]
        /// An event changed it since it was read.
        var dirty = false
    }

    private let statements: FastStatements
    private var positions: [Key: Position] = [:]
    /// Changed positions in the order they were first changed.
    private var order: [Key] = []

    init(statements: FastStatements) { self.statements = statements }

    /// The position as the chunk has it, read from the mirror the first time; nil when the mirror has no row.
    private func current(_ key: Key) throws -> Position? {
        if let p = positions[key] { return p }
        let read = try statements.statement(Statement.read.rawValue) {
            "SELECT \(Self.columnNames.joined(separator: ", ")) FROM inventory WHERE warehouse_id = ? AND sku = ?"
        }
        read.bind(key.warehouse); read.bind(key.sku)
        guard let values = try read.first({ row in (0..<Int32(Self.columnNames.count)).map { row.value($0) } }) else { return nil }
        let p = Position(values: values)
        positions[key] = p
        return p
    }

    /// The on-hand quantity of the position, nil when the mirror has no row for it.
    func onHand(_ key: Key) throws -> Int64? {
        try current(key).map { Int64.fromDatabaseValue($0.values[0]) ?? 0 }
    }

    /// Sets the given non-key columns (position in `spec`, value) of a position that has a row; true when a value
    /// differs as SQLite stores it (what `EventApplier.upsert` says of the row). Nil when there is no row.
    func set(_ key: Key, _ columns: [(column: Int, value: DatabaseValue)]) throws -> Bool? {
        guard var p = try current(key) else { return nil }
        var changed = false
        for (column, value) in columns where !EventApplier.sameStored(p.values[column - Self.keyCount], value) {
            p.values[column - Self.keyCount] = value
            changed = true
        }
        if changed { touch(key, &p) }
        return changed
    }

    /// Adds `delta` to on hand and sets `as_of` unless it is null (`AppliedSQL.adjustStock`), to a position that
    /// has a row.
    func add(_ key: Key, _ delta: Int64, asOf: DatabaseValue) throws {
        guard var p = try current(key) else { preconditionFailure("no stock row to adjust") }
        p.values[0] = ((Int64.fromDatabaseValue(p.values[0]) ?? 0) + delta).databaseValue
        if !asOf.isNull { p.values[Self.asOf] = asOf }
        touch(key, &p)
    }

    private func touch(_ key: Key, _ p: inout Position) {
        if !p.dirty { p.dirty = true; order.append(key) }
        positions[key] = p
    }

    /// Writes the position if an event changed it and forgets it: a statement is about to write its row.
    func settle(_ key: Key) throws {
        guard let p = positions.removeValue(forKey: key) else { return }
        if p.dirty {
            try write(key, p)
            order.removeAll { $0 == key }
        }
    }

    /// Writes every changed position and forgets them all (the chunk is done, or is about to write otherwise).
    func write() throws {
        for key in order { if let p = positions[key] { try write(key, p) } }
        positions.removeAll(keepingCapacity: true)
        order.removeAll(keepingCapacity: true)
    }

    private func write(_ key: Key, _ p: Position) throws {
        let update = try statements.statement(Statement.update.rawValue) {
            "UPDATE inventory SET \(Self.columnNames.map { "\($0) = ?" }.joined(separator: ", ")) WHERE warehouse_id = ? AND sku = ?"
        }
        for v in p.values { update.bind(v) }
        update.bind(key.warehouse); update.bind(key.sku)
        try update.execute()
    }

    /// Keys of these statements in the batch's `FastStatements` (apart from `AppliedSQL`'s and `BatchSQL`'s).
    private enum Statement: Int {
        case read = 200, update
    }
}

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
    /// The held positions, changed in place, found through `slots` by key (one hash per use, and no copy of a
    /// position's values for each change, as reading one out of a dictionary and storing it back made).
    private var positions: [Position] = []
    private var keys: [Key] = []
    private var slots: [Key: Int] = [:]
    /// Slots of changed positions in the order they were first changed; a settled one is set to -1.
    private var order: [Int] = []

    init(statements: FastStatements) { self.statements = statements }

    /// The slot of the position as the chunk has it, read from the mirror the first time; nil when the mirror has
    /// no row.
    private func slot(_ key: Key) throws -> Int? {
        if let i = slots[key] { return i }
        let read = try statements.statement(Statement.read.rawValue) {
            "SELECT \(Self.columnNames.joined(separator: ", ")) FROM inventory WHERE warehouse_id = ? AND sku = ?"
        }
        read.bind(key.warehouse); read.bind(key.sku)
        guard let values = try read.first({ row in (0..<Int32(Self.columnNames.count)).map { row.value($0) } }) else { return nil }
        positions.append(Position(values: values))
        keys.append(key)
        slots[key] = positions.count - 1
        return positions.count - 1
    }

    /// The on-hand quantity of the position, nil when the mirror has no row for it.
    func onHand(_ key: Key) throws -> Int64? {
        try slot(key).map { Int64.fromDatabaseValue(positions[$0].values[0]) ?? 0 }
    }

    /// Sets the given non-key columns (position in `spec`, value) of a position that has a row; true when a value
    /// differs as SQLite stores it (what `EventApplier.upsert` says of the row). Nil when there is no row.
    func set(_ key: Key, _ columns: [(column: Int, value: DatabaseValue)]) throws -> Bool? {
        guard let i = try slot(key) else { return nil }
        var changed = false
        for (column, value) in columns where !EventApplier.sameStored(positions[i].values[column - Self.keyCount], value) {
            positions[i].values[column - Self.keyCount] = value
            changed = true
        }
        if changed { touch(i) }
        return changed
    }

    /// Adds `delta` to on hand and sets `as_of` unless it is null (`AppliedSQL.adjustStock`), to a position that
    /// has a row.
    func add(_ key: Key, _ delta: Int64, asOf: DatabaseValue) throws {
        guard let i = try slot(key) else { preconditionFailure("no stock row to adjust") }
        positions[i].values[0] = ((Int64.fromDatabaseValue(positions[i].values[0]) ?? 0) + delta).databaseValue
        if !asOf.isNull { positions[i].values[Self.asOf] = asOf }
        touch(i)
    }

    private func touch(_ i: Int) {
        if !positions[i].dirty { positions[i].dirty = true; order.append(i) }
    }

    /// Writes the position if an event changed it and forgets it: a statement is about to write its row.
    func settle(_ key: Key) throws {
        guard let i = slots.removeValue(forKey: key) else { return }
        if positions[i].dirty {
            try write(key, positions[i])
            if let k = order.firstIndex(of: i) { order[k] = -1 }
        }
        // The slot stays, unreachable, until the chunk is written: slots of the other positions do not move.
        positions[i].dirty = false
    }

    /// Writes every changed position and forgets them all (the chunk is done, or is about to write otherwise).
    func write() throws {
        for i in order where i >= 0 { try write(keys[i], positions[i]) }
        positions.removeAll(keepingCapacity: true)
        keys.removeAll(keepingCapacity: true)
        slots.removeAll(keepingCapacity: true)
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

import GRDB
import AllotCore

/// The columns of one event's `data`, parsed, by their position in the column spec (nil: the field was absent).
///
/// Looked up by name with a short scan of the spec: an event has a handful of fields, and a dictionary per
/// event (hashing every name twice) was a large part of applying it.
struct Cells: Sendable {
    let spec: SnapshotLayout.File
    var values: [DatabaseValue?]
    /// Of an `order.upserted` event's columns: its lines, when the decoder parsed them too.
    var lines: OrderLines?

    init(_ spec: SnapshotLayout.File) {
        self.spec = spec
        values = Array(repeating: nil, count: spec.columns.count)
    }

    func position(_ name: String) -> Int? {
        for i in 0..<spec.columns.count where spec.columns[i].name == name { return i }
        return nil
    }

    subscript(name: String) -> DatabaseValue? {
        get { position(name).flatMap { values[$0] } }
        set { values[position(name)!] = newValue }
    }

    /// Which columns are present, one bit per position: with the table, it names the upsert statement's shape.
    var mask: Int {
        var m = 0
        for i in values.indices where values[i] != nil { m |= 1 << i }
        return m
    }
}

/// Statements the applier runs for most events, by name (prepared once per file through `FastStatements`).
enum AppliedSQL: Int {
    case onHand = 1, insertStock, adjustStock, receiveStock, receiptSKU, receiptRow, receiptTake, receiptDelete
    case orderLines, orderLineSKUs, deleteOrderLines, insertOrderLine, cancelOrder, holdOrder, releaseOrder
    case orderHeader, deleteOrderLine, updateOrderLine, updateOrderLineSKU

    var sql: String {
        switch self {
        case .onHand: return "SELECT on_hand FROM inventory WHERE warehouse_id = ? AND sku = ?"
        case .insertStock: return "INSERT INTO inventory(warehouse_id, sku, on_hand, as_of) VALUES (?, ?, ?, ?)"
        case .adjustStock: return "UPDATE inventory SET on_hand = on_hand + ?, as_of = coalesce(?, as_of) WHERE warehouse_id = ? AND sku = ?"
        case .receiveStock: return """
            INSERT INTO inventory(warehouse_id, sku, on_hand, as_of) VALUES (?, ?, ?, ?)
            ON CONFLICT(warehouse_id, sku) DO UPDATE SET on_hand = on_hand + excluded.on_hand, as_of = coalesce(excluded.as_of, as_of)
            """
        case .receiptSKU: return "SELECT sku FROM receipt WHERE receipt_id = ?"
        case .receiptRow: return "SELECT warehouse_id, sku, qty FROM receipt WHERE receipt_id = ?"
        case .receiptTake: return "UPDATE receipt SET qty = qty - ? WHERE receipt_id = ?"
        case .receiptDelete: return "DELETE FROM receipt WHERE receipt_id = ?"
        case .orderLines:
            return "SELECT \(EventApplier.lineColumns.joined(separator: ", ")) FROM order_line WHERE order_id = ? ORDER BY line_no"
        case .orderLineSKUs: return "SELECT DISTINCT sku FROM order_line WHERE order_id = ?"
        case .deleteOrderLines: return "DELETE FROM order_line WHERE order_id = ?"
        case .insertOrderLine:
            let cols = EventApplier.lineColumns
            return "INSERT INTO order_line(\(cols.joined(separator: ", "))) VALUES (\(cols.map { _ in "?" }.joined(separator: ", ")))"
        case .cancelOrder: return "UPDATE sales_order SET status = 'cancelled' WHERE order_id = ? AND status <> 'cancelled'"
        case .holdOrder:
            return "UPDATE sales_order SET status = 'held', hold_reason = ? WHERE order_id = ? AND (status, hold_reason) IS NOT ('held', ?)"
        case .releaseOrder: return "UPDATE sales_order SET status = 'open', hold_reason = NULL WHERE order_id = ? AND status = 'held'"
        case .orderHeader: return "SELECT \(EventApplier.orders.columns.map(\.name).joined(separator: ", ")) FROM sales_order WHERE order_id = ?"
        case .deleteOrderLine: return "DELETE FROM order_line WHERE order_id = ? AND line_no = ?"
        case .updateOrderLine, .updateOrderLineSKU:
            let set = EventApplier.lineColumns.dropFirst(self == .updateOrderLine ? 3 : 2)
            return "UPDATE order_line SET \(set.map { "\($0) = ?" }.joined(separator: ", ")) WHERE order_id = ? AND line_no = ?"
        }
    }
}

extension EventApplier {
    static let lineColumns = orderLines.columns.map(\.name)

    /// A prepared statement of the applier: the batch's, or (applying one event on its own) one prepared for this use.
    func statement(_ q: AppliedSQL) throws -> FastStatement {
        if let context { return try context.statements.statement(q.rawValue) { q.sql } }
        return try FastStatement(db, sql: q.sql)
    }

    /// The given columns of `spec` from a JSON object, parsed; absent optional columns are left out.
    func cells(_ spec: L.File, _ object: JSONObject, path: String = "") throws -> Cells {
        try Self.cells(spec, object, path: path, file: file, line: line)
    }

    /// The same, needing no mirror: the decoder parses an event's main columns (`spec(of:)`) ahead of the writer.
    static func cells(_ spec: L.File, _ object: JSONObject, path: String = "", file: String, line: Int?) throws(ImportProblem) -> Cells {
        func problem(_ field: String, _ value: String?, _ message: String) -> ImportProblem {
            ImportProblem(file: file, line: line, field: "data." + field, value: value, message: message)
        }
        var out = Cells(spec)
        for (i, column) in spec.columns.enumerated() {
            guard let v = object[column.name] else {
                if column.required { throw problem(path + column.name, nil, "is missing") }
                continue
            }
            switch v {
            case .array, .object: throw problem(path + column.name, v.shown, "is not a single value")
            default: break
            }
            // A whole number for a whole-number column needs no round trip through its text.
            if case .int(let n) = v {
                switch column.kind {
                case .integer: out.values[i] = n.databaseValue; continue
                case .count where n >= 0: out.values[i] = n.databaseValue; continue
                default: break
                }
            }
            let text = v.cellText ?? ""
            if text.isEmpty {
                if column.required { throw problem(path + column.name, v.shown, "is required") }
                out.values[i] = column.fallback
            } else if let parsed = CellParser.parse(text, column.kind) {
                out.values[i] = parsed
            } else {
                throw problem(path + column.name, text, CellParser.expectation(column.kind))
            }
        }
        return out
    }

    func text(_ cells: Cells, _ name: String) -> String { Self.text(cells, name) }

    static func text(_ cells: Cells, _ name: String) -> String { text(cells[name]) }

    /// A key cell as text (a number as its digits; empty when absent).
    static func text(_ value: DatabaseValue?) -> String {
        switch value?.storage {
        case .string(let s)?: return s
        case .int64(let i)?: return String(i)
        default: return ""
        }
    }

    /// The position of `sku` in an order line's columns.
    static let lineSKU = orderLines.index(of: "sku")

    /// Refuses the event when `value` names no row of `entity`.
    func requireKnown(_ entity: L.Entity, _ value: String, field: @autoclosure () -> String) throws {
        if context?.known[ApplyContext.knownSlot(entity)].contains(value) == true { return }
        let f = L.file(defining: entity)
        let exists = try Bool.fetchOne(db.cachedStatement(sql: "SELECT EXISTS (SELECT 1 FROM \(f.table) WHERE \(f.key[0]) = ?)"),
                                       arguments: [value]) ?? false
        if !exists { throw problem(field(), value, "unknown \(SnapshotReferences.noun(entity)) (not in the mirror)") }
        // Events never delete warehouses, items, customers or orders: once seen, a reference stays known.
        context?.known[ApplyContext.knownSlot(entity)].insert(value)
    }

    /// Inserts or updates one row with the given columns; true when the mirror changed.
    ///
    /// Written as an `UPDATE` of the values that differ, then (when it changed nothing) a look for the row and an
    /// `INSERT` when there is none; the same outcome as `INSERT … ON CONFLICT DO UPDATE … WHERE … IS NOT …`, which
    /// SQLite runs as an attempted insert, a conflict and an update, keeping a statement journal for each: most
    /// events update a row that exists, and one plain `UPDATE` costs a fraction of that.
    ///
    /// `readFirst` first reads the stored row and writes nothing when it already holds every given value: for
    /// rows that are mostly re-sent unchanged (an order's header when a buyer edits its lines) a read by key
    /// costs less than even the `UPDATE` (whose foreign keys SQLite checks).
    func upsert(_ c: Cells, readFirst: Bool = false) throws -> Bool {
        let spec = c.spec
        var positions = c.values.indices.filter { c.values[$0] != nil }
        for k in spec.key { let p = c.position(k)!; if c.values[p] == nil { positions.append(p) } }
        let keys = spec.key.map { c.position($0)! }
        let others = positions.filter { !keys.contains($0) }
        let names = { (ps: [Int]) in ps.map { spec.columns[$0].name } }
        let statements = context?.statements ?? FastStatements(db)
        // The statement's shape: the table and which columns are given (bits 0-31), and which statement (48-).
        let shape = ((Self.upsertTables.firstIndex(of: spec.table) ?? 15) + 1) << 32 | c.mask
        func value(_ p: Int) -> DatabaseValue { c.values[p] ?? spec.columns[p].fallback }
        if readFirst, try holds(c, keys: keys, others: others, statements: statements, shape: shape) { return false }
        if !others.isEmpty {
            let update = try statements.statement(shape | 2 << 48) { Self.updateSQL(spec.table, set: names(others), keys: names(keys)) }
            for p in others { update.bind(value(p)) }
            for p in keys { update.bind(value(p)) }
            if try update.execute() > 0 { return true }
        }
        // Nothing updated: the row holds these values already, or there is none.
        let find = try statements.statement(shape | 3 << 48) {
            "SELECT 1 FROM \(spec.table) WHERE " + names(keys).map { "\($0) = ?" }.joined(separator: " AND ")
        }
        for p in keys { find.bind(value(p)) }
        if try find.first({ _ in true }) != nil { return false }
        let insert = try statements.statement(shape | 4 << 48) {
            "INSERT INTO \(spec.table)(\(names(positions).joined(separator: ", "))) VALUES (\(positions.map { _ in "?" }.joined(separator: ", ")))"
        }
        for p in positions { insert.bind(value(p)) }
        try insert.execute()
        return true
    }

    /// `UPDATE t SET a = ?1, b = ?2 WHERE k = ?3 AND (a, b) IS NOT (?1, ?2)`: changes the row only when a value
    /// differs, so that the count of changed rows says whether the mirror moved.
    static func updateSQL(_ table: String, set: [String], keys: [String]) -> String {
        let params = set.indices.map { "?\($0 + 1)" }
        let assignments = zip(set, params).map { "\($0) = \($1)" }.joined(separator: ", ")
        let wheres = keys.enumerated().map { "\($1) = ?\(set.count + $0 + 1)" }.joined(separator: " AND ")
        let mine = set.count == 1 ? set[0] : "(" + set.joined(separator: ", ") + ")"
        let theirs = set.count == 1 ? params[0] : "(" + params.joined(separator: ", ") + ")"
        return "UPDATE \(table) SET \(assignments) WHERE \(wheres) AND \(mine) IS NOT \(theirs)"
    }

    /// True when the row with the cells' key exists and holds each given value with the same storage class
    /// and bytes (anything less exact is left to the upsert to decide).
    private func holds(_ c: Cells, keys: [Int], others: [Int], statements: FastStatements, shape: Int) throws -> Bool {
        let spec = c.spec
        guard !others.isEmpty else { return false }
        let read = try statements.statement(shape | 1 << 48) {
            "SELECT \(others.map { spec.columns[$0].name }.joined(separator: ", ")) FROM \(spec.table) WHERE "
                + keys.map { "\(spec.columns[$0].name) = ?" }.joined(separator: " AND ")
        }
        for k in keys { read.bind(c.values[k] ?? spec.columns[k].fallback) }
        return try read.first { row in
            others.enumerated().allSatisfy { i, p in Self.sameStored(row.value(Int32(i)), c.values[p] ?? spec.columns[p].fallback) }
        } ?? false
    }

    /// Equal as SQLite stores them: the same storage class, and strings with the same bytes (Swift's `==` on
    /// strings also equates different spellings of one character, which SQLite's `IS` does not).
    static func sameStored(_ a: DatabaseValue, _ b: DatabaseValue) -> Bool {
        switch (a.storage, b.storage) {
        case (.null, .null): return true
        case let (.int64(x), .int64(y)): return x == y
        case let (.double(x), .double(y)): return x == y
        case let (.string(x), .string(y)): return x.utf8.elementsEqual(y.utf8)
        default: return false
        }
    }

    static let upsertTables = ["sales_order", "order_line", "inventory", "receipt", "customer", "item", "warehouse", "lane", "shipment"]
}

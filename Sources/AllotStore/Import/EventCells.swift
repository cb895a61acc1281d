import GRDB
import AllotCore

/// The columns of one event's `data`, parsed, by their position in the column spec (nil: the field was absent).
///
/// Looked up by name with a short scan of the spec: an event has a handful of fields, and a dictionary per
/// event (hashing every name twice) was a large part of applying it.
struct Cells {
    let spec: SnapshotLayout.File
    var values: [DatabaseValue?]

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
        }
    }
}

extension EventApplier {
    static let lineColumns = orderLines.columns.map(\.name)

    /// A prepared statement of the applier: the batch's, or (applying one event on its own) GRDB's cached one.
    func statement(_ q: AppliedSQL) throws -> FastStatement {
        if let context { return try context.statements.statement(q.rawValue) { q.sql } }
        return try FastStatement(db, sql: q.sql)
    }

    /// The given columns of `spec` from a JSON object, parsed; absent optional columns are left out.
    func cells(_ spec: L.File, _ object: JSONObject, path: String = "") throws -> Cells {
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

    func text(_ cells: Cells, _ name: String) -> String {
        switch cells[name]?.storage {
        case .string(let s)?: return s
        case .int64(let i)?: return String(i)
        default: return ""
        }
    }

    /// Refuses the event when `value` names no row of `entity`.
    func requireKnown(_ entity: L.Entity, _ value: String, field: String) throws {
        if context?.known[entity]?.contains(value) == true { return }
        let f = L.file(defining: entity)
        let exists = try Bool.fetchOne(db.cachedStatement(sql: "SELECT EXISTS (SELECT 1 FROM \(f.table) WHERE \(f.key[0]) = ?)"),
                                       arguments: [value]) ?? false
        if !exists { throw problem(field, value, "unknown \(SnapshotReferences.noun(entity)) (not in the mirror)") }
        // Events never delete warehouses, items, customers or orders: once seen, a reference stays known.
        context?.known[entity, default: []].insert(value)
    }

    /// Inserts or updates one row with the given columns; true when the mirror changed.
    func upsert(_ c: Cells) throws -> Bool {
        let spec = c.spec
        var positions = c.values.indices.filter { c.values[$0] != nil }
        for k in spec.key { let p = c.position(k)!; if c.values[p] == nil { positions.append(p) } }
        let shape = Self.upsertTables.firstIndex(of: spec.table).map { ($0 + 1) << 32 | c.mask }
        let make = { Self.upsertSQL(spec, columns: positions.map { spec.columns[$0].name }) }
        let statement: FastStatement
        if let context, let shape {
            statement = try context.statements.statement(shape, make)
        } else {
            statement = try FastStatement(db, sql: make())
        }
        for p in positions { statement.bind(c.values[p] ?? spec.columns[p].fallback) }
        return try statement.execute() > 0
    }

    static let upsertTables = ["sales_order", "order_line", "inventory", "receipt", "customer", "item", "warehouse", "lane", "shipment"]

    /// `INSERT … ON CONFLICT(key) DO UPDATE SET …` that changes the row only when a value differs (so that
    /// the number of changed rows says whether the mirror moved).
    static func upsertSQL(_ spec: L.File, columns cols: [String]) -> String {
        let nonKey = cols.filter { !spec.key.contains($0) }
        var sql = "INSERT INTO \(spec.table)(\(cols.joined(separator: ", "))) VALUES (\(cols.map { _ in "?" }.joined(separator: ", ")))"
        sql += " ON CONFLICT(\(spec.key.joined(separator: ", "))) DO "
        if nonKey.isEmpty {
            sql += "NOTHING"
        } else {
            let mine = nonKey.map { "\(spec.table).\($0)" }.joined(separator: ", ")
            let theirs = nonKey.map { "excluded.\($0)" }.joined(separator: ", ")
            sql += "UPDATE SET \(nonKey.map { "\($0) = excluded.\($0)" }.joined(separator: ", "))"
            sql += nonKey.count == 1 ? " WHERE \(mine) IS NOT \(theirs)" : " WHERE (\(mine)) IS NOT (\(theirs))"
        }
        return sql
    }
}

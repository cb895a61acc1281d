import GRDB
import AllotCore

/// Applies one checked event to the mirror, type by type, and says what it changed.
///
/// Upserts follow the snapshot columns of the matching CSV file: required columns must be given; an optional
/// column that is absent keeps what the mirror holds (or takes its default for a new row); `null` or `""`
/// sets the default. Throws an `ImportProblem` (nothing applied) when a field is wrong or names an unknown
/// warehouse, sku, customer, order or receipt.
struct EventApplier {
    let db: Database
    let event: Event
    let file: String
    let line: Int?
    /// What a batch shares between its events (known references, buffered feed rows); nil applies on its own.
    var context: ApplyContext? = nil

    typealias L = SnapshotLayout
    static let orders = L.file(named: "orders.csv")!
    static let orderLines = L.file(named: "order_lines.csv")!
    static let inventory = L.file(named: "inventory.csv")!
    static let receipts = L.file(named: "receipts.csv")!
    static let customers = L.file(named: "customers.csv")!
    static let items = L.file(named: "items.csv")!
    static let warehouses = L.file(named: "warehouses.csv")!
    static let lanes = L.file(named: "lanes.csv")!
    static let orderEvent = L.File(name: "order event", table: "sales_order",
                                   columns: [L.req("order_id", .text), L.opt("reason", .text)], key: ["order_id"])
    static let adjustment = L.File(name: "inventory.adjusted", table: "inventory", columns: [
        L.req("warehouse_id", .text), L.req("sku", .text), L.req("delta", .integer), L.opt("reason", .text), L.opt("as_of", .timestamp),
    ], key: ["warehouse_id", "sku"])
    static let receiving = L.File(name: "receipt.received", table: "receipt", columns: [
        L.req("receipt_id", .text), L.req("qty", .count), L.opt("received_at", .timestamp),
    ], key: ["receipt_id"])
    static let shipment = L.File(name: "shipment.confirmed", table: "shipment", columns: [
        L.req("order_id", .text), L.req("line_no", .count), L.req("warehouse_id", .text), L.req("qty", .count),
        L.req("shipped_at", .timestamp), L.opt("delivered_at", .timestamp), L.opt("event_id", .text),
    ], key: ["order_id", "line_no", "warehouse_id"])

    func problem(_ field: String?, _ value: String?, _ message: String) -> ImportProblem {
        ImportProblem(file: file, line: line, field: field.map { "data.\($0)" }, value: value, message: message)
    }

    /// The entity the event is about, for ordering by seq: `order:SO-1`, `inventory:DAL:MX-200`, ….
    func entity() throws -> String {
        switch event.type {
        case "order.upserted", "order.cancelled", "order.held", "order.released":
            return "order:" + (try key("order_id"))
        case "inventory.snapshot", "inventory.adjusted":
            return "inventory:\(try key("warehouse_id")):\(try key("sku"))"
        case "receipt.upserted", "receipt.received":
            return "receipt:" + (try key("receipt_id"))
        case "shipment.confirmed":
            return "shipment:\(try key("order_id")):\(try key("line_no")):\(try key("warehouse_id"))"
        case "customer.upserted": return "customer:" + (try key("customer_id"))
        case "item.upserted": return "item:" + (try key("sku"))
        case "warehouse.upserted": return "warehouse:" + (try key("warehouse_id"))
        case "lane.upserted":
            let mode = event.data["mode"]?.cellText.flatMap { $0.isEmpty ? nil : $0 } ?? "ground"
            return "lane:\(try key("from_warehouse")):\(try key("to_region")):\(mode)"
        default:
            throw problem(nil, event.type, "is not a known event type")
        }
    }

    private func key(_ field: String) throws -> String {
        guard let v = event.data[field] else { throw problem(field, nil, "is missing") }
        guard let t = v.cellText, !t.isEmpty else { throw problem(field, v.shown, "is required") }
        return t
    }

    // MARK: Fields

    /// The given columns of `spec` from a JSON object, parsed; absent optional columns are left out.
    func cells(_ spec: L.File, _ object: [String: JSONValue], path: String = "") throws -> [String: DatabaseValue] {
        var out: [String: DatabaseValue] = [:]
        for column in spec.columns {
            let field = path + column.name
            guard let v = object[column.name] else {
                if column.required { throw problem(field, nil, "is missing") }
                continue
            }
            switch v {
            case .array, .object: throw problem(field, v.shown, "is not a single value")
            default: break
            }
            let text = v.cellText ?? ""
            if text.isEmpty {
                if column.required { throw problem(field, v.shown, "is required") }
                out[column.name] = column.fallback
            } else if let parsed = CellParser.parse(text, column.kind) {
                out[column.name] = parsed
            } else {
                throw problem(field, text, CellParser.expectation(column.kind))
            }
        }
        return out
    }

    func text(_ cells: [String: DatabaseValue], _ name: String) -> String {
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
    func upsert(_ spec: L.File, _ cells: [String: DatabaseValue]) throws -> Bool {
        var cols = spec.columns.map(\.name).filter { cells[$0] != nil }
        for k in spec.key where cells[k] == nil { cols.append(k) }
        let values = cols.map { c in cells[c] ?? spec.columns.first { $0.name == c }!.fallback }
        let memo = spec.table + "|" + cols.joined(separator: ",")
        if let sql = context?.upsertSQL[memo] {
            try db.cachedStatement(sql: sql).execute(arguments: StatementArguments(values))
            return db.changesCount > 0
        }
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
        context?.upsertSQL[memo] = sql
        try db.cachedStatement(sql: sql).execute(arguments: StatementArguments(values))
        return db.changesCount > 0
    }

    // MARK: Applying

    func apply(at now: String) throws -> ChangeSet {
        let d = event.data
        switch event.type {
        case "order.upserted": return try upsertOrder(now)
        case "order.cancelled", "order.held", "order.released": return try orderStatus(now)
        case "inventory.snapshot":
            let c = try cells(Self.inventory, d)
            let (w, sku) = (text(c, "warehouse_id"), text(c, "sku"))
            try requireKnown(.warehouse, w, field: "warehouse_id")
            try requireKnown(.item, sku, field: "sku")
            return try upsert(Self.inventory, c) ? try changed(sku: sku, detail: w, now) : ChangeSet()
        case "inventory.adjusted": return try adjust(now)
        case "receipt.upserted":
            let c = try cells(Self.receipts, d)
            let (id, w, sku) = (text(c, "receipt_id"), text(c, "warehouse_id"), text(c, "sku"))
            try requireKnown(.warehouse, w, field: "warehouse_id")
            try requireKnown(.item, sku, field: "sku")
            let oldSKU = try String.fetchOne(db, cachedSQL: "SELECT sku FROM receipt WHERE receipt_id = ?", arguments: [id])
            guard try upsert(Self.receipts, c) else { return ChangeSet() }
            var set = try changed(sku: sku, detail: id, now)
            if let oldSKU, oldSKU != sku { set.formUnion(try changed(sku: oldSKU, detail: id, now)) }
            return set
        case "receipt.received": return try receive(now)
        case "shipment.confirmed":
            var c = try cells(Self.shipment, d)
            try requireKnown(.warehouse, text(c, "warehouse_id"), field: "warehouse_id")
            c["event_id"] = event.id.databaseValue
            _ = try upsert(Self.shipment, c)
            return ChangeSet()
        case "item.upserted":
            let c = try cells(Self.items, d)
            let sku = text(c, "sku")
            return try upsert(Self.items, c) ? try changed(sku: sku, detail: nil, now) : ChangeSet()
        case "customer.upserted", "warehouse.upserted", "lane.upserted":
            let spec = event.type == "customer.upserted" ? Self.customers : event.type == "warehouse.upserted" ? Self.warehouses : Self.lanes
            let c = try cells(spec, d)
            if spec.name == Self.lanes.name { try requireKnown(.warehouse, text(c, "from_warehouse"), field: "from_warehouse") }
            guard try upsert(spec, c) else { return ChangeSet() }
            // A customer, warehouse or lane can change the sourcing of any line: everything is re-checked.
            try feed(at: now, detail: try entity())
            return ChangeSet(full: true)
        default:
            throw problem(nil, event.type, "is not a known event type")
        }
    }

    /// Appends a change-feed row: to the batch's buffer (written with the batch) or straight to the table.
    private func feed(at now: String, sku: SKU? = nil, order: OrderID? = nil, detail: String?) throws {
        if let context {
            context.feed.append(ChangeFeed.Row(at: now, source: event.source, kind: event.type, sku: sku, order: order, detail: detail))
        } else {
            try ChangeFeed.append(db, at: now, source: event.source, kind: event.type, sku: sku, order: order, detail: detail)
        }
    }

    private func changed(sku: SKU, detail: String?, _ now: String) throws -> ChangeSet {
        try feed(at: now, sku: sku, detail: detail)
        return ChangeSet(skus: [sku])
    }

    /// Writes the feed rows of an order change: one per sku its lines touch (or one bare row without lines).
    private func changedOrder(_ id: OrderID, skus: Set<SKU>, detail: String?, _ now: String) throws -> ChangeSet {
        if skus.isEmpty {
            try feed(at: now, order: id, detail: detail)
        }
        for sku in skus.sorted() {
            try feed(at: now, sku: sku, order: id, detail: detail)
        }
        return ChangeSet(skus: skus, orders: [id])
    }

    private func upsertOrder(_ now: String) throws -> ChangeSet {
        let header = try cells(Self.orders, event.data)
        let id = text(header, "order_id")
        try requireKnown(.customer, text(header, "customer_id"), field: "customer_id")
        guard let linesValue = event.data["lines"] else { throw problem("lines", nil, "is missing") }
        guard case .array(let items) = linesValue else { throw problem("lines", linesValue.shown, "is not a list of lines") }
        let lineSpec = Self.orderLines
        var newLines: [[DatabaseValue]] = []
        var numbers: Set<String> = []
        for (i, item) in items.enumerated() {
            guard let o = item.object else { throw problem("lines[\(i)]", item.shown, "is not a JSON object") }
            var withOrder = o
            withOrder["order_id"] = .string(id)
            let c = try cells(lineSpec, withOrder, path: "lines[\(i)].")
            let no = text(c, "line_no")
            guard numbers.insert(no).inserted else { throw problem("lines[\(i)].line_no", no, "duplicate line number in this order") }
            try requireKnown(.item, text(c, "sku"), field: "lines[\(i)].sku")
            newLines.append(lineSpec.columns.map { c[$0.name] ?? $0.fallback })
        }
        newLines.sort { (Int64.fromDatabaseValue($0[1]) ?? 0) < (Int64.fromDatabaseValue($1[1]) ?? 0) }
        let cols = lineSpec.columns.map(\.name).joined(separator: ", ")
        let oldLines = try Row.fetchAll(db, cachedSQL: "SELECT \(cols) FROM order_line WHERE order_id = ? ORDER BY line_no", arguments: [id])
            .map { r in (0..<r.count).map { r[$0] as DatabaseValue } }
        var changedAny = try upsert(Self.orders, header)
        var skus: Set<SKU> = []
        if oldLines != newLines {
            try db.executeCached(sql: "DELETE FROM order_line WHERE order_id = ?", arguments: [id])
            let insert = try db.cachedStatement(sql: "INSERT INTO order_line(\(cols)) VALUES (\(lineSpec.columns.map { _ in "?" }.joined(separator: ", ")))")
            for l in newLines { try insert.execute(arguments: StatementArguments(l)) }
            changedAny = true
            for l in oldLines + newLines { if let s = String.fromDatabaseValue(l[2]) { skus.insert(s) } }
        } else if changedAny {
            for l in newLines { if let s = String.fromDatabaseValue(l[2]) { skus.insert(s) } }
        }
        return changedAny ? try changedOrder(id, skus: skus, detail: nil, now) : ChangeSet()
    }

    private func orderStatus(_ now: String) throws -> ChangeSet {
        let c = try cells(Self.orderEvent, event.data)
        let id = text(c, "order_id")
        let reason = String.fromDatabaseValue(c["reason"] ?? .null)
        try requireKnown(.order, id, field: "order_id")
        switch event.type {
        case "order.cancelled":
            try db.executeCached(sql: "UPDATE sales_order SET status = 'cancelled' WHERE order_id = ? AND status <> 'cancelled'", arguments: [id])
        case "order.held":
            try db.executeCached(sql: "UPDATE sales_order SET status = 'held', hold_reason = ? WHERE order_id = ? AND (status, hold_reason) IS NOT ('held', ?)",
                           arguments: [reason, id, reason])
        default:
            try db.executeCached(sql: "UPDATE sales_order SET status = 'open', hold_reason = NULL WHERE order_id = ? AND status = 'held'", arguments: [id])
        }
        guard db.changesCount > 0 else { return ChangeSet() }
        let skus = Set(try String.fetchAll(db, cachedSQL: "SELECT DISTINCT sku FROM order_line WHERE order_id = ?", arguments: [id]))
        return try changedOrder(id, skus: skus, detail: reason, now)
    }

    private func adjust(_ now: String) throws -> ChangeSet {
        let c = try cells(Self.adjustment, event.data)
        let (w, sku) = (text(c, "warehouse_id"), text(c, "sku"))
        try requireKnown(.warehouse, w, field: "warehouse_id")
        try requireKnown(.item, sku, field: "sku")
        let delta = Int64.fromDatabaseValue(c["delta"] ?? .null) ?? 0
        let current = try Int64.fetchOne(db, cachedSQL: "SELECT on_hand FROM inventory WHERE warehouse_id = ? AND sku = ?", arguments: [w, sku])
        let onHand = current ?? 0
        guard onHand + delta >= 0 else {
            throw problem("delta", String(delta), "would leave on hand below zero (on hand is \(onHand))")
        }
        guard delta != 0 else { return ChangeSet() }
        let asOf = c["as_of"] ?? .null
        if current == nil {
            try db.executeCached(sql: "INSERT INTO inventory(warehouse_id, sku, on_hand, as_of) VALUES (?, ?, ?, ?)", arguments: [w, sku, delta, asOf])
        } else {
            try db.executeCached(sql: "UPDATE inventory SET on_hand = on_hand + ?, as_of = coalesce(?, as_of) WHERE warehouse_id = ? AND sku = ?",
                           arguments: [delta, asOf, w, sku])
        }
        return try changed(sku: sku, detail: "\(w) \(delta > 0 ? "+" : "")\(delta)", now)
    }

    private func receive(_ now: String) throws -> ChangeSet {
        let c = try cells(Self.receiving, event.data)
        let id = text(c, "receipt_id")
        let qty = Int64.fromDatabaseValue(c["qty"] ?? .null) ?? 0
        guard let r = try Row.fetchOne(db, cachedSQL: "SELECT warehouse_id, sku, qty FROM receipt WHERE receipt_id = ?", arguments: [id]) else {
            throw problem("receipt_id", id, "unknown receipt (not in the mirror)")
        }
        let (w, sku, open): (String, String, Int64) = (r[0], r[1], r[2])
        guard qty <= open else { throw problem("qty", String(qty), "is more than the receipt's open quantity \(open)") }
        guard qty > 0 else { return ChangeSet() }
        let at = c["received_at"] ?? .null
        try db.executeCached(sql: """
            INSERT INTO inventory(warehouse_id, sku, on_hand, as_of) VALUES (?, ?, ?, ?)
            ON CONFLICT(warehouse_id, sku) DO UPDATE SET on_hand = on_hand + excluded.on_hand, as_of = coalesce(excluded.as_of, as_of)
            """, arguments: [w, sku, qty, at])
        if qty == open {
            try db.executeCached(sql: "DELETE FROM receipt WHERE receipt_id = ?", arguments: [id])
        } else {
            try db.executeCached(sql: "UPDATE receipt SET qty = qty - ? WHERE receipt_id = ?", arguments: [qty, id])
        }
        return try changed(sku: sku, detail: "\(id) \(qty) to \(w)", now)
    }
}

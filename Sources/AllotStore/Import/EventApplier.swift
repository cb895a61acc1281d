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
    /// The event's `spec(of:)` columns, when the decoder already parsed them.
    var parsed: Result<Cells, ImportProblem>? = nil

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

    /// The columns an event type's `data` holds (order lines apart), as the importer checks them.
    static func spec(of type: String) -> L.File? {
        switch type {
        case "order.upserted": return orders
        case "order.cancelled", "order.held", "order.released": return orderEvent
        case "inventory.snapshot": return inventory
        case "inventory.adjusted": return adjustment
        case "receipt.upserted": return receipts
        case "receipt.received": return receiving
        case "shipment.confirmed": return shipment
        case "customer.upserted": return customers
        case "item.upserted": return items
        case "warehouse.upserted": return warehouses
        case "lane.upserted": return lanes
        default: return nil
        }
    }

    /// The event's `spec(of:)` columns: as the decoder parsed them, or parsed now.
    func mainCells() throws -> Cells {
        if let parsed { return try parsed.get() }
        return try cells(Self.spec(of: event.type)!, event.data)
    }

    func problem(_ field: String?, _ value: String?, _ message: String) -> ImportProblem {
        ImportProblem(file: file, line: line, field: field.map { "data.\($0)" }, value: value, message: message)
    }

    /// The entity the event is about (`Event.entity`).
    func entity() throws -> String { try event.entity(file: file, line: line) }

    // MARK: Applying

    /// What the event changed; in a batch, the skus and orders it changed are gathered in the context's `changes`
    /// instead: a set made for each event's one sku, then merged into the batch's, cost an allocation and two hashes per event.
    func apply(at now: String) throws -> ChangeSet {
        switch event.type {
        case "order.upserted": return try upsertOrder(now)
        case "order.cancelled", "order.held", "order.released": return try orderStatus(now)
        case "inventory.snapshot":
            let c = try mainCells()
            let (w, sku) = (text(c, "warehouse_id"), text(c, "sku"))
            try requireKnown(.warehouse, w, field: "warehouse_id")
            try requireKnown(.item, sku, field: "sku")
            return try upsertStock(c, StockPositions.Key(warehouse: w, sku: sku)) ? try changed(sku: sku, detail: w, now) : ChangeSet()
        case "inventory.adjusted": return try adjust(now)
        case "receipt.upserted":
            let c = try mainCells()
            let (id, w, sku) = (text(c, "receipt_id"), text(c, "warehouse_id"), text(c, "sku"))
            try requireKnown(.warehouse, w, field: "warehouse_id")
            try requireKnown(.item, sku, field: "sku")
            let oldSKU: String?
            if let receipts = context?.receipts {
                let (changed, before) = try receipts.upsert(c)
                guard changed else { return ChangeSet() }
                oldSKU = before
            } else {
                let find = try statement(.receiptSKU)
                find.bind(id)
                oldSKU = try find.first { $0.text(0) }
                guard try upsert(c) else { return ChangeSet() }
            }
            var set = try changed(sku: sku, detail: id, now)
            if let oldSKU, oldSKU != sku { set.formUnion(try changed(sku: oldSKU, detail: id, now)) }
            return set
        case "receipt.received": return try receive(now)
        case "shipment.confirmed":
            var c = try mainCells()
            try requireKnown(.warehouse, text(c, "warehouse_id"), field: "warehouse_id")
            c["event_id"] = event.id.databaseValue
            _ = try upsert(c)
            return ChangeSet()
        case "item.upserted":
            let c = try mainCells()
            let sku = text(c, "sku")
            return try upsert(c) ? try changed(sku: sku, detail: nil, now) : ChangeSet()
        case "customer.upserted", "warehouse.upserted", "lane.upserted":
            let c = try mainCells()
            if c.spec.name == Self.lanes.name { try requireKnown(.warehouse, text(c, "from_warehouse"), field: "from_warehouse") }
            guard try upsert(c) else { return ChangeSet() }
            // A customer, warehouse or lane can change the sourcing of any line: everything is re-checked.
            let entity = try entity()
            try feed(at: now, detail: entity)
            return ChangeSet(full: true)
        default:
            throw problem(nil, event.type, "is not a known event type")
        }
    }

    /// Appends a change-feed row: to the batch's buffer (written with the batch) or straight to the table.
    /// The detail is only worked out when the row is written (a batch keeps one row per change a file makes).
    private func feed(at now: String, sku: SKU? = nil, order: OrderID? = nil, detail: @autoclosure () -> String?) throws {
        if let context {
            context.append(ChangeFeed.Key(source: event.source, kind: event.type, sku: sku, order: order)) {
                ChangeFeed.Row(at: now, source: event.source, kind: event.type, sku: sku, order: order, detail: detail())
            }
        } else {
            try ChangeFeed.append(db, at: now, source: event.source, kind: event.type, sku: sku, order: order, detail: detail())
        }
    }

    private func changed(sku: SKU, detail: @autoclosure () -> String?, _ now: String) throws -> ChangeSet {
        try feed(at: now, sku: sku, detail: detail())
        if let context {
            context.changes.skus.insert(sku)
            return ChangeSet()
        }
        return ChangeSet(skus: [sku])
    }

    /// Writes the feed rows of an order change: one per sku its lines touch (or one bare row without lines).
    func changedOrder(_ id: OrderID, skus: Set<SKU>, detail: String?, _ now: String) throws -> ChangeSet {
        if skus.isEmpty {
            try feed(at: now, order: id, detail: detail)
        }
        for sku in skus.sorted() {
            try feed(at: now, sku: sku, order: id, detail: detail)
        }
        if let context {
            context.changes.skus.formUnion(skus)
            context.changes.orders.insert(id)
            return ChangeSet()
        }
        return ChangeSet(skus: skus, orders: [id])
    }

    /// `upsert` of a stock position: in the chunk's `StockPositions` when the row exists, else written at once.
    private func upsertStock(_ c: Cells, _ key: StockPositions.Key) throws -> Bool {
        guard let stock = context?.stock else { return try upsert(c) }
        let given = c.values.indices.dropFirst(StockPositions.keyCount).compactMap { i in c.values[i].map { (column: i, value: $0) } }
        return try stock.set(key, given) ?? upsert(c)
    }

    private func adjust(_ now: String) throws -> ChangeSet {
        let c = try mainCells()
        let (w, sku) = (text(c, "warehouse_id"), text(c, "sku"))
        try requireKnown(.warehouse, w, field: "warehouse_id")
        try requireKnown(.item, sku, field: "sku")
        let delta = Int64.fromDatabaseValue(c["delta"] ?? .null) ?? 0
        let asOf = c["as_of"] ?? .null
        let key = StockPositions.Key(warehouse: w, sku: sku)
        let current: Int64?
        if let stock = context?.stock {
            current = try stock.onHand(key)
        } else {
            let read = try statement(.onHand)
            read.bind(w); read.bind(sku)
            current = try read.first { $0.int64(0) }
        }
        let onHand = current ?? 0
        guard onHand + delta >= 0 else {
            throw problem("delta", String(delta), "would leave on hand below zero (on hand is \(onHand))")
        }
        guard delta != 0 else { return ChangeSet() }
        if current == nil {
            let insert = try statement(.insertStock)
            insert.bind(w); insert.bind(sku); insert.bind(delta); insert.bind(asOf)
            try insert.execute()
        } else if let stock = context?.stock {
            try stock.add(key, delta, asOf: asOf)
        } else {
            let update = try statement(.adjustStock)
            update.bind(delta); update.bind(asOf); update.bind(w); update.bind(sku)
            try update.execute()
        }
        return try changed(sku: sku, detail: w + (delta > 0 ? " +" : " ") + String(delta), now)
    }

    private func receive(_ now: String) throws -> ChangeSet {
        let c = try mainCells()
        let id = text(c, "receipt_id")
        let qty = Int64.fromDatabaseValue(c["qty"] ?? .null) ?? 0
        try context?.receipts?.write()
        let read = try statement(.receiptRow)
        read.bind(id)
        guard let (w, sku, open) = try read.first({ ($0.text(0), $0.text(1), $0.int64(2)) }) else {
            throw problem("receipt_id", id, "unknown receipt (not in the mirror)")
        }
        guard qty <= open else { throw problem("qty", String(qty), "is more than the receipt's open quantity \(open)") }
        guard qty > 0 else { return ChangeSet() }
        let at = c["received_at"] ?? .null
        try context?.stock?.settle(StockPositions.Key(warehouse: w, sku: sku))
        let stock = try statement(.receiveStock)
        stock.bind(w); stock.bind(sku); stock.bind(qty); stock.bind(at)
        try stock.execute()
        if qty == open {
            let delete = try statement(.receiptDelete)
            delete.bind(id)
            try delete.execute()
        } else {
            let take = try statement(.receiptTake)
            take.bind(qty); take.bind(id)
            try take.execute()
        }
        return try changed(sku: sku, detail: "\(id) \(qty) to \(w)", now)
    }
}

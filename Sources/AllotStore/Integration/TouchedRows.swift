import GRDB
import AllotCore

/// What a run of change-feed entries touched, and how to bring an in-memory planning index up to date with it by
/// reading only those rows: the stock and receipts of the skus whose supply moved, the orders (with their lines)
/// that changed, the reservations of orders a decision released or gave back units of.
///
/// A snapshot load or a customer, warehouse or lane change can move any line (`everything`); an item, a transfer
/// approval or any kind of change this does not know how to patch makes the caller read the whole mirror again
/// (`unknownKinds`), which is always right.
struct TouchedRows {
    /// Skus whose supply or lines changed (for an order, the skus of its old and new lines).
    var skus = Set<SKU>()
    /// Skus whose stock positions and receipts are read again.
    var supply = Set<SKU>()
    /// Orders whose header and lines are read again.
    var orders = Set<OrderID>()
    /// For each changed order, the skus its lines had (the feed names the skus of old and new lines): where the
    /// index finds the lines to replace.
    var formerSkus: [OrderID: Set<SKU>] = [:]
    /// Orders whose lines' reservations (units Allot released) are read again after a decision: a released line
    /// leaves the plan, a line given its units back returns to it.
    var reservations = Set<OrderID>()
    /// Orders whose lines may have left or joined the plan: those read again and those with changed reservations.
    var ordersToReplan: Set<OrderID> { orders.union(reservations) }
    var everything = false
    var unknownKinds = false

    init(_ changes: [FeedEntry], mirror: Mirror) throws {
        var bareOrders = Set<OrderID>()
        for c in changes {
            if c.isSnapshot || (c.sku == nil && c.orderID == nil) { everything = true; continue }
            if let s = c.sku { skus.insert(s) }
            // A decision's reservation leaves the order's rows as they are: only its reservations are read again.
            if c.kind.hasPrefix("reservation.") {
                if let o = c.orderID { reservations.insert(o) }
                continue
            }
            if let o = c.orderID {
                orders.insert(o)
                if let s = c.sku { formerSkus[o, default: []].insert(s) } else { bareOrders.insert(o) }
            }
            if c.kind.hasPrefix("inventory.") || c.kind.hasPrefix("receipt.") {
                if let s = c.sku { supply.insert(s) }
            } else if !c.kind.hasPrefix("order.") {
                unknownKinds = true
            }
        }
        // An order change logged without skus: its lines' skus as the mirror has them now.
        if !bareOrders.isEmpty {
            try mirror.db.read { db in
                for o in bareOrders {
                    let now = try String.fetchAll(db, sql: "SELECT DISTINCT sku FROM order_line WHERE order_id = ?", arguments: [o])
                    skus.formUnion(now)
                    formerSkus[o, default: []].formUnion(now)
                }
            }
        }
    }

    /// Reads the touched rows in one read transaction and patches them into `index` (and into what stored rows need
    /// beside a recommendation: requested dates, tiers, line prices).
    func patch(_ index: inout PlanningIndex, lookups: inout StoredLineLookups?, mirror: Mirror) throws {
        let (supplyRows, orderRows, reserved) = try mirror.db.read { db in
            let stock = try db.cachedStatement(sql: "\(Mirror.inventorySQL) WHERE sku = ?")
            let receipts = try db.cachedStatement(sql: "\(Mirror.receiptSQL) WHERE sku = ?")
            let supplyRows = try supply.sorted().map { sku in
                (sku, try Row.fetchAll(stock, arguments: [sku]).map(Mirror.inventoryPosition),
                 try Row.fetchAll(receipts, arguments: [sku]).map(Mirror.receipt))
            }
            // The orders' headers, tiers and lines in three statements over the ids (a flood's catch-up reads thousands
            // of orders: three statements each was most of its patching).
            let ids = orders.sorted()
            let list = EventBatch.jsonArray(ids)
            let wanted = "order_id IN (SELECT value FROM json_each(?))"
            var headers: [OrderID: Order] = [:], tiers: [OrderID: String] = [:], lines: [OrderID: [OrderLine]] = [:]
            for row in try Row.fetchAll(db, sql: "\(Mirror.orderSQL) WHERE \(wanted)", arguments: [list]) {
                let order = Mirror.order(row)
                headers[order.id] = order
            }
            for row in try Row.fetchAll(db, sql: """
                SELECT o.order_id, c.tier FROM sales_order o JOIN customer c ON c.customer_id = o.customer_id WHERE o.\(wanted)
                """, arguments: [list]) {
                if let tier: String = row[1] { tiers[row[0]] = tier }
            }
            for row in try Row.fetchAll(db, sql: "\(Mirror.orderLineSQL) WHERE \(wanted) ORDER BY order_id, line_no", arguments: [list]) {
                let line = Mirror.orderLine(row)
                lines[line.orderID, default: []].append(line)
            }
            let orderRows = ids.map { id in (id: id, order: headers[id], lines: lines[id] ?? [], tier: tiers[id]) }
            let reserved = try reservations.sorted().flatMap { try Mirror.loadReservations(db, order: $0) }
            return (supplyRows, orderRows, reserved)
        }
        if !reservations.isEmpty { index.replaceReservations(ofOrders: reservations, with: reserved) }
        for (sku, stock, receipts) in supplyRows { index.replaceSupply(of: sku, inventory: stock, receipts: receipts) }
        index.replaceOrders(orderRows.map { ($0.id, $0.order, $0.lines, formerSkus[$0.id] ?? []) })
        for o in orderRows { lookups?.update(order: o.order, lines: o.lines, tier: o.tier) }
    }
}

extension StoredLineLookups {
    /// Takes in an order read again after an order event.
    mutating func update(order: Order?, lines: [OrderLine], tier: String?) {
        guard let order else { return }
        requested[order.id] = order.requestedDate
        self.tier[order.id] = tier ?? ""
        for l in lines { linePrice[l.key] = l.unitPrice }
    }
}

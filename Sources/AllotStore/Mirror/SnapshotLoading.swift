import GRDB
import AllotCore

extension Mirror {
    /// Reads the whole mirror into a `Snapshot` in one read transaction, so the engine sees one consistent moment.
    public func loadSnapshot() throws -> Snapshot {
        try db.read { db in try Mirror.loadSnapshot(db) }
    }

    static func loadSnapshot(_ db: Database) throws -> Snapshot {
        var s = Snapshot()
        s.warehouses = try Row.fetchAll(db, sql: "SELECT warehouse_id, name, region, handling_days, daily_line_capacity FROM warehouse ORDER BY warehouse_id").map {
            Warehouse(id: $0[0], name: $0[1], region: $0[2], handlingDays: $0[3], dailyLineCapacity: $0[4])
        }
        s.customers = try Row.fetchAll(db, sql: "SELECT customer_id, name, tier, region, credit_status, credit_limit, service_target FROM customer ORDER BY customer_id").map {
            Customer(id: $0[0], name: $0[1], tier: $0[2], region: $0[3], creditStatus: CreditStatus(rawValue: $0[4]) ?? .ok,
                     creditLimit: $0[5], serviceTarget: $0[6])
        }
        s.items = try Row.fetchAll(db, sql: "SELECT sku, description, family, unit_cost, unit_price, critical FROM item ORDER BY sku").map {
            Item(sku: $0[0], description: $0[1], family: $0[2], unitCost: $0[3], unitPrice: $0[4], critical: $0[5])
        }
        s.lanes = try Row.fetchAll(db, sql: "SELECT from_warehouse, to_region, transit_days, cost_per_unit, mode FROM lane ORDER BY from_warehouse, to_region, mode").map {
            Lane(from: $0[0], toRegion: $0[1], transitDays: $0[2], costPerUnit: $0[3], mode: LaneMode(rawValue: $0[4]) ?? .ground)
        }
        s.transfers = try Row.fetchAll(db, sql: "SELECT from_warehouse, to_warehouse, lead_days, cost_per_unit FROM transfer ORDER BY from_warehouse, to_warehouse").map {
            Transfer(from: $0[0], to: $0[1], leadDays: $0[2], costPerUnit: $0[3])
        }
        s.inventory = try Row.fetchAll(db, sql: "\(inventorySQL) ORDER BY sku, warehouse_id").map(inventoryPosition)
        s.receipts = try Row.fetchAll(db, sql: "\(receiptSQL) ORDER BY sku, eta, receipt_id").map(receipt)
        s.orders = try Row.fetchAll(db, sql: "\(orderSQL) ORDER BY order_id").map(order)
        var lines: [OrderLine] = []
        lines.reserveCapacity(try Int.fetchOne(db, sql: "SELECT count(*) FROM order_line") ?? 0)
        let cursor = try Row.fetchCursor(db, sql: "\(orderLineSQL) ORDER BY order_id, line_no")
        while let r = try cursor.next() { lines.append(orderLine(r)) }
        s.lines = lines
        s.substitutes = try Row.fetchAll(db, sql: "SELECT sku, substitute_sku, rank FROM substitute ORDER BY sku, rank, substitute_sku").map {
            Substitute(sku: $0[0], substituteSKU: $0[1], rank: $0[2])
        }
        s.commitments = try Row.fetchAll(db, sql: "SELECT customer_id, sku, qty, period_start, period_end FROM commitment ORDER BY customer_id, sku, period_start").map {
            Commitment(customerID: $0[0], sku: $0[1], qty: $0[2], periodStart: Day($0[3] as String), periodEnd: Day($0[4] as String))
        }
        s.quotas = try Row.fetchAll(db, sql: "SELECT sku_or_family, tier, max_qty, period_start, period_end FROM quota ORDER BY sku_or_family, tier, period_start").map {
            Quota(skuOrFamily: $0[0], tier: $0[1], maxQty: $0[2], periodStart: Day($0[3] as String), periodEnd: Day($0[4] as String))
        }
        s.users = try Row.fetchAll(db, sql: "SELECT user, role FROM app_user ORDER BY user").compactMap { r in
            Role(rawValue: r[1]).map { User(name: r[0], role: $0) }
        }
        s.reservations = try loadReservations(db)
        return s
    }

    // Rows of the tables events change, read the same way by the whole load and by the incremental re-plan's partial
    // reads (which add a WHERE clause to these statements).
    static let inventorySQL = "SELECT warehouse_id, sku, on_hand, reserved, safety_stock, as_of, oldest_receipt_date FROM inventory"
    static let receiptSQL = "SELECT receipt_id, warehouse_id, sku, qty, eta, kind FROM receipt"
    static let orderSQL = """
        SELECT order_id, customer_id, order_date, requested_date, ship_to_region, ship_complete, status, hold_reason, priority_override
        FROM sales_order
        """
    static let orderLineSQL = "SELECT order_id, line_no, sku, qty, unit_price, allow_partial, allow_substitute FROM order_line"

    static func inventoryPosition(_ r: Row) -> InventoryPosition {
        InventoryPosition(warehouseID: r[0], sku: r[1], onHand: r[2], reserved: r[3], safetyStock: r[4],
                          asOf: (r[5] as String?).flatMap { Timestamp($0) }, oldestReceiptDate: (r[6] as String?).flatMap { Day($0) })
    }

    static func receipt(_ r: Row) -> Receipt {
        Receipt(id: r[0], warehouseID: r[1], sku: r[2], qty: r[3], eta: Day(r[4] as String) ?? Day(ordinal: 0),
                kind: ReceiptKind(rawValue: r[5]) ?? .po)
    }

    static func order(_ r: Row) -> Order {
        Order(id: r[0], customerID: r[1], orderDate: Day(r[2] as String) ?? Day(ordinal: 0),
              requestedDate: Day(r[3] as String) ?? Day(ordinal: 0), shipToRegion: r[4], shipComplete: r[5],
              status: OrderStatus(rawValue: r[6]) ?? .open, holdReason: r[7], priorityOverride: r[8])
    }

    static func orderLine(_ r: Row) -> OrderLine {
        OrderLine(orderID: r[0], lineNo: r[1], sku: r[2], qty: r[3], unitPrice: r[4], allowPartial: r[5], allowSubstitute: r[6])
    }
}

import Foundation
import GRDB
import AllotCore

/// Everything the line detail screen shows about one line, read in one transaction.
public struct LineDetail: Hashable, Sendable {
    public var row: QueueRow
    public var rationale: String
    public var order: Order
    /// Every line of the same order (this one included), in line order.
    public var orderLines: [QueueRow]
    public init(row: QueueRow, rationale: String, order: Order, orderLines: [QueueRow]) {
        self.row = row; self.rationale = rationale; self.order = order; self.orderLines = orderLines
    }
}

/// One warehouse's stock of a sku and what of it is still available to promise now.
public struct SupplyPosition: Hashable, Sendable {
    public var warehouseID: WarehouseID
    public var onHand: Int
    public var reserved: Int
    public var safetyStock: Int
    /// Units Allot has already released to lines (reservations).
    public var released: Int
    /// Units the current plan allocates from this warehouse's stock on hand.
    public var planned: Int
    public var availableToPromise: Int { max(0, onHand - reserved - safetyStock - released) }
}

/// A sku's supply picture: positions per warehouse, inbound receipts, and the lines consuming it.
public struct SupplyPicture: Hashable, Sendable {
    public var sku: SKU
    public var description: String
    public var positions: [SupplyPosition]
    public var receipts: [Receipt]
    /// Lines of the current plan that take units of this sku, highest priority first.
    public var consumers: [QueueRow]
    /// How many lines consume the sku in all (consumers holds only the first ones).
    public var consumerCount: Int

    /// Available to promise per warehouse on each day something arrives: today's ATP plus receipts due by then.
    public func timeline(from today: Day) -> [(day: Day, atp: [WarehouseID: Int])] {
        var atp = Dictionary(positions.map { ($0.warehouseID, $0.availableToPromise) }, uniquingKeysWith: +)
        var out: [(Day, [WarehouseID: Int])] = [(today, atp)]
        let sorted = receipts.sorted { ($0.eta, $0.id) < ($1.eta, $1.id) }
        var i = 0
        while i < sorted.count {
            let day = max(today, sorted[i].eta)
            while i < sorted.count, max(today, sorted[i].eta) == day {
                atp[sorted[i].warehouseID, default: 0] += sorted[i].qty
                i += 1
            }
            if day == today { out[0] = (today, atp) } else { out.append((day, atp)) }
        }
        return out
    }
}

extension WorkbenchReads {
    /// The detail of one line of the current plan, or nil when the plan has no such line.
    public func lineDetail(_ key: LineKey) throws -> LineDetail? {
        try mirror.db.read { db in
            guard let plan = try Self.currentPlan(db) else { return nil }
            let state = try Self.stateColumns(db)
            let base = """
                SELECT \(Self.columns)\(state.select), r.rationale FROM recommendation r
                JOIN sales_order o ON o.order_id = r.order_id JOIN customer c ON c.customer_id = o.customer_id\(state.join)
                WHERE r.plan_id = ? AND r.order_id = ?
                """
            guard let one = try Row.fetchOne(db, sql: base + " AND r.line_no = ?", arguments: [plan.id, key.orderID, key.lineNo]) else { return nil }
            let lines = try Row.fetchAll(db, sql: base + " ORDER BY r.line_no", arguments: [plan.id, key.orderID]).map(Self.queueRowWithState)
            let order = try Row.fetchOne(db, sql: """
                SELECT order_id, customer_id, order_date, requested_date, ship_to_region, ship_complete, status, hold_reason, priority_override
                FROM sales_order WHERE order_id = ?
                """, arguments: [key.orderID]).map {
                Order(id: $0[0], customerID: $0[1], orderDate: Day($0[2] as String) ?? Day(ordinal: 0),
                      requestedDate: Day($0[3] as String) ?? Day(ordinal: 0), shipToRegion: $0[4], shipComplete: $0[5],
                      status: OrderStatus(rawValue: $0[6]) ?? .open, holdReason: $0[7], priorityOverride: $0[8])
            }
            guard let order else { return nil }
            return LineDetail(row: Self.queueRowWithState(one), rationale: one[22], order: order, orderLines: lines)
        }
    }

    /// The supply picture of one sku, with at most `consumerLimit` consuming lines materialised.
    public func supply(_ sku: SKU, consumerLimit: Int = 200) throws -> SupplyPicture? {
        try mirror.db.read { db in
            guard let desc = try String.fetchOne(db, sql: "SELECT description FROM item WHERE sku = ?", arguments: [sku]) else { return nil }
            let plan = try Self.currentPlan(db)
            var released: [WarehouseID: Int] = [:]
            if try db.tableExists("reservation") {
                for r in try Row.fetchAll(db, sql: "SELECT warehouse_id, sum(qty) FROM reservation WHERE sku = ? AND source = 'on_hand' GROUP BY warehouse_id", arguments: [sku]) {
                    released[r[0]] = r[1]
                }
            }
            var consumers: [QueueRow] = []
            var planned: [WarehouseID: Int] = [:]
            var count = 0
            if let plan {
                count = try Int.fetchOne(db, sql: "SELECT count(*) FROM recommendation WHERE plan_id = ? AND sku = ? AND allocated > 0",
                                         arguments: [plan.id, sku]) ?? 0
                let rows = try Row.fetchCursor(db, sql: """
                    SELECT \(Self.columns) FROM recommendation r
                    JOIN sales_order o ON o.order_id = r.order_id JOIN customer c ON c.customer_id = o.customer_id
                    WHERE r.plan_id = ? AND r.sku = ? AND r.allocated > 0
                    ORDER BY r.priority_class, r.requested_date, r.order_id, r.line_no
                    """, arguments: [plan.id, sku])
                while let r = try rows.next() {
                    let row = Self.queueRow(r)
                    for a in row.allocations where a.source == .onHand { planned[a.warehouseID, default: 0] += a.qty }
                    if consumers.count < consumerLimit { consumers.append(row) }
                }
            }
            let positions = try Row.fetchAll(db, sql: "SELECT warehouse_id, on_hand, reserved, safety_stock FROM inventory WHERE sku = ? ORDER BY warehouse_id",
                                             arguments: [sku]).map {
                SupplyPosition(warehouseID: $0[0], onHand: $0[1], reserved: $0[2], safetyStock: $0[3],
                               released: released[$0[0]] ?? 0, planned: planned[$0[0]] ?? 0)
            }
            let receipts = try Row.fetchAll(db, sql: "SELECT receipt_id, warehouse_id, sku, qty, eta, kind FROM receipt WHERE sku = ? ORDER BY eta, receipt_id",
                                            arguments: [sku]).map {
                Receipt(id: $0[0], warehouseID: $0[1], sku: $0[2], qty: $0[3], eta: Day($0[4] as String) ?? Day(ordinal: 0),
                        kind: ReceiptKind(rawValue: $0[5]) ?? .po)
            }
            return SupplyPicture(sku: sku, description: desc, positions: positions, receipts: receipts, consumers: consumers, consumerCount: count)
        }
    }
}

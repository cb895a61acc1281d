import Foundation
import GRDB
import AllotCore

/// Reads what the workflow needs to judge a decision, inside the deciding transaction so that the check and
/// the write see the same moment.
enum SituationLoading {
    /// The current plan's id and date, if a plan was stored.
    static func currentPlan(_ db: Database) throws -> (id: String, asOf: Day, policyVersion: String)? {
        guard let r = try Row.fetchOne(db, sql: "SELECT plan_id, as_of, policy_version FROM plan WHERE is_current = 1"),
              let day = Day(r[1] as String) else { return nil }
        return (r[0], day, r[2])
    }

    /// Every line of `orderID` (its order lines, plus any line that only has workflow state), each with its situation.
    static func order(_ db: Database, _ orderID: OrderID) throws -> [LineSituation] {
        let plan = try currentPlan(db)
        let order = try Row.fetchOne(db, sql: """
            SELECT order_id, customer_id, order_date, requested_date, ship_to_region, ship_complete, status, hold_reason, priority_override
            FROM sales_order WHERE order_id = ?
            """, arguments: [orderID]).map { r in
            Order(id: r[0], customerID: r[1], orderDate: Day(r[2] as String) ?? Day(ordinal: 0), requestedDate: Day(r[3] as String) ?? Day(ordinal: 0),
                  shipToRegion: r[4], shipComplete: r[5], status: OrderStatus(rawValue: r[6]) ?? .open, holdReason: r[7], priorityOverride: r[8])
        }
        let customer = try order.flatMap { o in
            try Row.fetchOne(db, sql: "SELECT customer_id, name, tier, region, credit_status, credit_limit, service_target FROM customer WHERE customer_id = ?",
                             arguments: [o.customerID]).map { r in
                Customer(id: r[0], name: r[1], tier: r[2], region: r[3], creditStatus: CreditStatus(rawValue: r[4]) ?? .ok,
                         creditLimit: r[5], serviceTarget: r[6])
            }
        }
        var lines: [LineKey: LineSituation] = [:]
        for r in try Row.fetchAll(db, sql: """
            SELECT order_id, line_no, sku, qty, unit_price, allow_partial, allow_substitute FROM order_line WHERE order_id = ?
            """, arguments: [orderID]) {
            let l = OrderLine(orderID: r[0], lineNo: r[1], sku: r[2], qty: r[3], unitPrice: r[4], allowPartial: r[5], allowSubstitute: r[6])
            lines[l.key] = LineSituation(key: l.key, orderLine: l, order: order, customer: customer)
        }
        for r in try Row.fetchAll(db, sql: """
            SELECT line_no, state, version, rec_version, allocation_json, escalated_by, needs_recheck, recheck_reason, updated_by
            FROM line_state WHERE order_id = ?
            """, arguments: [orderID]) {
            let key = LineKey(orderID: orderID, lineNo: r[0])
            var s = lines[key] ?? LineSituation(key: key, order: order, customer: customer)
            s.state = LineState(rawValue: r[1]) ?? .recommended
            s.version = r[2]
            s.decidedRecVersion = r[3]
            s.allocation = try decodeAllocations(r[4])
            s.escalatedBy = r[5]
            s.needsRecheck = r[6]
            s.recheckReason = r[7]
            s.lastDecidedBy = r[8]
            lines[key] = s
        }
        if let plan {
            for r in try Row.fetchAll(db, sql: "\(PlanStore.select) WHERE plan_id = ? AND order_id = ?", arguments: [plan.id, orderID]) {
                let stored = try PlanStore.decode(r)
                lines[stored.key]?.recommendation = CurrentRecommendation(planID: plan.id, version: stored.version, line: stored.recommendation)
            }
        }
        return lines.values.sorted { $0.key < $1.key }
    }

    /// The supply side for a decision on `line`: the mirror's rows for its sku and allowed substitutes, and what the
    /// current plan gives other lines of those skus (lines already released count through their reservations).
    static func supply(_ db: Database, for s: LineSituation, asOf: Day?) throws -> DecisionSupply {
        guard let sku = s.orderLine?.sku ?? s.recommendation?.line.sku else {
            return DecisionSupply(snapshot: Snapshot(), asOf: asOf ?? Day(unixSeconds: Date().timeIntervalSince1970))
        }
        var snap = Snapshot()
        snap.substitutes = try Row.fetchAll(db, sql: "SELECT sku, substitute_sku, rank FROM substitute WHERE sku = ?", arguments: [sku]).map {
            Substitute(sku: $0[0], substituteSKU: $0[1], rank: $0[2])
        }
        var skus = [sku] + snap.substitutes.map(\.substituteSKU)
        let family = try String.fetchOne(db, sql: "SELECT family FROM item WHERE sku = ?", arguments: [sku])
        let familySkus = try family.map { try String.fetchAll(db, sql: "SELECT sku FROM item WHERE family = ?", arguments: [$0]) } ?? []
        let allSkus = Array(Set(skus + familySkus)).sorted()
        skus = Array(Set(skus)).sorted()
        func marks(_ n: Int) -> String { Array(repeating: "?", count: n).joined(separator: ",") }
        let skuArgs = StatementArguments(skus), allArgs = StatementArguments(allSkus)

        snap.warehouses = try Row.fetchAll(db, sql: "SELECT warehouse_id, name, region, handling_days, daily_line_capacity FROM warehouse").map {
            Warehouse(id: $0[0], name: $0[1], region: $0[2], handlingDays: $0[3], dailyLineCapacity: $0[4])
        }
        snap.lanes = try Row.fetchAll(db, sql: "SELECT from_warehouse, to_region, transit_days, cost_per_unit, mode FROM lane").map {
            Lane(from: $0[0], toRegion: $0[1], transitDays: $0[2], costPerUnit: $0[3], mode: LaneMode(rawValue: $0[4]) ?? .ground)
        }
        snap.transfers = try Row.fetchAll(db, sql: "SELECT from_warehouse, to_warehouse, lead_days, cost_per_unit FROM transfer").map {
            Transfer(from: $0[0], to: $0[1], leadDays: $0[2], costPerUnit: $0[3])
        }
        snap.items = try Row.fetchAll(db, sql: "SELECT sku, description, family, unit_cost, unit_price, critical FROM item WHERE sku IN (\(marks(allSkus.count)))", arguments: allArgs).map {
            Item(sku: $0[0], description: $0[1], family: $0[2], unitCost: $0[3], unitPrice: $0[4], critical: $0[5])
        }
        snap.inventory = try Row.fetchAll(db, sql: "SELECT warehouse_id, sku, on_hand, reserved, safety_stock FROM inventory WHERE sku IN (\(marks(skus.count)))", arguments: skuArgs).map {
            InventoryPosition(warehouseID: $0[0], sku: $0[1], onHand: $0[2], reserved: $0[3], safetyStock: $0[4])
        }
        snap.receipts = try Row.fetchAll(db, sql: "SELECT receipt_id, warehouse_id, sku, qty, eta, kind FROM receipt WHERE sku IN (\(marks(skus.count)))", arguments: skuArgs).map {
            Receipt(id: $0[0], warehouseID: $0[1], sku: $0[2], qty: $0[3], eta: Day($0[4] as String) ?? Day(ordinal: 0), kind: ReceiptKind(rawValue: $0[5]) ?? .po)
        }
        snap.commitments = try Row.fetchAll(db, sql: "SELECT customer_id, sku, qty, period_start, period_end FROM commitment WHERE sku IN (\(marks(skus.count)))", arguments: skuArgs).map {
            Commitment(customerID: $0[0], sku: $0[1], qty: $0[2], periodStart: Day($0[3] as String), periodEnd: Day($0[4] as String))
        }
        snap.quotas = try Row.fetchAll(db, sql: "SELECT sku_or_family, tier, max_qty, period_start, period_end FROM quota").map {
            Quota(skuOrFamily: $0[0], tier: $0[1], maxQty: $0[2], periodStart: Day($0[3] as String), periodEnd: Day($0[4] as String))
        }
        // Reservations of these skus, and of any line drawing on them as a substitute.
        let substituteSources = skus.map { "substitute:\($0)" }
        snap.reservations = try Row.fetchAll(db, sql: """
            SELECT order_id, line_no, warehouse_id, sku, source, qty FROM reservation
            WHERE sku IN (\(marks(allSkus.count))) OR source IN (\(marks(substituteSources.count)))
            """, arguments: StatementArguments(allSkus + substituteSources)).map {
            Reservation(orderID: $0[0], lineNo: $0[1], warehouseID: $0[2], sku: $0[3], source: SupplySource($0[4] as String) ?? .onHand, qty: $0[5])
        }
        let reservedOrders = Array(Set(snap.reservations.map(\.orderID))).sorted()
        if !reservedOrders.isEmpty {
            let rows = try Row.fetchAll(db, sql: """
                SELECT o.order_id, o.customer_id, o.order_date, o.requested_date, c.tier FROM sales_order o
                JOIN customer c ON c.customer_id = o.customer_id WHERE o.order_id IN (\(marks(reservedOrders.count)))
                """, arguments: StatementArguments(reservedOrders))
            var customers: [CustomerID: Customer] = [:]
            for r in rows {
                snap.orders.append(Order(id: r[0], customerID: r[1], orderDate: Day(r[2] as String) ?? Day(ordinal: 0),
                                         requestedDate: Day(r[3] as String) ?? Day(ordinal: 0)))
                customers[r[1]] = Customer(id: r[1], tier: r[4])
            }
            snap.customers = customers.values.sorted { $0.id < $1.id }
        }
        if let c = s.customer, !snap.customers.contains(where: { $0.id == c.id }) { snap.customers.append(c) }

        var planned: [PlannedUse] = []
        if let plan = try currentPlan(db) {
            let reservedLines = Set(snap.reservations.map(\.lineKey))
            var receipts: [String: Receipt] = [:]
            for r in snap.receipts { receipts[r.id] = r }
            let rows = try Row.fetchCursor(db, sql: """
                SELECT r.order_id, r.line_no, r.sku, r.priority_class, r.allocations_json FROM recommendation r
                LEFT JOIN line_state ls ON ls.order_id = r.order_id AND ls.line_no = r.line_no
                WHERE r.plan_id = ? AND r.allocated > 0 AND r.sku IN (\(marks(skus.count)))
                  AND coalesce(ls.state, 'recommended') NOT IN ('released','cancelled','held')
                """, arguments: StatementArguments([plan.id] + skus))
            while let r = try rows.next() {
                let key = LineKey(orderID: r[0], lineNo: r[1])
                guard key != s.key, !reservedLines.contains(key) else { continue }
                let lineSKU: SKU = r[2]
                for a in try decodeAllocations(r[4]) {
                    planned.append(PlannedUse(line: key, priorityClass: r[3],
                                              pool: SupplyPool(lineSKU: lineSKU, warehouseID: a.warehouseID, source: a.source, receipts: receipts), qty: a.qty))
                }
            }
        }
        return DecisionSupply(snapshot: snap, asOf: asOf ?? Day(unixSeconds: Date().timeIntervalSince1970), plannedForOthers: planned)
    }

    static func decodeAllocations(_ json: String?) throws -> [Allocation] {
        guard let json, !json.isEmpty else { return [] }
        return try JSONDecoder().decode([Allocation].self, from: Data(json.utf8))
    }
    static func encodeAllocations(_ a: [Allocation]) -> String {
        String(decoding: (try? JSONEncoder.outbox.encode(a)) ?? Data("[]".utf8), as: UTF8.self)
    }
}

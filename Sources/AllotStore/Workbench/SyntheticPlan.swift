import Foundation
import GRDB
import AllotCore

/// Writes a large synthetic mirror with a current plan straight into SQLite, for `allot bench tui`.
///
/// The workbench benchmark measures the screens, not the engine: it needs a million planned lines quickly, with
/// the shape of a real queue (a third needing review, mixed exceptions, tiers, warehouses). Deterministic per seed.
public enum SyntheticPlan {
    /// Fills an empty mirror with `lines` order lines (3 per order) and a current plan over them.
    public static func fill(_ mirror: Mirror, lines: Int, seed: UInt64 = 42, asOf: Day = Day(year: 2026, month: 11, day: 29)) throws {
        var rng = SeededRandom(state: seed)
        let warehouses = ["DAL", "ATL", "RNO", "CHI", "NYC"]
        let regions = ["south", "east", "west", "midwest", "northeast"]
        let tiers = ["strategic", "A", "B", "C"]
        let skuCount = max(10, lines / 200), customerCount = max(10, lines / 100)
        let kinds: [[ExceptionKind]] = [[.shortage], [.split], [.late], [.shortage, .split], [.transfer], [.backorder], [.lowMargin],
                                        [.highValue], [.shortage, .late], [.expedite], [.quotaLimit], [.substitution]]
        let created = Timestamp(seconds: asOf.unixSeconds + 6 * 3600)
        try mirror.db.write { db in
            for (i, w) in warehouses.enumerated() {
                try db.execute(sql: "INSERT INTO warehouse(warehouse_id, name, region) VALUES (?, ?, ?)", arguments: [w, w + " DC", regions[i]])
            }
            let cust = try db.makeStatement(sql: "INSERT INTO customer(customer_id, name, tier, region) VALUES (?, ?, ?, ?)")
            for c in 0..<customerCount {
                try cust.execute(arguments: [String(format: "C%06d", c), "Customer \(c)", tiers[c % tiers.count], regions[c % regions.count]])
            }
            let item = try db.makeStatement(sql: "INSERT INTO item(sku, description, unit_cost, unit_price) VALUES (?, ?, ?, ?)")
            let inv = try db.makeStatement(sql: "INSERT INTO inventory(warehouse_id, sku, on_hand) VALUES (?, ?, ?)")
            for s in 0..<skuCount {
                let sku = String(format: "SKU-%05d", s)
                try item.execute(arguments: [sku, "Item \(s)", 10.0, 14.0])
                for w in warehouses { try inv.execute(arguments: [w, sku, Int(rng.next() % 500)]) }
            }
            let planID = "bench-\(seed)"
            try db.execute(sql: """
                INSERT INTO plan(plan_id, created_at, as_of, policy_version, input_hash, summary_json, is_current)
                VALUES (?, ?, ?, 'bench', 'bench', '{}', 1)
                """, arguments: [planID, created.description, asOf.description])
            let order = try db.makeStatement(sql: "INSERT INTO sales_order(order_id, customer_id, order_date, requested_date) VALUES (?, ?, ?, ?)")
            let line = try db.makeStatement(sql: "INSERT INTO order_line(order_id, line_no, sku, qty, unit_price) VALUES (?, ?, ?, ?, ?)")
            let rec = try db.makeStatement(sql: """
                INSERT INTO recommendation(plan_id, order_id, line_no, sku, requested, allocated, short, priority_class, status, exceptions,
                  queue, cost, value, promise_date, requested_date, allocations_json, rationale, version, first_seen_at, tier)
                VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, 'planner', ?, ?, ?, ?, ?, ?, 1, ?, ?)
                """)
            var n = 0, o = 0
            while n < lines {
                let orderID = String(format: "SO-%07d", o)
                let c = Int(rng.next() % UInt64(customerCount))
                let orderDay = asOf - Int(rng.next() % 20)
                let requested = asOf + Int(rng.next() % 14)
                try order.execute(arguments: [orderID, String(format: "C%06d", c), orderDay.description, requested.description])
                for l in 1...3 where n < lines {
                    let sku = String(format: "SKU-%05d", Int(rng.next() % UInt64(skuCount)))
                    let qty = 1 + Int(rng.next() % 120)
                    try line.execute(arguments: [orderID, l, sku, qty, 14.0])
                    let needsReview = rng.next() % 3 == 0
                    let ex = needsReview ? kinds[Int(rng.next() % UInt64(kinds.count))] : []
                    let backorder = ex == [.backorder]
                    let allocated = backorder ? 0 : (ex.contains(.shortage) ? qty / 2 : qty)
                    let w1 = warehouses[Int(rng.next() % 5)], w2 = warehouses[Int(rng.next() % 5)]
                    let split = ex.contains(.split) && allocated > 1
                    let late = ex.contains(.late) ? 3 : 0
                    let ship = max(asOf + 1, requested - 2), arrival = max(ship + 2, requested) + late
                    func alloc(_ w: String, _ q: Int) -> String {
                        "{\"warehouse_id\":\"\(w)\",\"qty\":\(q),\"source\":\"on_hand\",\"ship_date\":\"\(ship)\",\"arrival_date\":\"\(arrival)\",\"cost\":\(Double(q) * 2.1)}"
                    }
                    let allocs = allocated == 0 ? "[]" : (split ? "[\(alloc(w1, allocated / 2)),\(alloc(w2, allocated - allocated / 2))]" : "[\(alloc(w1, allocated))]")
                    let status = backorder ? "backorder" : (needsReview ? "review" : "auto")
                    try rec.execute(arguments: [
                        planID, orderID, l, sku, qty, allocated, qty - allocated, c % tiers.count, status,
                        ex.map(\.rawValue).joined(separator: ","), Double(allocated) * 2.1, Double(qty) * 14.0,
                        allocated == 0 ? nil : arrival.description, requested.description, allocs,
                        "Synthetic line for the workbench benchmark.",
                        Timestamp(seconds: created.seconds - Double(rng.next() % 200_000)).description, tiers[c % tiers.count],
                    ])
                    n += 1
                }
                o += 1
            }
        }
    }

}

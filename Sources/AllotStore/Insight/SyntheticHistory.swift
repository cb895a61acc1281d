import Foundation
import GRDB
import AllotCore

/// Writes past planner decisions into a mirror's line history, for `allot bench tui`: a large mirror needs history
/// for the queue's learned signals (override likelihood) to be drawn, and so measured. Deterministic per seed.
public enum SyntheticHistory {
    /// Appends `decisions` past review decisions over the mirror's own customers, skus and warehouses; planners
    /// override most recommendations from the first warehouse and few from the others (a pattern to learn).
    public static func fill(_ mirror: Mirror, decisions: Int, seed: UInt64 = 7, asOf: Day = Day(year: 2026, month: 11, day: 29)) throws {
        guard decisions > 0 else { return }
        var rng = SeededRandom(state: seed)
        try mirror.db.write { db in
            let customers = try String.fetchAll(db, sql: "SELECT customer_id FROM customer ORDER BY customer_id LIMIT 5000")
            let skus = try String.fetchAll(db, sql: "SELECT sku FROM item ORDER BY sku LIMIT 5000")
            let warehouses = try String.fetchAll(db, sql: "SELECT warehouse_id FROM warehouse ORDER BY warehouse_id")
            guard !customers.isEmpty, !skus.isEmpty, !warehouses.isEmpty else { return }
            let kinds: [ExceptionKind] = [.shortage, .split, .late, .transfer, .lowMargin, .highValue, .expedite]
            let insert = try db.makeStatement(sql: """
                INSERT OR IGNORE INTO line_history(order_id, line_no, customer_id, sku, qty, received_at, requested_date, exceptions, queue,
                  recommended_warehouse, recommended_qty, decided_at, actor, role, action, reason, warehouse_id, allocated)
                VALUES (?, 1, ?, ?, ?, ?, ?, ?, 'planner', ?, ?, ?, 'planner1', 'planner', ?, ?, ?, ?)
                """)
            for i in 0..<decisions {
                let day = asOf - 1 - Int(rng.next() % 56)
                let received = Timestamp(seconds: day.unixSeconds + Double(rng.next() % 36_000) + 21_600)
                let w = Int(rng.next() % UInt64(warehouses.count))
                let overridden = rng.next() % 100 < (w == 0 ? 60 : 8)
                let qty = 1 + Int(rng.next() % 120)
                let other = warehouses[(w + 1) % warehouses.count]
                try insert.execute(arguments: [
                    "HB-\(i)", customers[Int(rng.next() % UInt64(customers.count))], skus[Int(rng.next() % UInt64(skus.count))], qty,
                    received.description, (day + 5).description, kinds[Int(rng.next() % UInt64(kinds.count))].rawValue, warehouses[w], qty,
                    Timestamp(seconds: received.seconds + 3600 * Double(1 + rng.next() % 8)).description,
                    overridden ? "override" : "accept", overridden ? "WAREHOUSE_ISSUE" : "AS_RECOMMENDED", overridden ? other : warehouses[w], qty,
                ])
            }
        }
    }
}

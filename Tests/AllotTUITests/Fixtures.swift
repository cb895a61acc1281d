import Foundation
import GRDB
import AllotCore
import AllotStore
@testable import AllotTUI

/// A small mirror with a current plan, built row by row so every screen test knows exactly what it shows.
///
/// Names include East Asian wide characters, combining marks and an escape sequence, because names come from outside.
enum Fixture {
    static let asOf = Day(year: 2026, month: 11, day: 29)
    /// "Now" for every screen test: 2026-11-29 12:00 UTC.
    static let now = Timestamp(seconds: asOf.unixSeconds + 12 * 3600)

    static func mirror() throws -> Mirror {
        let m = try Mirror()
        try m.db.write { db in
            try db.execute(sql: """
                INSERT INTO warehouse(warehouse_id, name, region) VALUES ('DAL', 'Dallas', 'south'), ('ATL', 'Atlanta', 'east'), ('RNO', 'Reno', 'west');
                INSERT INTO lane(from_warehouse, to_region, transit_days, cost_per_unit) VALUES
                  ('DAL', 'south', 2, 2.10), ('ATL', 'south', 3, 2.60), ('ATL', 'east', 2, 2.00), ('DAL', 'east', 3, 2.50),
                  ('RNO', 'west', 2, 1.80), ('RNO', 'east', 4, 3.00), ('RNO', 'south', 4, 3.00), ('DAL', 'west', 4, 3.20);
                INSERT INTO customer(customer_id, name, tier, region, credit_status) VALUES
                  ('C1', '東京商事', 'A', 'east', 'ok'),
                  ('C2', 'Café Ünïcode', 'B', 'south', 'ok'),
                  ('C3', 'Evil' || char(27) || '[31mCorp', 'C', 'west', 'hold'),
                  ('C4', 'Acme Retail', 'strategic', 'south', 'ok');
                INSERT INTO item(sku, description, unit_cost, unit_price) VALUES
                  ('MX-200', 'Mixer 200 ミキサー', 40, 60), ('KB-10', 'Kettle', 10, 18), ('TS-4', 'Toaster', 12, 20);
                INSERT INTO inventory(warehouse_id, sku, on_hand, reserved, safety_stock) VALUES
                  ('DAL', 'MX-200', 40, 0, 0), ('ATL', 'MX-200', 30, 5, 5), ('RNO', 'MX-200', 0, 0, 0),
                  ('DAL', 'KB-10', 100, 0, 10), ('ATL', 'TS-4', 12, 0, 0);
                INSERT INTO receipt(receipt_id, warehouse_id, sku, qty, eta) VALUES
                  ('PO-1', 'RNO', 'MX-200', 50, '2026-12-03'), ('PO-2', 'DAL', 'MX-200', 20, '2026-12-06');
                INSERT INTO sales_order(order_id, customer_id, order_date, requested_date, status, hold_reason) VALUES
                  ('SO-1001', 'C4', '2026-11-25', '2026-11-30', 'open', NULL),
                  ('SO-1002', 'C1', '2026-11-26', '2026-12-01', 'open', NULL),
                  ('SO-1003', 'C2', '2026-11-27', '2026-12-02', 'open', NULL),
                  ('SO-1004', 'C3', '2026-11-20', '2026-12-01', 'open', NULL),
                  ('SO-1005', 'C2', '2026-11-21', '2026-12-03', 'held', 'price check' || char(7));
                INSERT INTO order_line(order_id, line_no, sku, qty, unit_price) VALUES
                  ('SO-1001', 1, 'MX-200', 60, 60), ('SO-1001', 2, 'KB-10', 5, 18),
                  ('SO-1002', 1, 'MX-200', 25, 60), ('SO-1003', 1, 'TS-4', 20, 20), ('SO-1003', 2, 'MX-200', 10, 60),
                  ('SO-1004', 1, 'KB-10', 8, 18), ('SO-1005', 1, 'TS-4', 2, 20);
                INSERT INTO app_user(user, role) VALUES ('ann', 'planner'), ('sam', 'supervisor'), ('cs', 'customer_service');
                INSERT INTO plan(plan_id, created_at, as_of, policy_version, input_hash, summary_json, is_current)
                  VALUES ('p1', '2026-11-29T10:00:00Z', '2026-11-29', '2026-11-default', 'h', '{}', 1);
                """)
            func rec(_ o: String, _ l: Int, _ sku: String, req: Int, alloc: [(String, Int, String, Double)], cls: Int, status: String,
                     ex: String, value: Double, promise: String?, requested: String, firstSeen: String, rationale: String) throws {
                let allocated = alloc.reduce(0) { $0 + $1.1 }
                let json = "[" + alloc.map { a in
                    "{\"warehouse_id\":\"\(a.0)\",\"qty\":\(a.1),\"source\":\"\(a.2)\",\"ship_date\":\"2026-11-30\",\"arrival_date\":\"\(promise ?? requested)\",\"cost\":\(a.3)}"
                }.joined(separator: ",") + "]"
                try db.execute(sql: """
                    INSERT INTO recommendation(plan_id, order_id, line_no, sku, requested, allocated, short, priority_class, status, exceptions,
                      queue, cost, value, promise_date, requested_date, allocations_json, rationale, version, first_seen_at, tier)
                    VALUES ('p1', ?, ?, ?, ?, ?, ?, ?, ?, ?, 'planner', ?, ?, ?, ?, ?, ?, 1, ?,
                            (SELECT c.tier FROM sales_order o JOIN customer c ON c.customer_id = o.customer_id WHERE o.order_id = ?))
                    """, arguments: [o, l, sku, req, allocated, req - allocated, cls, status, ex, alloc.reduce(0) { $0 + $1.3 },
                                     value, promise, requested, json, rationale, firstSeen, o])
            }
            try rec("SO-1001", 1, "MX-200", req: 60, alloc: [("DAL", 40, "on_hand", 84), ("ATL", 20, "on_hand", 52)], cls: 0, status: "review",
                    ex: "SPLIT", value: 3600, promise: "2026-12-01", requested: "2026-11-30", firstSeen: "2026-11-29T08:00:00Z",
                    rationale: "Strategic customer served first; DAL alone has 40, so ATL ships the other 20 a day later.")
            try rec("SO-1001", 2, "KB-10", req: 5, alloc: [("DAL", 5, "on_hand", 5)], cls: 0, status: "auto",
                    ex: "", value: 90, promise: "2026-11-30", requested: "2026-11-30", firstSeen: "2026-11-29T08:00:00Z", rationale: "In stock.")
            try rec("SO-1002", 1, "MX-200", req: 25, alloc: [("RNO", 15, "receipt:PO-1", 45)], cls: 1, status: "review",
                    ex: "SHORTAGE,LATE", value: 1500, promise: "2026-12-05", requested: "2026-12-01", firstSeen: "2026-11-28T09:00:00Z",
                    rationale: "Stock on hand went to the strategic order; 15 arrive on PO-1, 10 short.")
            try rec("SO-1003", 1, "TS-4", req: 20, alloc: [("ATL", 12, "on_hand", 24)], cls: 2, status: "review",
                    ex: "SHORTAGE", value: 400, promise: "2026-12-02", requested: "2026-12-02", firstSeen: "2026-11-29T11:00:00Z",
                    rationale: "Only 12 on hand at ATL.")
            try rec("SO-1003", 2, "MX-200", req: 10, alloc: [], cls: 2, status: "backorder",
                    ex: "BACKORDER", value: 600, promise: nil, requested: "2026-12-02", firstSeen: "2026-11-27T12:00:00Z",
                    rationale: "Nothing left within the horizon.")
            try rec("SO-1004", 1, "KB-10", req: 8, alloc: [("DAL", 8, "on_hand", 8)], cls: 3, status: "held",
                    ex: "CREDIT_HOLD", value: 144, promise: "2026-12-01", requested: "2026-12-01", firstSeen: "2026-11-29T08:00:00Z",
                    rationale: "Customer on credit hold.")
        }
        return m
    }

    static func state(role: Role = .planner, user: String = "ann", rows: Int = 24, cols: Int = 80) -> WorkbenchState {
        WorkbenchState(session: Session(user: user, role: role, mirrorName: "fixture.sqlite"), rows: rows, cols: cols, now: now)
    }

    /// A driver over the fixture mirror on an in-memory terminal, with store commands run inline.
    static func driver(role: Role = .planner, user: String = "ann", rows: Int = 24, cols: Int = 80,
                       decisions: (any DecisionGateway)? = nil, extra: ((Database) throws -> Void)? = nil) throws -> WorkbenchDriver {
        let m = try mirror()
        if let extra { try m.db.write(extra) }
        let d = WorkbenchDriver(state: state(role: role, user: user, rows: rows, cols: cols), theme: .builtInMonochrome,
                                backend: MemoryBackend(rows: rows, cols: cols), services: WorkbenchServices(mirror: m, decisions: decisions),
                                themes: ThemeCatalog(directories: [themesDirectory]))
        d.start()
        d.frame()
        return d
    }

    static var themesDirectory: String {
        URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
            .appendingPathComponent("Themes").path
    }

    static func keys(_ d: WorkbenchDriver, _ keys: [Key]) {
        for k in keys { d.send(.key(k)); d.frame() }
    }

    static func type(_ d: WorkbenchDriver, _ text: String) {
        keys(d, text.map { Key.char($0) })
    }

    static func screen(_ d: WorkbenchDriver) -> String { (d.backend as! MemoryBackend).screen!.text }
}

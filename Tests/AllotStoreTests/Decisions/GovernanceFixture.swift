import Foundation
import GRDB
@testable import AllotStore
import AllotCore
import AllotTestSupport

/// A mirror to decide in: DAL and CHI serve the south; MX-200 has 80 available at DAL (100 − 10 reserved − 10
/// safety) and 50 at CHI; a plan recommends SO-1:1 40 from DAL (review), SO-1:2 5 from DAL (review),
/// SO-2:1 30 from DAL (class 0, review), SO-3:1 nothing (credit hold), SO-4:1 10 from DAL (auto).
enum GovernanceFixture {
    static let asOf = Day(year: 2026, month: 11, day: 29)

    static func tempPath() -> String {
        Scratch.url("allot-gov").appendingPathComponent("m.sqlite").path
    }

    /// A seeded mirror with a current plan (on disk when `path` is given).
    static func mirror(path: String? = nil) throws -> Mirror {
        let m = try path.map { try Mirror(path: $0) } ?? Mirror()
        try seed(m)
        _ = try savePlan(m)
        return m
    }

    static func seed(_ m: Mirror) throws {
        try m.db.write { db in
            try db.execute(sql: """
                INSERT INTO warehouse(warehouse_id, region, handling_days) VALUES ('DAL','south',1), ('CHI','north',1);
                INSERT INTO lane(from_warehouse, to_region, transit_days, cost_per_unit) VALUES ('DAL','south',2,1.0), ('CHI','south',3,1.05);
                INSERT INTO item(sku, family) VALUES ('MX-200','MX');
                INSERT INTO customer(customer_id, tier, region, credit_status) VALUES
                  ('ACME','A','south','ok'), ('BIG','strategic','south','ok'), ('LATE','C','south','hold');
                INSERT INTO inventory(warehouse_id, sku, on_hand, reserved, safety_stock) VALUES ('DAL','MX-200',100,10,10), ('CHI','MX-200',50,0,0);
                INSERT INTO sales_order(order_id, customer_id, order_date, requested_date) VALUES
                  ('SO-1','ACME','2026-11-27','2026-12-02'), ('SO-2','BIG','2026-11-28','2026-12-02'),
                  ('SO-3','LATE','2026-11-28','2026-12-02'), ('SO-4','ACME','2026-11-28','2026-12-02');
                INSERT INTO order_line(order_id, line_no, sku, qty) VALUES
                  ('SO-1',1,'MX-200',60), ('SO-1',2,'MX-200',5), ('SO-2',1,'MX-200',40), ('SO-3',1,'MX-200',5), ('SO-4',1,'MX-200',10);
                INSERT INTO app_user(user, role) VALUES ('pat','planner'), ('pia','planner'), ('sam','supervisor'), ('sue','supervisor'),
                  ('fay','finance'), ('cy','customer_service');
                """)
        }
    }

    static func dal(_ qty: Int) -> Allocation {
        Allocation(warehouseID: "DAL", qty: qty, source: .onHand, shipDate: asOf + 1, arrivalDate: asOf + 3, cost: Double(qty))
    }

    static func line(_ order: String, _ no: Int, requested: Int, class c: Int, _ allocations: [Allocation], status: LineStatus = .review,
                     exceptions: [ExceptionKind] = []) -> LineRecommendation {
        let allocated = allocations.reduce(0) { $0 + $1.qty }
        return LineRecommendation(orderID: order, lineNo: no, sku: "MX-200", requested: requested, priorityClass: c, allocations: allocations,
                                  short: requested - allocated, status: status, exceptions: exceptions, rationale: "fixture")
    }

    /// Stores a plan; `so11` changes SO-1:1's recommendation (a new version of it).
    @discardableResult
    static func savePlan(_ m: Mirror, so11: Int = 40, at seconds: Double = 1_000) throws -> String {
        let lines = [
            line("SO-1", 1, requested: 60, class: 1, [dal(so11)], exceptions: [.shortage]),
            line("SO-1", 2, requested: 5, class: 1, [dal(5)]),
            line("SO-2", 1, requested: 40, class: 0, [dal(30)], exceptions: [.shortage]),
            line("SO-3", 1, requested: 5, class: 3, [], status: .held, exceptions: [.creditHold]),
            line("SO-4", 1, requested: 10, class: 1, [dal(10)], status: .auto),
        ]
        let plan = Plan(asOf: asOf, policyVersion: "2026-11-default", lines: lines, summary: PlanSummary(lines: lines.count))
        return try PlanStore(mirror: m).save(plan, snapshot: try m.loadSnapshot(), policy: Policy(), inputHash: "fixture-\(so11)",
                                             now: Timestamp(seconds: seconds))
    }

    static func user(_ name: String, _ role: Role) -> DecisionAuthor { .user(User(name: name, role: role)) }
    static let pat = user("pat", .planner), pia = user("pia", .planner), sam = user("sam", .supervisor), sue = user("sue", .supervisor)
    static let fay = user("fay", .finance), cy = user("cy", .customerService)

    static func key(_ s: String) -> LineKey { LineKey(s)! }

    static func decision(_ line: String, _ action: DecisionAction, by: DecisionAuthor, reason: String? = nil, note: String? = nil,
                         allocations: [RequestedAllocation] = [], seen: SeenVersion? = nil) -> LineDecision {
        LineDecision(line: key(line), action: action, actor: by, reasonCode: reason, note: note, allocations: allocations, seen: seen)
    }

    /// Counts rows of a table.
    static func count(_ m: Mirror, _ table: String, where w: String = "1") throws -> Int {
        try m.db.read { try Int.fetchOne($0, sql: "SELECT count(*) FROM \(table) WHERE \(w)") ?? 0 }
    }
}

import Testing
import Foundation
import AllotCore
import AllotStore
@testable import AllotTUI

/// The `:metrics` view: the fixture's open exceptions plus a few past lines, drawn as text bars and sparklines.
@Suite("Metrics view")
struct MetricsPanelTests {
    /// Past lines: one auto-released, one overridden from RNO, one shipped late.
    static func addHistory(_ m: Mirror) throws {
        try m.db.write { db in
            try db.execute(sql: """
                INSERT INTO line_history(order_id, line_no, customer_id, sku, qty, received_at, requested_date, exceptions, queue,
                  recommended_warehouse, recommended_qty, recommended_cost, recommended_transit_days, decided_at, actor, role, action, reason,
                  released_at, warehouse_id, allocated, allocations, expedited, cost, transit_days, promised_date) VALUES
                ('H-1',1,'C1','MX-200',10,'2026-11-16T08:00:00Z','2026-11-20','','auto','DAL',10,12,2,'2026-11-16T09:00:00Z','policy',NULL,'auto',NULL,'2026-11-16T09:00:00Z','DAL',10,1,0,12,2,'2026-11-19'),
                ('H-2',1,'C2','MX-200',20,'2026-11-23T08:00:00Z','2026-11-27','SHORTAGE','planner','RNO',20,40,4,'2026-11-23T14:00:00Z','ann','planner','override','WAREHOUSE_ISSUE','2026-11-23T14:00:00Z','DAL',15,2,0,20,2,'2026-11-27'),
                ('H-3',1,'C4','KB-10',5,'2026-11-24T08:00:00Z','2026-11-27','','auto','DAL',5,5,2,'2026-11-24T08:30:00Z','policy',NULL,'auto',NULL,'2026-11-24T08:30:00Z','DAL',5,1,0,5,2,'2026-11-27');
                INSERT INTO shipment(order_id, line_no, warehouse_id, qty, shipped_at, delivered_at) VALUES
                ('H-1',1,'DAL',10,'2026-11-17T15:00:00Z','2026-11-19T14:00:00Z'),
                ('H-3',1,'DAL',5,'2026-11-25T15:00:00Z','2026-11-29T10:00:00Z');
                """)
        }
    }

    @Test("the view shows the headline rates with bars, the aging histogram and the SLA breaches", arguments: GoldenScreenTests.sizes)
    func golden(rows: Int, cols: Int) throws {
        let d = try Fixture.driver(rows: rows, cols: cols)
        try Self.addHistory(d.services.mirror)
        Fixture.keys(d, [.char(":")]); Fixture.type(d, "metrics"); Fixture.keys(d, [.enter])
        expectGolden("metrics-\(cols)x\(rows)", d)
    }

    @Test("figures in the view are the report's: rates, open exceptions per queue, past-SLA rows marked danger")
    func content() throws {
        let m = try Fixture.mirror()
        try Self.addHistory(m)
        let content = try MetricsPanel().load(m, now: Fixture.now)
        func row(_ label: String) -> [String]? { content.rows.first { $0[0].trimmingCharacters(in: .whitespaces) == label } }
        #expect(row("override rate")?[1] == "33.3%")
        #expect(row("fill rate units")?[1] == "85.7%")  // 30 of 35 requested units
        #expect(row("promise accuracy")?[1] == "50.0%")  // H-1 on time, H-3 two days late
        #expect(row("override rate")?[2] == "███████░░░░░░░░░░░░░")
        // Lines waiting in the fixture: SO-1001:1 (opened 08:00), SO-1002:1 (a day earlier), SO-1003:1 (11:00) and the
        // backorder SO-1003:2 (two days earlier); planner SLA 24 h.
        let planner = content.rows.firstIndex { $0[0].trimmingCharacters(in: .whitespaces) == "queue planner" }!
        #expect(content.rows[planner][1] == "4 open")
        #expect(content.rows[planner][3] == "2 past SLA")
        #expect(content.tones[planner] == .danger)
        #expect(content.summary[0].contains("3 decided lines"))
    }
}

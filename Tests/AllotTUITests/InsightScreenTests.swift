import Testing
import Foundation
import GRDB
import AllotCore
import AllotStore
@testable import AllotTUI

/// Learned signals drawn beside what the planner decides on: a substitute's acceptance in the options table and the
/// override likelihood in the queue.
@Suite("Insight on the workbench's screens")
struct InsightScreenTests {
    static let sizes = [(24, 80), (40, 120)]

    /// A substitute for MX-200 (MX-250, same family, stocked at DAL), that SO-1002:1 (東京商事, tier A, 10 short) may
    /// take, and past offers: 東京商事 took 4 of 5, the other tier-A customer none of 1.
    static func substitutes(_ db: Database) throws {
        try db.execute(sql: """
            UPDATE item SET family = 'MX' WHERE sku = 'MX-200';
            INSERT INTO item(sku, description, family, unit_cost, unit_price) VALUES ('MX-250', 'Mixer 250', 'MX', 45, 60);
            INSERT INTO inventory(warehouse_id, sku, on_hand, reserved, safety_stock) VALUES ('DAL', 'MX-250', 30, 0, 0);
            INSERT INTO substitute(sku, substitute_sku, rank) VALUES ('MX-200', 'MX-250', 1);
            UPDATE order_line SET allow_substitute = 1 WHERE order_id = 'SO-1002' AND line_no = 1;
            """)
        for (i, (customer, accepted)) in [("C1", true), ("C1", true), ("C1", false), ("C1", true), ("C1", true), ("C4", false)].enumerated() {
            try db.execute(sql: """
                INSERT INTO line_history(order_id, line_no, customer_id, sku, qty, received_at, requested_date, decided_at, actor, role,
                  action, substitute_sku, substitute_accepted)
                VALUES (?, 1, ?, 'MX-200', 10, ?, '2026-11-10', ?, 'cs', 'customer_service', 'accept', 'MX-250', ?)
                """, arguments: ["H-\(i)", customer, "2026-11-0\(i + 1)T09:00:00Z", "2026-11-0\(i + 1)T10:00:00Z", accepted ? 1 : 0])
        }
    }

    @Test("a substitute option shows how likely this customer is to accept it, with the history it rests on", arguments: sizes)
    func substituteAcceptance(rows: Int, cols: Int) throws {
        let d = try Fixture.driver(rows: rows, cols: cols, decisions: CannedDecisions(), extra: Self.substitutes)
        Fixture.keys(d, [.char(":")]); Fixture.type(d, "line SO-1002:1"); Fixture.keys(d, [.enter])
        let option = try #require(d.state.detail?.options.first { $0.source == .substitute("MX-250") })
        let a = try #require(option.acceptance)
        #expect((a.customerAccepted, a.customerOffered) == (4, 5))
        #expect(a.borrowedFrom == nil)
        #expect(d.state.detail?.options.filter { $0.source != .substitute("MX-250") }.allSatisfy { $0.acceptance == nil } == true)
        expectGolden("detail-substitute-\(cols)x\(rows)", d)
    }

    /// `n` past decisions by planners: recommendations from RNO overridden 4 times in 5, the others once in 10.
    static func overrideHistory(_ n: Int) -> (Database) throws -> Void {
        { db in
            for i in 0..<n {
                let fromReno = i % 3 == 0
                let overridden = fromReno ? i % 5 != 0 : i % 10 == 1
                try db.execute(sql: """
                    INSERT INTO line_history(order_id, line_no, customer_id, sku, qty, received_at, requested_date, exceptions, queue,
                      recommended_warehouse, decided_at, actor, role, action, reason)
                    VALUES (?, 1, ?, 'MX-200', 10, '2026-11-01T09:00:00Z', '2026-11-10', 'SHORTAGE', 'planner', ?, ?, 'ann', 'planner', ?, ?)
                    """, arguments: ["H-\(i)", ["C1", "C2", "C4"][i % 3 == 0 ? (i / 3) % 3 : i % 3], fromReno ? "RNO" : (i % 2 == 0 ? "DAL" : "ATL"),
                                     "2026-11-0\(1 + i % 9)T10:00:00Z", overridden ? "override" : "accept", overridden ? "WAREHOUSE_ISSUE" : nil])
            }
        }
    }

    @Test("the queue shows how likely each recommendation is to be overridden, learned from planners' past overrides", arguments: sizes)
    func overrideLikelihood(rows: Int, cols: Int) throws {
        let d = try Fixture.driver(rows: rows, cols: cols, extra: Self.overrideHistory(60))
        let byLine = Dictionary(uniqueKeysWithValues: d.state.queue.rows.map { ($0.key.description, $0.overrideLikelihood) })
        let reno = try #require(byLine["SO-1002:1"] ?? nil), dallas = try #require(byLine["SO-1001:1"] ?? nil)
        #expect(reno > 0.5, "RNO's recommendations were overridden 4 times in 5")
        #expect(dallas < 0.3)
        expectGolden("queue-overrides-\(cols)x\(rows)", d)
    }

    @Test("with too little history the queue says nothing about overrides (no column, no guess)")
    func overrideLikelihoodNeedsHistory() throws {
        let d = try Fixture.driver(extra: Self.overrideHistory(12))
        #expect(!d.state.queue.rows.isEmpty)
        #expect(d.state.queue.rows.allSatisfy { $0.overrideLikelihood == nil })
        #expect(!Fixture.screen(d).contains("ov?"))
    }
}

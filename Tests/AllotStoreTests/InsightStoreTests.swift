import Testing
import Foundation
@testable import AllotStore
import AllotCore
import AllotTestSupport

@Suite("Insight history in the mirror")
struct InsightStoreTests {
    static func mirror() throws -> Mirror {
        let m = try Mirror()
        try m.db.write { db in
            try db.execute(sql: """
                INSERT INTO warehouse(warehouse_id, region) VALUES ('DAL','SOUTH'), ('ATL','EAST');
                INSERT INTO customer(customer_id, tier) VALUES ('C1','A'), ('C2','B');
                INSERT INTO item(sku, family) VALUES ('MX-1','MX'), ('MX-2','MX');
                """)
        }
        return m
    }

    static func folder(_ files: [String: String]) throws -> String {
        let dir = Scratch.url("allot-hist").appendingPathComponent("history")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        for (name, text) in files { try text.write(to: dir.appendingPathComponent(name), atomically: true, encoding: .utf8) }
        return dir.deletingLastPathComponent().path
    }

    static let lines = """
        order_id,line_no,customer_id,sku,qty,received_at,requested_date,exceptions,queue,recommended_warehouse,recommended_qty,recommended_cost,recommended_transit_days,decided_at,actor,role,action,reason,released_at,warehouse_id,allocated,allocations,expedited,cost,transit_days,promised_date,substitute_sku,substitute_accepted
        H-1,1,C1,MX-1,10,2026-11-02T08:00:00Z,2026-11-06,,auto,DAL,10,12.0,2,2026-11-02T09:00:00Z,policy,,auto,,2026-11-02T09:00:00Z,DAL,10,1,false,12.0,2,2026-11-05,,
        H-2,1,C2,MX-2,20,2026-11-02T08:00:00Z,2026-11-06,SHORTAGE,planner,DAL,15,20.0,2,2026-11-02T11:00:00Z,planner1,planner,override,CHEAPER_FREIGHT,2026-11-02T11:00:00Z,ATL,15,1,false,18.0,3,2026-11-06,MX-1,true
        """

    @Test("history files load all or nothing and feed the metrics")
    func loadAndMeasure() throws {
        let m = try Self.mirror()
        let dir = try Self.folder([
            "lines.csv": Self.lines,
            "shipments.csv": "order_id,line_no,warehouse_id,qty,shipped_at,delivered_at\nH-1,1,DAL,10,2026-11-03T10:00:00Z,2026-11-05T15:00:00Z\nH-2,1,ATL,15,2026-11-03T10:00:00Z,2026-11-08T15:00:00Z\n",
        ])
        let s = try HistoryLoader(mirror: m).load(directory: dir)
        #expect(s.lines == 2 && s.shipments == 2)
        #expect(try HistoryLoader(mirror: m).load(directory: dir) == s)  // loading again changes nothing
        let input = try InsightReads(mirror: m).metricsInput(policy: Policy())
        #expect(input.decided.count == 2 && input.shipments.count == 2)
        let r = ProcessMetrics.report(input, since: nil, asOf: Timestamp("2026-11-10T00:00:00Z")!, dimension: .tier, slaHours: [:])
        #expect(r.overall.cycleTimeP50Hours == 2)  // 1 h and 3 h
        #expect(r.overall.manualInterventionRate == 0.5)
        #expect(r.overall.overrideReasons == ["CHEAPER_FREIGHT": 1])
        #expect(r.overall.fillRateUnits == 25.0 / 30)
        #expect(r.overall.promiseAccuracy == 0.5)  // H-2 promised 11-06, delivered 11-08
        #expect(r.overall.reservationAccuracy == 1)
        #expect(r.breakdown.map(\.value) == ["A", "B"])

        let json = try JSONSerialization.jsonObject(with: JSONEncoder().encode(r)) as! [String: Any]
        for key in ["cycle_time_p50_hours", "manual_intervention_rate", "override_rate", "exception_aging", "fill_rate_units",
                    "fill_rate_lines", "split_shipment_rate", "expedite_rate", "promise_accuracy", "integration_failure_rate"] {
            #expect(json[key] != nil, "missing \(key)")
        }
    }

    @Test("a bad history row names its file, line and field, and nothing is loaded")
    func badRow() throws {
        let m = try Self.mirror()
        let bad = Self.lines.replacingOccurrences(of: "H-2,1,C2,MX-2,20", with: "H-2,1,C2,MX-2,-4")
        let dir = try Self.folder(["lines.csv": bad])
        #expect {
            try HistoryLoader(mirror: m).load(directory: dir)
        } throws: { e in
            (e as? HistoryFileError)?.description == "history/lines.csv:3: field 'qty': value '-4': is not a whole number >= 0"
        }
        #expect(try m.db.read { try Int.fetchOne($0, sql: "SELECT count(*) FROM line_history") } == 0)
    }

    @Test("every new eta of a receipt is recorded, whoever writes it")
    func etaTriggers() throws {
        let m = try Self.mirror()
        try m.db.write { db in
            try db.execute(sql: "INSERT INTO receipt(receipt_id, warehouse_id, sku, qty, eta) VALUES ('PO-1','DAL','MX-1',50,'2026-12-01')")
            try db.execute(sql: "UPDATE receipt SET qty = 60 WHERE receipt_id = 'PO-1'")
            try db.execute(sql: "UPDATE receipt SET eta = '2026-12-05' WHERE receipt_id = 'PO-1'")
            // A snapshot reload deletes and inserts: the same eta is not a change.
            try db.execute(sql: "DELETE FROM receipt")
            try db.execute(sql: "INSERT INTO receipt(receipt_id, warehouse_id, sku, qty, eta) VALUES ('PO-1','DAL','MX-1',60,'2026-12-05')")
        }
        let inputs = try InsightReads(mirror: m).insightInputs(asOf: Day("2026-11-29")!)
        #expect(inputs.receipts.count == 1)
        #expect(inputs.receipts[0].etas == [Day("2026-12-01")!, Day("2026-12-05")!])
        #expect(inputs.receipts[0].slipDays == 4)
        #expect(inputs.receipts[0].family == "MX")
    }

    @Test("past lines become demand, override and substitution history for the models")
    func modelInputs() throws {
        let m = try Self.mirror()
        _ = try HistoryLoader(mirror: m).load(directory: try Self.folder(["lines.csv": Self.lines]))
        let inputs = try InsightReads(mirror: m).insightInputs(asOf: Day("2026-11-29")!)
        #expect(inputs.historyStart == Day("2026-11-02")!)
        #expect(inputs.demand.map(\.qty).sorted() == [10, 20])
        #expect(inputs.overrideHistory.count == 1 && inputs.overrideHistory[0].overridden)
        #expect(inputs.overrideHistory[0].features["warehouse"] == "DAL")
        #expect(inputs.substitutionHistory.count == 1 && inputs.substitutionHistory[0].accepted)
        #expect(inputs.decisionHistory.filter { $0.kind == .override }.count == 1)
    }
}

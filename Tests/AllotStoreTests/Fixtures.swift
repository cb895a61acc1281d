import Foundation
import GRDB
@testable import AllotStore
import AllotCore
import AllotTestSupport

/// Small snapshot folders written into temp dirs, and ways to compare what a mirror holds.
enum Fixture {
    /// A tiny but complete scenario: two warehouses, three customers, a handful of orders.
    static let basic: [String: String] = [
        "warehouses.csv": """
            warehouse_id,name,region,handling_days,daily_line_capacity
            DAL,Dallas DC,south,1,500
            CHI,Chicago DC,midwest,,
            """,
        "customers.csv": """
            customer_id,name,tier,region,credit_status,credit_limit,service_target
            C1,Acme Hospital,strategic,south,ok,100000,0.98
            C2,Beta Retail,B,midwest,hold,5000,
            C3,Gamma Shop,C,south,,,
            """,
        "items.csv": """
            sku,description,family,unit_cost,unit_price,critical
            MX-200,Mixer 200,mixers,40.0,70.0,false
            MX-210,Mixer 210,mixers,42.5,72.0,
            GL-1,Gloves,ppe,1.2,2.5,true
            """,
        "lanes.csv": """
            from_warehouse,to_region,transit_days,cost_per_unit,mode
            DAL,south,1,0.8,ground
            DAL,midwest,3,1.4,ground
            CHI,midwest,1,0.7,
            CHI,south,1,3.5,expedite
            """,
        "transfers.csv": """
            from_warehouse,to_warehouse,lead_days,cost_per_unit
            CHI,DAL,3,0.5
            """,
        "inventory.csv": """
            warehouse_id,sku,on_hand,reserved,safety_stock,as_of,oldest_receipt_date
            DAL,MX-200,40,5,5,2026-11-29T06:00:00Z,2026-10-01
            CHI,MX-200,10,0,0,2026-11-29T06:00:00Z,
            DAL,GL-1,1000,,,,
            """,
        "receipts.csv": """
            receipt_id,warehouse_id,sku,qty,eta,kind
            PO-1,DAL,MX-200,100,2026-12-04,po
            TR-1,DAL,MX-200,10,2026-12-02,transfer
            """,
        "orders.csv": """
            order_id,customer_id,order_date,requested_date,ship_to_region,ship_complete,status,hold_reason
            SO-1,C1,2026-11-27,2026-12-01,,false,open,
            SO-2,C2,2026-11-28,2026-12-02,midwest,true,held,credit
            SO-3,C3,2026-11-28,2026-12-03,,,,
            """,
        "order_lines.csv": """
            order_id,line_no,sku,qty,unit_price,allow_partial,allow_substitute
            SO-1,1,MX-200,60,70.0,true,true
            SO-1,2,GL-1,200,,,
            SO-2,1,MX-200,20,,,
            SO-3,1,MX-210,5,72,false,false
            """,
        "substitutes.csv": """
            sku,substitute_sku,rank
            MX-200,MX-210,1
            """,
        "commitments.csv": """
            customer_id,sku,qty,period_start,period_end
            C1,MX-200,30,2026-11-01,2026-12-31
            """,
        "quotas.csv": """
            sku_or_family,tier,max_qty,period_start,period_end
            mixers,C,10,,
            """,
        "users.csv": """
            user,role
            pat,planner
            sam,supervisor
            """,
        "policy.toml": """
            version = "fixture-1"
            [priority]
            tier_order = ["strategic", "A", "B", "C"]
            """,
    ]

    /// Writes the files into a new temp folder; `overrides` replace (or, with nil, remove) files of `base`.
    static func folder(_ base: [String: String] = basic, _ overrides: [String: String?] = [:]) throws -> URL {
        let dir = Scratch.url("allot-fixture")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        var files = base
        for (k, v) in overrides { files[k] = v }
        for (name, text) in files { try Data((text + "\n").utf8).write(to: dir.appendingPathComponent(name)) }
        return dir
    }

    /// Writes raw bytes as one file of a copy of `base`.
    static func folder(_ base: [String: String] = basic, file: String, bytes: [UInt8]) throws -> URL {
        let dir = try folder(base, [file: nil])
        try Data(bytes).write(to: dir.appendingPathComponent(file))
        return dir
    }

    /// A new mirror in a temp file (removed when the test process ends).
    static func mirror() throws -> Mirror {
        let dir = Scratch.url("allot-mirror")
        return try Mirror(path: dir.appendingPathComponent("mirror.sqlite").path)
    }

    /// Every row of every mirror table and the stored policy, as text, in key order: "the content" of a mirror.
    static func dump(_ mirror: Mirror) throws -> [String: [String]] {
        try mirror.db.read { db in
            var out: [String: [String]] = [:]
            for t in Schema.mirrorTables + ["policy", "shipment"] {
                let cols = try db.columns(in: t).map(\.name).filter { $0 != "loaded_at" }
                let rows = try Row.fetchAll(db, sql: "SELECT \(cols.joined(separator: ", ")) FROM \(t) ORDER BY \((1...cols.count).map(String.init).joined(separator: ", "))")
                out[t] = rows.map { r in cols.indices.map { "\(r[$0] as DatabaseValue)" }.joined(separator: "|") }
            }
            return out
        }
    }

    static func count(_ mirror: Mirror, _ table: String) throws -> Int {
        try mirror.db.read { try Int.fetchOne($0, sql: "SELECT count(*) FROM \(table)") ?? 0 }
    }
}

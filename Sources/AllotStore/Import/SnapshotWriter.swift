import Foundation
import AllotCore

/// Writes a `Snapshot` as a folder in the contract's CSV layout (what `allot generate` produces and
/// `allot import` reads back).
public enum SnapshotWriter {
    /// Writes every table of `snapshot` (and the policy text, when given) into `directory`, creating it.
    /// Returns the rows written per file.
    @discardableResult
    public static func write(_ s: Snapshot, policyTOML: String?, to directory: String) throws -> [(file: String, rows: Int)] {
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        var written: [(String, Int)] = []
        func file(_ name: String, _ header: [String], _ count: Int, _ row: (Int, inout CSVRowBuilder) -> Void) throws {
            var b = CSVRowBuilder()
            b.row(header.map { .text($0) })
            for i in 0..<count {
                row(i, &b)
                if b.bytes.count > 1 << 22 { try b.flush(to: directory + "/" + name) }
            }
            try b.flush(to: directory + "/" + name, last: true)
            written.append((name, count))
        }
        func day(_ d: Day?) -> CSVCell { d.map { .text($0.description) } ?? .empty }
        func num(_ v: Double?) -> CSVCell { v.map { .decimal($0) } ?? .empty }
        func int(_ v: Int?) -> CSVCell { v.map { .int($0) } ?? .empty }
        func opt(_ v: String?) -> CSVCell { v.map { .text($0) } ?? .empty }

        try file("warehouses.csv", ["warehouse_id", "name", "region", "handling_days", "daily_line_capacity"], s.warehouses.count) { i, b in
            let w = s.warehouses[i]
            b.row([.text(w.id), .text(w.name), .text(w.region), .int(w.handlingDays), int(w.dailyLineCapacity)])
        }
        try file("customers.csv", ["customer_id", "name", "tier", "region", "credit_status", "credit_limit", "service_target"], s.customers.count) { i, b in
            let c = s.customers[i]
            b.row([.text(c.id), .text(c.name), .text(c.tier), opt(c.region), .text(c.creditStatus.rawValue), num(c.creditLimit), num(c.serviceTarget)])
        }
        try file("items.csv", ["sku", "description", "family", "unit_cost", "unit_price", "critical"], s.items.count) { i, b in
            let t = s.items[i]
            b.row([.text(t.sku), .text(t.description), opt(t.family), num(t.unitCost), num(t.unitPrice), .bool(t.critical)])
        }
        try file("lanes.csv", ["from_warehouse", "to_region", "transit_days", "cost_per_unit", "mode"], s.lanes.count) { i, b in
            let l = s.lanes[i]
            b.row([.text(l.from), .text(l.toRegion), .int(l.transitDays), .decimal(l.costPerUnit), .text(l.mode.rawValue)])
        }
        try file("transfers.csv", ["from_warehouse", "to_warehouse", "lead_days", "cost_per_unit"], s.transfers.count) { i, b in
            let t = s.transfers[i]
            b.row([.text(t.from), .text(t.to), .int(t.leadDays), .decimal(t.costPerUnit)])
        }
        try file("inventory.csv", ["warehouse_id", "sku", "on_hand", "reserved", "safety_stock", "as_of", "oldest_receipt_date"], s.inventory.count) { i, b in
            let p = s.inventory[i]
            b.row([.text(p.warehouseID), .text(p.sku), .int(p.onHand), .int(p.reserved), .int(p.safetyStock),
                   opt(p.asOf?.description), day(p.oldestReceiptDate)])
        }
        try file("receipts.csv", ["receipt_id", "warehouse_id", "sku", "qty", "eta", "kind"], s.receipts.count) { i, b in
            let r = s.receipts[i]
            b.row([.text(r.id), .text(r.warehouseID), .text(r.sku), .int(r.qty), day(r.eta), .text(r.kind.rawValue)])
        }
        try file("orders.csv", ["order_id", "customer_id", "order_date", "requested_date", "ship_to_region", "ship_complete", "status", "hold_reason"], s.orders.count) { i, b in
            let o = s.orders[i]
            b.row([.text(o.id), .text(o.customerID), day(o.orderDate), day(o.requestedDate), opt(o.shipToRegion),
                   .bool(o.shipComplete), .text(o.status.rawValue), opt(o.holdReason)])
        }
        try file("order_lines.csv", ["order_id", "line_no", "sku", "qty", "unit_price", "allow_partial", "allow_substitute"], s.lines.count) { i, b in
            let l = s.lines[i]
            b.row([.text(l.orderID), .int(l.lineNo), .text(l.sku), .int(l.qty), num(l.unitPrice), .bool(l.allowPartial), .bool(l.allowSubstitute)])
        }
        try file("substitutes.csv", ["sku", "substitute_sku", "rank"], s.substitutes.count) { i, b in
            let x = s.substitutes[i]
            b.row([.text(x.sku), .text(x.substituteSKU), .int(x.rank)])
        }
        try file("commitments.csv", ["customer_id", "sku", "qty", "period_start", "period_end"], s.commitments.count) { i, b in
            let c = s.commitments[i]
            b.row([.text(c.customerID), .text(c.sku), .int(c.qty), day(c.periodStart), day(c.periodEnd)])
        }
        try file("quotas.csv", ["sku_or_family", "tier", "max_qty", "period_start", "period_end"], s.quotas.count) { i, b in
            let q = s.quotas[i]
            b.row([.text(q.skuOrFamily), .text(q.tier), .int(q.maxQty), day(q.periodStart), day(q.periodEnd)])
        }
        try file("users.csv", ["user", "role"], s.users.count) { i, b in
            b.row([.text(s.users[i].name), .text(s.users[i].role.rawValue)])
        }
        if let policyTOML {
            try Data((policyTOML + "\n").utf8).write(to: URL(fileURLWithPath: directory + "/policy.toml"))
        }
        return written
    }
}

/// One cell to write.
enum CSVCell {
    case text(String), int(Int), decimal(Double), bool(Bool), empty
}

/// Builds CSV rows as UTF-8 bytes, quoting a cell only when it holds a comma, a quote or a line break.
struct CSVRowBuilder {
    var bytes: [UInt8] = []
    private var started = Set<String>()

    mutating func row(_ cells: [CSVCell]) {
        for (i, c) in cells.enumerated() {
            if i > 0 { bytes.append(UInt8(ascii: ",")) }
            switch c {
            case .text(let s): text(s)
            case .int(let v): bytes.append(contentsOf: String(v).utf8)
            case .decimal(let v): bytes.append(contentsOf: Self.decimal(v).utf8)
            case .bool(let v): bytes.append(contentsOf: (v ? "true" : "false").utf8)
            case .empty: break
            }
        }
        bytes.append(UInt8(ascii: "\n"))
    }

    private mutating func text(_ s: String) {
        if s.utf8.contains(where: { $0 == 44 || $0 == 34 || $0 == 10 || $0 == 13 }) {
            bytes.append(34)
            for b in s.utf8 { if b == 34 { bytes.append(34) }; bytes.append(b) }
            bytes.append(34)
        } else {
            bytes.append(contentsOf: s.utf8)
        }
    }

    /// Money and rates as plain decimals (`12.5`, `0.98`), never in exponent form.
    static func decimal(_ v: Double) -> String {
        let cents = (v * 100).rounded()
        if abs(v * 100 - cents) < 1e-9 && abs(cents) < 1e15 {
            let c = Int(cents), whole = c / 100, frac = abs(c % 100)
            return (c < 0 && whole == 0 ? "-" : "") + "\(whole).\(frac < 10 ? "0" : "")\(frac)"
        }
        return String(format: "%.6f", v)
    }

    /// Appends what was built to the file (creating it on the first flush) and empties the buffer.
    mutating func flush(to path: String, last: Bool = false) throws {
        if !started.contains(path) {
            _ = FileManager.default.createFile(atPath: path, contents: nil)
            started.insert(path)
        }
        guard let h = FileHandle(forWritingAtPath: path) else { throw CocoaError(.fileWriteNoPermission) }
        defer { try? h.close() }
        try h.seekToEnd()
        try h.write(contentsOf: bytes)
        bytes.removeAll(keepingCapacity: !last)
    }
}

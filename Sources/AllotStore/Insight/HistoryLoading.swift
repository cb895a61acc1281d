import Foundation
import GRDB
import CSV
import AllotCore

/// A history file that cannot be loaded, named so a person can find and fix it:
/// `history/lines.csv:17: field 'qty': value '-3': is not a whole number >= 0`.
public struct HistoryFileError: Error, Hashable, Sendable, CustomStringConvertible {
    public var file: String
    public var line: Int?
    public var field: String?
    public var value: String?
    public var message: String
    public var description: String {
        var s = file
        if let line { s += ":\(line)" }
        s += ":"
        if let field { s += " field '\(field)':" }
        if let value { s += " value '\(value)':" }
        return s + " " + message
    }
}

/// What a history load added.
public struct HistoryLoadSummary: Hashable, Sendable {
    public var lines = 0
    public var shipments = 0
    public var etas = 0
    public var total: Int { lines + shipments + etas }
}

/// Loads a scenario's `history/` folder into the insight tables, all or nothing.
///
/// - `lines.csv`: past order lines with their recommendation, decision and outcome (one row a line; replaces the
///   past lines loaded before).
/// - `shipments.csv`: order_id, line_no, warehouse_id, qty, shipped_at, delivered_at (as `shipment.confirmed`).
/// - `receipt_etas.csv`: receipt_id, warehouse_id, sku, supplier, eta, recorded_at — every eta a receipt was
///   given, in order (a receipt's first row is its original eta).
public struct HistoryLoader {
    public let mirror: Mirror
    public init(mirror: Mirror) { self.mirror = mirror }

    /// Loads every history file present under `directory/history` (or `directory` itself when it holds them).
    public func load(directory: String) throws -> HistoryLoadSummary {
        let fm = FileManager.default
        var dir = directory
        if fm.fileExists(atPath: directory + "/history") { dir = directory + "/history" }
        let files = ["lines.csv", "shipments.csv", "receipt_etas.csv"].filter { fm.fileExists(atPath: dir + "/" + $0) }
        var tables: [String: HistoryTable] = [:]
        for f in files { tables[f] = try HistoryTable(path: dir + "/" + f, name: "history/" + f) }
        var summary = HistoryLoadSummary()
        try mirror.db.write { db in
            if let t = tables["lines.csv"] { summary.lines = try loadLines(t, db) }
            if let t = tables["shipments.csv"] { summary.shipments = try loadShipments(t, db) }
            if let t = tables["receipt_etas.csv"] { summary.etas = try loadEtas(t, db) }
        }
        return summary
    }

    func loadLines(_ t: HistoryTable, _ db: Database) throws -> Int {
        // lines.csv is the whole history of past lines: it replaces the one loaded before.
        try db.execute(sql: "DELETE FROM line_history")
        for r in t.rows {
            let actor = try r.text("actor")
            let role = try r.optional("role")
            if let role { guard Role(rawValue: role) != nil else { throw r.error("role", role, "is not a role (\(Role.allCases.map(\.rawValue).joined(separator: ", ")))") } }
            let queue = r.optionalValue("queue") ?? "auto"
            if queue != "auto", Role(rawValue: queue) == nil { throw r.error("queue", queue, "is not 'auto' or a role") }
            let exceptions = r.optionalValue("exceptions") ?? ""
            for e in exceptions.split(separator: ";") where ExceptionKind(rawValue: String(e)) == nil {
                throw r.error("exceptions", exceptions, "'\(e)' is not an exception type")
            }
            try db.cachedStatement(sql: """
                INSERT OR REPLACE INTO line_history(order_id, line_no, customer_id, sku, qty, received_at, requested_date, exceptions, queue,
                  recommended_warehouse, recommended_qty, recommended_cost, recommended_transit_days, decided_at, actor, role, action, reason,
                  released_at, warehouse_id, allocated, allocations, expedited, cost, transit_days, promised_date, substitute_sku, substitute_accepted)
                VALUES (?,?,?,?,?,?,?,?,?, ?,?,?,?,?,?,?,?,?, ?,?,?,?,?,?,?,?,?,?)
                """).execute(arguments: [
                    try r.text("order_id"), try r.int("line_no", min: 1), try r.text("customer_id"), try r.text("sku"), try r.int("qty", min: 0),
                    try r.timestamp("received_at").description, try r.day("requested_date").description, exceptions, queue,
                    r.optionalValue("recommended_warehouse"), try r.optionalInt("recommended_qty"), try r.optionalNumber("recommended_cost"),
                    try r.optionalInt("recommended_transit_days"), try r.timestamp("decided_at").description, actor, role,
                    try r.text("action"), r.optionalValue("reason"), try r.optionalTimestamp("released_at")?.description,
                    r.optionalValue("warehouse_id"), try r.optionalInt("allocated") ?? 0, try r.optionalInt("allocations") ?? 1,
                    try r.optionalBool("expedited") ?? false, try r.optionalNumber("cost"), try r.optionalInt("transit_days"),
                    try r.optionalDay("promised_date")?.description, r.optionalValue("substitute_sku"), try r.optionalBool("substitute_accepted"),
                ])
        }
        return t.rows.count
    }

    func loadShipments(_ t: HistoryTable, _ db: Database) throws -> Int {
        for r in t.rows {
            let order = try r.text("order_id"), line = try r.int("line_no", min: 1), wh = try r.text("warehouse_id")
            let shipped = try r.timestamp("shipped_at")
            // A stable id makes loading the same file twice change nothing.
            let id = r.optionalValue("event_id") ?? "history:\(order):\(line):\(wh):\(shipped)"
            try ShipmentLog.record(db, eventID: id, orderID: order, lineNo: line, warehouseID: wh, qty: try r.int("qty", min: 0),
                                   shippedAt: shipped, deliveredAt: try r.optionalTimestamp("delivered_at"))
        }
        return t.rows.count
    }

    func loadEtas(_ t: HistoryTable, _ db: Database) throws -> Int {
        // The file holds each receipt's whole eta history: it replaces what was recorded before, in the file's order.
        for id in Set(try t.rows.map { try $0.text("receipt_id") }) {
            try db.cachedStatement(sql: "DELETE FROM receipt_eta_history WHERE receipt_id = ?").execute(arguments: [id])
        }
        for r in t.rows {
            try db.cachedStatement(sql: """
                INSERT INTO receipt_eta_history(receipt_id, warehouse_id, sku, supplier, eta, recorded_at) VALUES (?,?,?,?,?,?)
                """).execute(arguments: [try r.text("receipt_id"), try r.text("warehouse_id"), try r.text("sku"), r.optionalValue("supplier"),
                                 try r.day("eta").description, try r.timestamp("recorded_at").description])
        }
        return t.rows.count
    }
}

/// Confirmed shipments loaded from history files into the `shipment` table.
public enum ShipmentLog {
    /// Records one confirmed shipment of a line from a warehouse (the latest record per line and warehouse
    /// wins, as with `shipment.confirmed` events).
    public static func record(_ db: Database, eventID: String?, orderID: String, lineNo: Int, warehouseID: String, qty: Int,
                              shippedAt: Timestamp, deliveredAt: Timestamp?) throws {
        try db.cachedStatement(sql: """
            INSERT INTO shipment(event_id, order_id, line_no, warehouse_id, qty, shipped_at, delivered_at) VALUES (?,?,?,?,?,?,?)
            ON CONFLICT(order_id, line_no, warehouse_id) DO UPDATE SET qty = excluded.qty, shipped_at = excluded.shipped_at,
              delivered_at = excluded.delivered_at, event_id = excluded.event_id
            """).execute(arguments: [eventID, orderID, lineNo, warehouseID, qty, shippedAt.description, deliveredAt?.description])
    }
}

/// A CSV file read whole, with typed field access that names file, line and field in every error.
struct HistoryTable {
    struct Row {
        let file: String
        let line: Int
        let values: [String: String]
        func error(_ field: String, _ value: String?, _ message: String) -> HistoryFileError {
            HistoryFileError(file: file, line: line, field: field, value: value, message: message)
        }
        func optionalValue(_ f: String) -> String? {
            guard let v = values[f]?.trimmingCharacters(in: .whitespaces), !v.isEmpty else { return nil }
            return v
        }
        func text(_ f: String) throws -> String {
            guard let v = optionalValue(f) else { throw error(f, nil, "is required") }
            return v
        }
        func optional(_ f: String) throws -> String? { optionalValue(f) }
        func int(_ f: String, min: Int) throws -> Int {
            let v = try text(f)
            guard let i = Int(v), i >= min else { throw error(f, v, "is not a whole number >= \(min)") }
            return i
        }
        func optionalInt(_ f: String) throws -> Int? {
            guard let v = optionalValue(f) else { return nil }
            guard let i = Int(v), i >= 0 else { throw error(f, v, "is not a whole number >= 0") }
            return i
        }
        func optionalNumber(_ f: String) throws -> Double? {
            guard let v = optionalValue(f) else { return nil }
            guard let d = Double(v), d.isFinite else { throw error(f, v, "is not a number") }
            return d
        }
        func optionalBool(_ f: String) throws -> Bool? {
            guard let v = optionalValue(f) else { return nil }
            switch v { case "true": return true; case "false": return false; default: throw error(f, v, "is not true or false") }
        }
        func day(_ f: String) throws -> Day {
            let v = try text(f)
            guard let d = Day(v) else { throw error(f, v, "is not a date YYYY-MM-DD") }
            return d
        }
        func optionalDay(_ f: String) throws -> Day? { optionalValue(f) == nil ? nil : try day(f) }
        func timestamp(_ f: String) throws -> Timestamp {
            let v = try text(f)
            guard let t = Timestamp(v) else { throw error(f, v, "is not an RFC 3339 timestamp") }
            return t
        }
        func optionalTimestamp(_ f: String) throws -> Timestamp? { optionalValue(f) == nil ? nil : try timestamp(f) }
    }

    let rows: [Row]

    init(path: String, name: String) throws {
        guard let text = FileManager.default.contents(atPath: path).flatMap({ String(data: $0, encoding: .utf8) }) else {
            throw HistoryFileError(file: name, message: "cannot be read as UTF-8 text")
        }
        let reader: CSVReader
        do { reader = try CSVReader(string: text, hasHeaderRow: true) } catch {
            throw HistoryFileError(file: name, line: 1, message: "is not valid CSV: \(error)")
        }
        let header = (reader.headerRow ?? []).map { $0.trimmingCharacters(in: .whitespaces) }
        var rows: [Row] = []
        var line = 1
        while let fields = reader.next() {
            line += 1
            if fields.allSatisfy({ $0.isEmpty }) { continue }
            var values: [String: String] = [:]
            for (i, h) in header.enumerated() where i < fields.count { values[h] = fields[i] }
            rows.append(Row(file: name, line: line, values: values))
        }
        self.rows = rows
    }
}

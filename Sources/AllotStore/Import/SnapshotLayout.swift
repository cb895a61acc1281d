import GRDB
import AllotCore

/// The contract's section 1 snapshot layout: which file fills which table, its columns, keys and references.
///
/// One description drives header checks, cell parsing, duplicate-key and reference checks and the SQL that
/// writes a file, so that a new optional column is one line here.
enum SnapshotLayout {
    /// What a cell may hold, and how its text becomes a database value.
    enum Kind: Sendable {
        case text
        /// A whole number >= 0 (quantities, days).
        case count
        /// Any whole number (a rank).
        case integer
        /// A decimal with `.`, at least `min`, at most `max`.
        case decimal(min: Double?, max: Double?)
        case bool
        case date
        case timestamp
        case oneOf([String])
    }

    struct Column: Sendable {
        var name: String
        var kind: Kind
        var required: Bool
        /// What an empty cell or an absent column means.
        var fallback: DatabaseValue
    }

    /// Which other entity a column names; it must exist in the snapshot (or, when that file is not part of
    /// the import, in the mirror).
    enum Entity: String, Sendable { case warehouse, item, customer, order }

    struct Reference: Sendable {
        var column: String
        var entity: Entity
    }

    struct File: Sendable {
        var name: String
        var table: String
        var columns: [Column]
        var key: [String]
        var references: [Reference] = []
        /// The entity whose ids this file defines, if any.
        var defines: Entity? = nil

        func index(of column: String) -> Int { columns.firstIndex { $0.name == column }! }
    }

    static func req(_ name: String, _ kind: Kind) -> Column { Column(name: name, kind: kind, required: true, fallback: .null) }
    static func opt(_ name: String, _ kind: Kind, _ fallback: DatabaseValueConvertible? = nil) -> Column {
        Column(name: name, kind: kind, required: false, fallback: fallback?.databaseValue ?? .null)
    }
    static let money = Kind.decimal(min: 0, max: nil)

    /// Every snapshot file, in the order they are written (referenced tables first).
    static let files: [File] = [
        File(name: "warehouses.csv", table: "warehouse", columns: [
            req("warehouse_id", .text), opt("name", .text, ""), req("region", .text),
            opt("handling_days", .count, 1), opt("daily_line_capacity", .count),
        ], key: ["warehouse_id"], defines: .warehouse),
        File(name: "customers.csv", table: "customer", columns: [
            req("customer_id", .text), opt("name", .text, ""), req("tier", .text), opt("region", .text),
            opt("credit_status", .oneOf(["ok", "hold"]), "ok"), opt("credit_limit", money),
            opt("service_target", .decimal(min: 0, max: 1)),
        ], key: ["customer_id"], defines: .customer),
        File(name: "items.csv", table: "item", columns: [
            req("sku", .text), opt("description", .text, ""), opt("family", .text),
            opt("unit_cost", money), opt("unit_price", money), opt("critical", .bool, false),
        ], key: ["sku"], defines: .item),
        File(name: "lanes.csv", table: "lane", columns: [
            req("from_warehouse", .text), req("to_region", .text), opt("mode", .oneOf(["ground", "expedite"]), "ground"),
            req("transit_days", .count), req("cost_per_unit", money),
        ], key: ["from_warehouse", "to_region", "mode"], references: [Reference(column: "from_warehouse", entity: .warehouse)]),
        File(name: "transfers.csv", table: "transfer", columns: [
            req("from_warehouse", .text), req("to_warehouse", .text), req("lead_days", .count), req("cost_per_unit", money),
        ], key: ["from_warehouse", "to_warehouse"], references: [
            Reference(column: "from_warehouse", entity: .warehouse), Reference(column: "to_warehouse", entity: .warehouse),
        ]),
        File(name: "inventory.csv", table: "inventory", columns: [
            req("warehouse_id", .text), req("sku", .text), req("on_hand", .count), opt("reserved", .count, 0),
            opt("safety_stock", .count, 0), opt("as_of", .timestamp), opt("oldest_receipt_date", .date),
        ], key: ["warehouse_id", "sku"], references: [
            Reference(column: "warehouse_id", entity: .warehouse), Reference(column: "sku", entity: .item),
        ]),
        File(name: "receipts.csv", table: "receipt", columns: [
            req("receipt_id", .text), req("warehouse_id", .text), req("sku", .text), req("qty", .count),
            req("eta", .date), opt("kind", .oneOf(["po", "transfer"]), "po"),
        ], key: ["receipt_id"], references: [
            Reference(column: "warehouse_id", entity: .warehouse), Reference(column: "sku", entity: .item),
        ]),
        File(name: "orders.csv", table: "sales_order", columns: [
            req("order_id", .text), req("customer_id", .text), req("order_date", .date), req("requested_date", .date),
            opt("ship_to_region", .text), opt("ship_complete", .bool, false),
            opt("status", .oneOf(["open", "held", "cancelled"]), "open"), opt("hold_reason", .text),
        ], key: ["order_id"], references: [Reference(column: "customer_id", entity: .customer)], defines: .order),
        File(name: "order_lines.csv", table: "order_line", columns: [
            req("order_id", .text), req("line_no", .count), req("sku", .text), req("qty", .count), opt("unit_price", money),
            opt("allow_partial", .bool, true), opt("allow_substitute", .bool, false),
        ], key: ["order_id", "line_no"], references: [
            Reference(column: "order_id", entity: .order), Reference(column: "sku", entity: .item),
        ]),
        File(name: "substitutes.csv", table: "substitute", columns: [
            req("sku", .text), req("substitute_sku", .text), opt("rank", .integer, 1),
        ], key: ["sku", "substitute_sku"], references: [
            Reference(column: "sku", entity: .item), Reference(column: "substitute_sku", entity: .item),
        ]),
        File(name: "commitments.csv", table: "commitment", columns: [
            req("customer_id", .text), req("sku", .text), req("qty", .count),
            opt("period_start", .date, ""), opt("period_end", .date, ""),
        ], key: ["customer_id", "sku", "period_start"], references: [
            Reference(column: "customer_id", entity: .customer), Reference(column: "sku", entity: .item),
        ]),
        File(name: "quotas.csv", table: "quota", columns: [
            req("sku_or_family", .text), req("tier", .text), req("max_qty", .count),
            opt("period_start", .date, ""), opt("period_end", .date, ""),
        ], key: ["sku_or_family", "tier", "period_start"]),
        File(name: "users.csv", table: "app_user", columns: [
            req("user", .text), req("role", .oneOf(Role.allCases.map(\.rawValue))),
        ], key: ["user"]),
    ]

    static func file(named name: String) -> File? { files.first { $0.name == name } }
    static func file(defining entity: Entity) -> File { files.first { $0.defines == entity }! }

    /// The upsert that writes `rows` rows in one statement; the change count says how many rows it changed
    /// (a row the mirror already holds exactly so is left untouched).
    static func upsertSQL(_ f: File, rows: Int = 1) -> String {
        let cols = f.columns.map(\.name)
        let nonKey = cols.filter { !f.key.contains($0) }
        let set = nonKey.map { "\($0) = excluded.\($0)" }.joined(separator: ", ")
        let mine = nonKey.map { "\(f.table).\($0)" }.joined(separator: ", ")
        let theirs = nonKey.map { "excluded.\($0)" }.joined(separator: ", ")
        let cmp = nonKey.count == 1 ? "\(mine) IS NOT \(theirs)" : "(\(mine)) IS NOT (\(theirs))"
        return """
            INSERT INTO \(f.table)(\(cols.joined(separator: ", "))) VALUES \(Array(repeating: "(\(cols.map { _ in "?" }.joined(separator: ", ")))", count: rows).joined(separator: ", "))
            ON CONFLICT(\(f.key.joined(separator: ", "))) DO UPDATE SET \(set) WHERE \(cmp)
            """
    }
}

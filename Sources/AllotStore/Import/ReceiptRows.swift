import GRDB

/// The receipts a chunk of events changes, held in memory while the chunk applies and written once each at its
/// end, together with the eta history the mirror's triggers would have recorded for every one of those changes.
///
/// A feed moves the etas and quantities of the same few dozen purchase orders all day. Written one event at a
/// time, each change ran an `UPDATE` with its foreign-key checks and the eta trigger (its look at the last
/// recorded eta and its insert), a tenth of the whole intake for a tenth of its events. Here each event changes
/// the row in memory with the same outcome (changed or not) as `EventApplier.upsert`, and notes the history row
/// `receipt_eta_on_insert` / `receipt_eta_on_update` would add for it: one whenever the row changes and its eta
/// differs from the receipt's last recorded eta. `write()` inserts those history rows in event order and then
/// writes each receipt; by then the last recorded eta of each is its eta, so the triggers add nothing more.
///
/// Only for a mirror whose triggers on `receipt` are exactly those two (`fits`), and only as long as every other
/// write to `receipt` in the chunk first calls `write()` (a received receipt does).
final class ReceiptRows {
    static let spec = EventApplier.receipts
    /// The history triggers of the insight schema, which `write()` stands in for.
    static let etaTriggers: Set<String> = ["receipt_eta_on_insert", "receipt_eta_on_update"]
    private static let columnNames = spec.columns.map(\.name)
    private static let sku = spec.index(of: "sku"), eta = spec.index(of: "eta"), warehouse = spec.index(of: "warehouse_id")

    /// One receipt as the chunk's events have left it.
    private struct Receipt {
        /// Every column, in `spec` order (the key first).
        var values: [DatabaseValue]
        /// The row as the mirror holds it; nil when it has none yet.
        var stored: [DatabaseValue]?
        /// The eta last recorded in `receipt_eta_history` for this receipt id, with the rows noted so far.
        var lastEta: DatabaseValue
        var changed = false
    }

    private let statements: FastStatements
    private var receipts: [String: Receipt] = [:]
    /// Changed receipts, in the order first changed.
    private var order: [String] = []
    /// History rows to insert, four values each (receipt_id, warehouse_id, sku, eta), in event order.
    private var history: [DatabaseValue] = []

    init(statements: FastStatements) { self.statements = statements }

    /// True when the mirror's only triggers on `receipt` and its history are the eta triggers this stands in for.
    static func fits(_ db: Database) throws -> Bool {
        var names: [String] = []
        for master in ["sqlite_master", "sqlite_temp_master"] {
            names += try String.fetchAll(db, sql: """
                SELECT name FROM \(master) WHERE type = 'trigger' AND tbl_name IN ('receipt', 'receipt_eta_history')
                """)
        }
        return names.count == etaTriggers.count && Set(names) == etaTriggers
    }

    /// Sets the given columns of `cells` (a `receipts.csv` row; absent optional columns keep what the receipt
    /// holds, or take their default for a new one). Returns whether the receipt changed and its sku before.
    func upsert(_ cells: Cells) throws -> (changed: Bool, skuBefore: String?) {
        let id = String.fromDatabaseValue(cells.values[0] ?? .null) ?? ""
        var r = try current(id)
        let skuBefore = r.stored == nil && !r.changed ? nil : String.fromDatabaseValue(r.values[Self.sku])
        let isNew = r.stored == nil && !r.changed
        var changed = isNew
        for (i, column) in Self.spec.columns.enumerated() {
            let value = cells.values[i] ?? (isNew ? column.fallback : r.values[i])
            if !EventApplier.sameStored(r.values[i], value) {
                r.values[i] = value
                changed = true
            }
        }
        if changed {
            // What the eta trigger's `WHEN NEW.eta IS NOT (the last recorded eta)` decides.
            if !EventApplier.sameStored(r.values[Self.eta], r.lastEta) {
                history += [r.values[0], r.values[Self.warehouse], r.values[Self.sku], r.values[Self.eta]]
                r.lastEta = r.values[Self.eta]
            }
            if !r.changed { r.changed = true; order.append(id) }
        }
        receipts[id] = r
        return (changed, skuBefore)
    }

    /// The receipt as the chunk has it, read from the mirror the first time (with no values when it has no row).
    private func current(_ id: String) throws -> Receipt {
        if let r = receipts[id] { return r }
        let read = try statements.statement(Statement.read.rawValue) {
            "SELECT \(Self.columnNames.joined(separator: ", ")) FROM receipt WHERE receipt_id = ?"
        }
        read.bind(id)
        let stored = try read.first { row in (0..<Int32(Self.columnNames.count)).map { row.value($0) } }
        let last = try statements.statement(Statement.lastEta.rawValue) {
            "SELECT eta FROM receipt_eta_history WHERE receipt_id = ? ORDER BY id DESC LIMIT 1"
        }
        last.bind(id)
        let lastEta = try last.first { $0.value(0) } ?? .null
        return Receipt(values: stored ?? Array(repeating: .null, count: Self.columnNames.count), stored: stored, lastEta: lastEta)
    }

    /// Writes the noted history rows and every changed receipt, and forgets them all (the chunk is done, or a
    /// statement is about to write a receipt).
    func write() throws {
        if !history.isEmpty {
            try MultiRowInsert(table: "receipt_eta_history", columns: ["receipt_id", "warehouse_id", "sku", "eta"],
                               shared: [("recorded_at", ChangeFeed.now().databaseValue)])
                .insert(statements.db, flat: history, statements: statements, key: Statement.history.rawValue)
        }
        for id in order {
            guard let r = receipts[id], !Self.same(r.values, r.stored) else { continue }
            let write: FastStatement
            if r.stored == nil {
                write = try statements.statement(Statement.insert.rawValue) {
                    "INSERT INTO receipt(\(Self.columnNames.joined(separator: ", "))) VALUES (\(Self.columnNames.map { _ in "?" }.joined(separator: ", ")))"
                }
                for v in r.values { write.bind(v) }
            } else {
                write = try statements.statement(Statement.update.rawValue) {
                    "UPDATE receipt SET \(Self.columnNames.dropFirst().map { "\($0) = ?" }.joined(separator: ", ")) WHERE receipt_id = ?"
                }
                for v in r.values.dropFirst() { write.bind(v) }
                write.bind(r.values[0])
            }
            try write.execute()
        }
        receipts.removeAll(keepingCapacity: true)
        order.removeAll(keepingCapacity: true)
        history.removeAll(keepingCapacity: true)
    }

    /// True when the row holds exactly these values (`EventApplier.sameStored`, column by column).
    private static func same(_ values: [DatabaseValue], _ stored: [DatabaseValue]?) -> Bool {
        guard let stored else { return false }
        return zip(values, stored).allSatisfy { EventApplier.sameStored($0, $1) }
    }

    /// Keys of these statements in the batch's `FastStatements` (apart from `AppliedSQL`'s, `BatchSQL`'s and
    /// `StockPositions`'); the history insert takes the keys above its own, one per statement size.
    private enum Statement: Int {
        case read = 300, lastEta, insert, update
        case history = 5000
    }
}

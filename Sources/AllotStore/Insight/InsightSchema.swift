import GRDB

extension Schema {
    /// History the insight models learn from (shipments, eta changes).
    ///
    /// - (`shipment`, the integration layer's table of `shipment.confirmed`, also takes `history/shipments.csv`.)
    /// - `receipt_eta_history`: every eta a receipt was given, oldest first. Triggers on `receipt` record each new
    ///   eta whoever writes it (snapshot load, `receipt.upserted`), so slips are never missed.
    /// - `line_history`: past order lines with their recommendation, decision and outcome, loaded from a
    ///   scenario's `history/lines.csv` (what the previous process recorded before Allot); live decisions come
    ///   from the governance tables.
    static func registerInsightMigrations(_ m: inout DatabaseMigrator) {
        m.registerMigration("v1-insight-history") { db in
            try db.execute(sql: """
            CREATE TABLE receipt_eta_history (
              id INTEGER PRIMARY KEY AUTOINCREMENT,
              receipt_id TEXT NOT NULL,
              warehouse_id TEXT NOT NULL,
              sku TEXT NOT NULL,
              supplier TEXT,
              eta TEXT NOT NULL,
              recorded_at TEXT NOT NULL
            ) STRICT;
            CREATE INDEX receipt_eta_history_receipt ON receipt_eta_history(receipt_id, id);

            CREATE TRIGGER receipt_eta_on_insert AFTER INSERT ON receipt
            WHEN NEW.eta IS NOT (SELECT eta FROM receipt_eta_history WHERE receipt_id = NEW.receipt_id ORDER BY id DESC LIMIT 1)
            BEGIN
              INSERT INTO receipt_eta_history(receipt_id, warehouse_id, sku, eta, recorded_at)
              VALUES (NEW.receipt_id, NEW.warehouse_id, NEW.sku, NEW.eta, strftime('%Y-%m-%dT%H:%M:%SZ', 'now'));
            END;
            CREATE TRIGGER receipt_eta_on_update AFTER UPDATE OF eta ON receipt
            WHEN NEW.eta IS NOT (SELECT eta FROM receipt_eta_history WHERE receipt_id = NEW.receipt_id ORDER BY id DESC LIMIT 1)
            BEGIN
              INSERT INTO receipt_eta_history(receipt_id, warehouse_id, sku, eta, recorded_at)
              VALUES (NEW.receipt_id, NEW.warehouse_id, NEW.sku, NEW.eta, strftime('%Y-%m-%dT%H:%M:%SZ', 'now'));
            END;

            CREATE TABLE line_history (
              order_id TEXT NOT NULL,
              line_no INTEGER NOT NULL,
              customer_id TEXT NOT NULL,
              sku TEXT NOT NULL,
              qty INTEGER NOT NULL CHECK (qty >= 0),
              received_at TEXT NOT NULL,
              requested_date TEXT NOT NULL,
              exceptions TEXT NOT NULL DEFAULT '',
              queue TEXT NOT NULL DEFAULT 'auto',
              recommended_warehouse TEXT,
              recommended_qty INTEGER,
              recommended_cost REAL,
              recommended_transit_days INTEGER,
              decided_at TEXT NOT NULL,
              actor TEXT NOT NULL,
              role TEXT,
              action TEXT NOT NULL,
              reason TEXT,
              released_at TEXT,
              warehouse_id TEXT,
              allocated INTEGER NOT NULL DEFAULT 0 CHECK (allocated >= 0),
              allocations INTEGER NOT NULL DEFAULT 1,
              expedited INTEGER NOT NULL DEFAULT 0 CHECK (expedited IN (0,1)),
              cost REAL,
              transit_days INTEGER,
              promised_date TEXT,
              substitute_sku TEXT,
              substitute_accepted INTEGER CHECK (substitute_accepted IN (0,1)),
              PRIMARY KEY (order_id, line_no)
            ) STRICT;
            CREATE INDEX line_history_decided ON line_history(decided_at);
            CREATE INDEX line_history_sku ON line_history(sku, warehouse_id);

            CREATE TABLE transfer_approval (
              id INTEGER PRIMARY KEY AUTOINCREMENT,
              recommendation_id TEXT NOT NULL,
              sku TEXT NOT NULL,
              from_warehouse TEXT NOT NULL,
              to_warehouse TEXT NOT NULL,
              qty INTEGER NOT NULL CHECK (qty > 0),
              arrival_date TEXT NOT NULL,
              cost REAL NOT NULL,
              approved_by TEXT NOT NULL,
              approved_at TEXT NOT NULL,
              note TEXT
            ) STRICT;
            """)
        }
        // An approved transfer becomes an inbound receipt at the receiving warehouse; the approval names it.
        m.registerMigration("v2-insight-transfer-receipt") { db in
            try db.execute(sql: "ALTER TABLE transfer_approval ADD COLUMN receipt_id TEXT")
        }
    }
}

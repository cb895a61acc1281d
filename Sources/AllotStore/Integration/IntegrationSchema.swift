import GRDB

extension Schema {
    /// Event ledger, per-source freshness, dead letters, import runs (the integration layer).
    static func registerIntegrationMigrations(_ m: inout DatabaseMigrator) {
        m.registerMigration("v1-integration") { db in
            try db.execute(sql: """
            CREATE TABLE event_ledger (
              event_id TEXT PRIMARY KEY NOT NULL,
              source TEXT NOT NULL,
              seq INTEGER NOT NULL,
              type TEXT NOT NULL,
              entity TEXT NOT NULL,
              at TEXT NOT NULL,
              applied_at TEXT NOT NULL,
              outcome TEXT NOT NULL CHECK (outcome IN ('applied','stale')),
              file TEXT
            ) STRICT;
            CREATE INDEX event_ledger_source_seq ON event_ledger(source, seq);
            CREATE TABLE entity_version (
              source TEXT NOT NULL,
              entity TEXT NOT NULL,
              seq INTEGER NOT NULL,
              PRIMARY KEY (source, entity)
            ) STRICT, WITHOUT ROWID;
            CREATE TABLE source_state (
              source TEXT PRIMARY KEY NOT NULL,
              last_seq INTEGER NOT NULL DEFAULT 0,
              last_event_at TEXT,
              last_applied_at TEXT,
              received INTEGER NOT NULL DEFAULT 0,
              applied INTEGER NOT NULL DEFAULT 0,
              duplicate INTEGER NOT NULL DEFAULT 0,
              stale INTEGER NOT NULL DEFAULT 0,
              rejected INTEGER NOT NULL DEFAULT 0,
              gaps INTEGER NOT NULL DEFAULT 0
            ) STRICT;
            CREATE TABLE dead_letter (
              id INTEGER PRIMARY KEY AUTOINCREMENT,
              source TEXT,
              file TEXT NOT NULL,
              line INTEGER,
              reason TEXT NOT NULL,
              raw TEXT NOT NULL,
              received_at TEXT NOT NULL,
              status TEXT NOT NULL DEFAULT 'open' CHECK (status IN ('open','resolved')),
              retries INTEGER NOT NULL DEFAULT 0,
              last_retry_at TEXT,
              last_retry_result TEXT
            ) STRICT;
            CREATE INDEX dead_letter_status ON dead_letter(status);
            CREATE TABLE import_run (
              id INTEGER PRIMARY KEY AUTOINCREMENT,
              path TEXT NOT NULL,
              kind TEXT NOT NULL CHECK (kind IN ('snapshot','events')),
              started_at TEXT NOT NULL,
              finished_at TEXT,
              applied INTEGER NOT NULL DEFAULT 0,
              duplicate INTEGER NOT NULL DEFAULT 0,
              stale INTEGER NOT NULL DEFAULT 0,
              rejected INTEGER NOT NULL DEFAULT 0
            ) STRICT;
            """)
        }
        // The change feed: one row per sku or order an import changed (or one `snapshot` row for a snapshot
        // load), so that decisions can be re-checked and plans redone for just what moved.
        m.registerMigration("v2-change-log") { db in
            try db.execute(sql: """
            CREATE TABLE change_log (
              id INTEGER PRIMARY KEY AUTOINCREMENT,
              at TEXT NOT NULL,
              source TEXT NOT NULL,
              kind TEXT NOT NULL,
              sku TEXT,
              order_id TEXT,
              detail TEXT
            ) STRICT;
            CREATE INDEX change_log_sku ON change_log(sku) WHERE sku IS NOT NULL;
            CREATE INDEX change_log_order ON change_log(order_id) WHERE order_id IS NOT NULL;
            """)
        }
        // Confirmed shipments (the `shipment.confirmed` event): what left which warehouse for a line, and when
        // it arrived, for promise accuracy.
        m.registerMigration("v2-shipment") { db in
            try db.execute(sql: """
            CREATE TABLE shipment (
              order_id TEXT NOT NULL,
              line_no INTEGER NOT NULL,
              warehouse_id TEXT NOT NULL,
              qty INTEGER NOT NULL CHECK (qty >= 0),
              shipped_at TEXT NOT NULL,
              delivered_at TEXT,
              event_id TEXT,
              PRIMARY KEY (order_id, line_no, warehouse_id)
            ) STRICT;
            """)
        }
        // The drop folder's file ledger (a file's import and its ledger row commit together, so a file that was
        // imported but not yet moved is recognised after a crash), per-source failure state for the health
        // view, and the change-feed cursor of the incremental re-plan.
        m.registerMigration("v3-watch") { db in
            try db.execute(sql: """
            CREATE TABLE import_file (
              name TEXT NOT NULL,
              sha256 TEXT NOT NULL,
              kind TEXT NOT NULL CHECK (kind IN ('snapshot','events')),
              source TEXT NOT NULL,
              committed_at TEXT NOT NULL,
              outcome TEXT NOT NULL CHECK (outcome IN ('processed','failed')),
              error TEXT,
              applied INTEGER NOT NULL DEFAULT 0,
              duplicate INTEGER NOT NULL DEFAULT 0,
              stale INTEGER NOT NULL DEFAULT 0,
              rejected INTEGER NOT NULL DEFAULT 0,
              PRIMARY KEY (name, sha256)
            ) STRICT;
            ALTER TABLE source_state ADD COLUMN files INTEGER NOT NULL DEFAULT 0;
            ALTER TABLE source_state ADD COLUMN failed_files INTEGER NOT NULL DEFAULT 0;
            ALTER TABLE source_state ADD COLUMN last_file TEXT;
            ALTER TABLE source_state ADD COLUMN last_file_at TEXT;
            ALTER TABLE source_state ADD COLUMN last_error TEXT;
            ALTER TABLE source_state ADD COLUMN last_error_at TEXT;
            CREATE TABLE replan_cursor (
              name TEXT PRIMARY KEY NOT NULL,
              change_id INTEGER NOT NULL,
              updated_at TEXT NOT NULL
            ) STRICT;
            CREATE INDEX dead_letter_source ON dead_letter(source, status);
            -- The importer looks up an open dead letter by its raw text so the same line is not kept twice.
            CREATE INDEX dead_letter_open_raw ON dead_letter(raw) WHERE status = 'open';
            """)
        }
        // The change-feed entry each plan was made from (`allot plan` reads it before the snapshot), and the plan
        // the re-plan cursor was last moved for: a new plan starts the incremental re-plan from its own basis.
        m.registerMigration("v4-plan-basis") { db in
            try db.execute(sql: """
            CREATE TABLE plan_basis (
              plan_id TEXT PRIMARY KEY NOT NULL,
              change_id INTEGER NOT NULL
            ) STRICT;
            ALTER TABLE replan_cursor ADD COLUMN plan_id TEXT;
            """)
        }
        // Every reader of the change feed reads it by id (from a cursor); the indexes by sku and by order served no
        // query, and each feed row written updated both (1M-event ingest: about 195,000 rows).
        m.registerMigration("v5-change-log-unindexed") { db in
            try db.execute(sql: """
            DROP INDEX IF EXISTS change_log_sku;
            DROP INDEX IF EXISTS change_log_order;
            """)
        }
        // Missing seqs kept as ranges while events are recorded, in place of the ledger's index by (source, seq).
        m.registerMigration("v6-seq-gaps") { db in try SeqGaps.migrate(db) }
    }
}

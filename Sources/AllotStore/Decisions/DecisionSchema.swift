import GRDB
import AllotCore

extension Schema {
    /// Line workflow state, decisions, reservations, audit log, outbox (governance).
    static func registerDecisionMigrations(_ m: inout DatabaseMigrator) {
        m.registerMigration("v1-decisions") { db in
            let states = LineStateSQL.list
            try db.execute(sql: """
            CREATE TABLE line_state (
              order_id TEXT NOT NULL,
              line_no INTEGER NOT NULL,
              state TEXT NOT NULL CHECK (state IN (\(states))),
              version INTEGER NOT NULL CHECK (version >= 1),
              plan_id TEXT,
              rec_version INTEGER,
              allocation_json TEXT NOT NULL DEFAULT '[]',
              escalated_by TEXT,
              escalation_reasons TEXT,
              needs_recheck INTEGER NOT NULL DEFAULT 0 CHECK (needs_recheck IN (0,1)),
              recheck_reason TEXT,
              updated_at TEXT NOT NULL,
              updated_by TEXT NOT NULL,
              PRIMARY KEY (order_id, line_no)
            ) STRICT;
            CREATE INDEX line_state_state ON line_state(state, needs_recheck);
            CREATE TABLE decision (
              id INTEGER PRIMARY KEY AUTOINCREMENT,
              at TEXT NOT NULL,
              user TEXT NOT NULL,
              role TEXT NOT NULL,
              action TEXT NOT NULL,
              order_id TEXT NOT NULL,
              line_no INTEGER NOT NULL,
              reason_code TEXT,
              note TEXT,
              plan_id TEXT,
              rec_version INTEGER,
              state_before TEXT NOT NULL,
              state_after TEXT NOT NULL,
              before_json TEXT NOT NULL,
              after_json TEXT NOT NULL,
              escalation_reasons TEXT,
              line_version INTEGER NOT NULL
            ) STRICT;
            CREATE INDEX decision_line ON decision(order_id, line_no, id);
            CREATE TABLE reservation (
              order_id TEXT NOT NULL,
              line_no INTEGER NOT NULL,
              warehouse_id TEXT NOT NULL,
              sku TEXT NOT NULL,
              source TEXT NOT NULL,
              qty INTEGER NOT NULL CHECK (qty > 0),
              decision_id INTEGER,
              created_at TEXT NOT NULL,
              PRIMARY KEY (order_id, line_no, warehouse_id, source)
            ) STRICT;
            CREATE INDEX reservation_sku ON reservation(sku);
            CREATE TABLE audit_log (
              seq INTEGER PRIMARY KEY,
              at TEXT NOT NULL,
              user TEXT NOT NULL,
              role TEXT NOT NULL,
              action TEXT NOT NULL,
              order_id TEXT,
              line_no INTEGER,
              reason_code TEXT,
              note TEXT,
              plan_id TEXT,
              rec_version INTEGER,
              state_before TEXT,
              state_after TEXT,
              before_json TEXT,
              after_json TEXT,
              detail TEXT,
              prev_hash TEXT NOT NULL,
              hash TEXT NOT NULL
            ) STRICT;
            CREATE INDEX audit_log_order ON audit_log(order_id);
            CREATE INDEX audit_log_user ON audit_log(user);
            CREATE INDEX audit_log_at ON audit_log(at);
            -- Append-only: rows are never changed or removed by Allot (the hash chain shows it if anyone does).
            CREATE TRIGGER audit_log_no_update BEFORE UPDATE ON audit_log BEGIN SELECT RAISE(ABORT, 'audit_log is append-only'); END;
            CREATE TRIGGER audit_log_no_delete BEFORE DELETE ON audit_log BEGIN SELECT RAISE(ABORT, 'audit_log is append-only'); END;
            -- The newest entry, so that removing the last rows is detected too.
            CREATE TABLE audit_head (
              id INTEGER PRIMARY KEY CHECK (id = 1),
              seq INTEGER NOT NULL,
              hash TEXT NOT NULL
            ) STRICT;
            CREATE TABLE outbox (
              id INTEGER PRIMARY KEY AUTOINCREMENT,
              event_id TEXT NOT NULL UNIQUE,
              type TEXT NOT NULL,
              at TEXT NOT NULL,
              order_id TEXT NOT NULL,
              line_no INTEGER,
              decision_id INTEGER,
              data_json TEXT NOT NULL,
              exported_at TEXT,
              export_count INTEGER NOT NULL DEFAULT 0,
              acked_at TEXT
            ) STRICT;
            CREATE INDEX outbox_pending ON outbox(id) WHERE acked_at IS NULL;
            -- How far governance has read the change feed (change_log) for invalidation.
            CREATE TABLE decision_cursor (
              name TEXT PRIMARY KEY NOT NULL,
              last_id INTEGER NOT NULL
            ) STRICT;
            """)
        }
    }
}

enum LineStateSQL {
    static let list = LineState.allCases.map { "'\($0.rawValue)'" }.joined(separator: ",")
    /// States of a line decided but not yet released (the ones a change can invalidate).
    static let decidedNotReleased = LineState.allCases.filter(\.isDecidedNotReleased).map { "'\($0.rawValue)'" }.joined(separator: ",")
}

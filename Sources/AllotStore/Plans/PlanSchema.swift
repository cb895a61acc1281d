import GRDB

extension Schema {
    /// Stored plans and their recommendations (the engine's output).
    ///
    /// `recommendation.version` increases each time a line's recommendation changes (a re-plan that moves it);
    /// the workflow checks it so that a decision made against an old recommendation is refused.
    static func registerPlanMigrations(_ m: inout DatabaseMigrator) {
        m.registerMigration("v1-plans") { db in
            try db.execute(sql: """
            CREATE TABLE plan (
              plan_id TEXT PRIMARY KEY NOT NULL,
              created_at TEXT NOT NULL,
              as_of TEXT NOT NULL,
              policy_version TEXT NOT NULL,
              input_hash TEXT NOT NULL,
              summary_json TEXT NOT NULL,
              is_current INTEGER NOT NULL DEFAULT 0 CHECK (is_current IN (0,1))
            ) STRICT;
            CREATE UNIQUE INDEX plan_current ON plan(is_current) WHERE is_current = 1;
            CREATE TABLE recommendation (
              plan_id TEXT NOT NULL REFERENCES plan(plan_id) ON DELETE CASCADE,
              order_id TEXT NOT NULL,
              line_no INTEGER NOT NULL,
              sku TEXT NOT NULL,
              requested INTEGER NOT NULL,
              allocated INTEGER NOT NULL,
              short INTEGER NOT NULL,
              priority_class INTEGER NOT NULL,
              status TEXT NOT NULL CHECK (status IN ('auto','review','held','backorder')),
              exceptions TEXT NOT NULL DEFAULT '',
              queue TEXT,
              cost REAL NOT NULL DEFAULT 0,
              value REAL NOT NULL DEFAULT 0,
              promise_date TEXT,
              requested_date TEXT NOT NULL,
              allocations_json TEXT NOT NULL,
              rationale TEXT NOT NULL,
              version INTEGER NOT NULL DEFAULT 1,
              first_seen_at TEXT NOT NULL,
              PRIMARY KEY (plan_id, order_id, line_no)
            ) STRICT;
            CREATE INDEX recommendation_queue ON recommendation(plan_id, status, priority_class, requested_date);
            CREATE INDEX recommendation_sku ON recommendation(plan_id, sku);
            """)
        }
    }
}

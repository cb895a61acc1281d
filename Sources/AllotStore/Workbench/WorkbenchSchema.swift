import GRDB

extension Schema {
    /// Indexes that let the workbench page its queue in each sort order without sorting the whole plan.
    ///
    /// They are partial (only lines that need a person), so they stay small next to the plan they index.
    static func registerWorkbenchMigrations(_ m: inout DatabaseMigrator) {
        m.registerMigration("v1-workbench-queue-indexes") { db in
            let only = "WHERE status IN ('review','backorder')"
            try db.execute(sql: """
            CREATE INDEX workbench_queue_type ON recommendation(plan_id, exceptions, priority_class, requested_date, order_id, line_no) \(only);
            CREATE INDEX workbench_queue_priority ON recommendation(plan_id, priority_class, requested_date, order_id, line_no) \(only);
            CREATE INDEX workbench_queue_due ON recommendation(plan_id, requested_date, priority_class, order_id, line_no) \(only);
            CREATE INDEX workbench_queue_value ON recommendation(plan_id, -value, order_id, line_no) \(only);
            CREATE INDEX workbench_queue_age ON recommendation(plan_id, first_seen_at, order_id, line_no) \(only);
            """)
        }
    }
}

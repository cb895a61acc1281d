import GRDB

extension Schema {
    /// History the insight models learn from (shipments, eta changes).
    static func registerInsightMigrations(_ m: inout DatabaseMigrator) {
    }
}

import GRDB

extension Schema {
    /// Line workflow state, decisions, reservations, audit log, outbox (governance).
    static func registerDecisionMigrations(_ m: inout DatabaseMigrator) {
    }
}

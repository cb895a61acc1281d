import GRDB

extension Schema {
    /// Stored plans and their recommendations (the engine's output).
    static func registerPlanMigrations(_ m: inout DatabaseMigrator) {
    }
}

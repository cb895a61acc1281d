import Foundation
import GRDB
import AllotCore

/// Small reads that put one learned signal beside what the workbench and `allot explain` already show (a
/// substitute option's acceptance, a queue row's override likelihood) without computing every signal.
extension InsightReads {
    /// Past substitute offers and the customers' answers, oldest first, with each customer's tier and the ordered
    /// sku's family (what `SubstitutionModel` borrows from).
    public func substitutionOutcomes() throws -> SubstitutionHistory {
        try mirror.db.read { db in
            guard try db.tableExists("line_history") else { return SubstitutionHistory(outcomes: [], families: [:], tiers: [:]) }
            let ctx = try Context(db)
            let outcomes = try Row.fetchAll(db, sql: """
                SELECT customer_id, sku, substitute_sku, substitute_accepted, decided_at FROM line_history
                WHERE substitute_sku IS NOT NULL AND substitute_accepted IS NOT NULL ORDER BY decided_at, order_id, line_no
                """).map { r in
                let customer: String = r[0], sku: String = r[1]
                return SubstitutionOutcome(customerID: customer, sku: sku, substituteSKU: r[2], family: ctx.families[sku],
                                           tier: ctx.tier[customer], accepted: (r[3] as Int) == 1,
                                           at: Timestamp(r[4] as String) ?? Timestamp(seconds: 0))
            }
            return SubstitutionHistory(outcomes: outcomes, families: ctx.families, tiers: ctx.tier)
        }
    }

    /// A mark that changes whenever the line history does (its newest row id): a trained model is reused until then.
    public func lineHistoryMark() throws -> Int64 {
        try mirror.db.read { db in
            guard try db.tableExists("line_history") else { return 0 }
            return try Int64.fetchOne(db, sql: "SELECT coalesce(max(rowid), 0) FROM line_history") ?? 0
        }
    }

    /// The override model trained on planners' past decisions of the line history, or nil when there is too
    /// little history for it to say anything (it then stays silent rather than guess).
    ///
    /// The model is only counts (overridden / seen per feature value), so SQL tallies them: a large history
    /// trains in milliseconds, the same model `OverrideModel(training:)` learns from `insightInputs`.
    public func overrideSignal() throws -> OverrideSignal? {
        try mirror.db.read { db in
            guard try db.tableExists("line_history") else { return nil }
            // Only decisions a person made teach the model (an auto-release was never open to an override).
            let person = "h.actor <> 'policy' AND h.action <> 'auto'"
            let overridden = "sum(h.action = 'override')"
            guard let totals = try Row.fetchOne(db, sql: "SELECT coalesce(\(overridden), 0), count(*) FROM line_history h WHERE \(person)") else { return nil }
            var counts: [String: [String: (Int, Int)]] = [:]
            func tally(_ feature: String, _ value: String, _ k: Int, _ n: Int) {
                let old = counts[feature, default: [:]][value] ?? (0, 0)
                counts[feature, default: [:]][value] = (old.0 + k, old.1 + n)
            }
            let groups: [(feature: String, expression: String, join: String)] = [
                ("warehouse", "h.recommended_warehouse", ""),
                ("customer", "h.customer_id", ""),
                ("tier", "coalesce(c.tier, '')", "LEFT JOIN customer c ON c.customer_id = h.customer_id"),
                ("family", "coalesce(nullif(i.family, ''), h.sku)", "LEFT JOIN item i ON i.sku = h.sku"),
                ("exception", "h.exceptions", ""),
            ]
            for g in groups {
                for r in try Row.fetchAll(db, sql: """
                    SELECT \(g.expression), \(overridden), count(*) FROM line_history h \(g.join) WHERE \(person) GROUP BY 1
                    """) {
                    guard let value: String = r[0] else { continue }  // no recommended warehouse: the feature is absent
                    // Exceptions are stored as a list; the model knows a line by its first (the one that routed it).
                    tally(g.feature, g.feature == "exception" ? Context.exceptionKinds(value).first?.rawValue ?? "none" : value, r[1], r[2])
                }
            }
            let model = OverrideModel(overridden: totals[0], total: totals[1], counts: counts)
            guard OverrideSignal.isTrustworthy(model) else { return nil }
            let families = try Row.fetchAll(db, sql: "SELECT sku, family FROM item WHERE family IS NOT NULL AND family <> ''")
            return OverrideSignal(model: model, families: Dictionary(families.map { ($0[0] as String, $0[1] as String) }, uniquingKeysWith: { a, _ in a }))
        }
    }
}

/// Past substitutions with the lookups needed to score a new offer.
public struct SubstitutionHistory: Sendable {
    public var outcomes: [SubstitutionOutcome]
    /// sku → family, customer → tier.
    public var families: [String: String]
    public var tiers: [String: String]

    /// The acceptance of `substituteSKU` in place of `sku` by `customerID`.
    public func estimate(customerID: CustomerID, sku: SKU, substituteSKU: SKU, policy: Policy) -> SubstitutionAcceptance {
        SubstitutionModel.estimate(customerID: customerID, sku: sku, substituteSKU: substituteSKU, family: families[sku],
                                   tier: tiers[customerID], history: outcomes, autoThreshold: policy.insight.substitutionAutoAcceptance)
    }
}

/// The override model ready to describe queue rows: trained once, then a few dictionary lookups a row.
public struct OverrideSignal: Sendable {
    public var model: OverrideModel
    public var families: [String: String]

    /// Decisions a person made before the model speaks at all: with fewer, the base rate is a guess.
    public static let minimumHistory = 30

    /// True when the model rests on enough past decisions, with both outcomes seen, to be worth showing.
    static func isTrustworthy(_ m: OverrideModel) -> Bool {
        m.total >= minimumHistory && m.overridden > 0 && m.overridden < m.total
    }

    /// How likely a planner is to override this row's recommendation (the same features the model learned from).
    public func likelihood(of row: QueueRow) -> Double {
        let warehouse = row.allocations.max { ($0.qty, $1.warehouseID) < ($1.qty, $0.warehouseID) }?.warehouseID
        let features = OverrideFeatures.of(warehouse: warehouse, family: families[row.sku] ?? row.sku, tier: row.tier,
                                           exception: row.exceptions.first, customer: row.customerID)
        return model.probability(features)
    }
}
